// Files in the web client: a message's files (images inline with a lightbox, video and
// audio players, cards for the rest), the uploads staged in a composer, the drop zone over a
// conversation, and a conversation's files pane (files.list).
import { type ClipboardEvent, type DragEvent, type ReactElement, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { createPortal } from "react-dom";
import type { SlackFile } from "../api/types";
import { useAppState, useController } from "../app/context";
import { encodeMessage } from "../lib/compose";
import { fileFactsFor, fileKind, type FileKind, fileTitle, humanSize, isTombstone, pickThumb, sameOriginPath } from "../lib/files";
import { conversationTitle, displayName } from "../lib/names";
import { useFocusTrap } from "../lib/focusTrap";
import { formatDay, formatFull, formatTime } from "../lib/ts";
import { dragHasFiles, filesOf, type NamedBlob, pastedName, type UploadItem, uploadsFor } from "../lib/upload";
import { errorText } from "./Dialogs";
import { Icon } from "./Icons";
import "./Files.css";

// ---- icons ------------------------------------------------------------------------------

const FILE_ICON_PATHS: Record<string, ReactElement> = {
  paperclip: <path d="M20 11.5 12.2 19.3a5 5 0 0 1-7.1-7.1l8.1-8.1a3.4 3.4 0 0 1 4.8 4.8l-8.1 8.1a1.7 1.7 0 0 1-2.4-2.4l7.4-7.4" />,
  files: (
    <>
      <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
      <path d="M14 3v5h5M9 13h6M9 17h4" />
    </>
  ),
  download: <path d="M12 4v11M7 10l5 5 5-5M5 20h14" />,
  upload: <path d="M12 20V9M7 14l5-5 5 5M5 4h14" />,
  external: <path d="M14 4h6v6M20 4l-8 8M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5" />,
};

export function FileUiIcon({ name, size = 18 }: { name: keyof typeof FILE_ICON_PATHS; size?: number }) {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      {FILE_ICON_PATHS[name]}
    </svg>
  );
}

const KIND_LABEL: Record<FileKind, string> = {
  image: "IMG",
  video: "VID",
  audio: "AUD",
  pdf: "PDF",
  text: "TXT",
  archive: "ZIP",
  code: "</>",
  other: "FILE",
};

/** A document-shaped badge coloured and labelled by the file's kind. */
export function FileTypeIcon({ file, size = 40 }: { file: Pick<SlackFile, "mimetype" | "filetype">; size?: number }) {
  const kind = fileKind(file);
  const label = kind === "other" && file.filetype && file.filetype.length <= 4 && file.filetype !== "binary" ? file.filetype.toUpperCase() : KIND_LABEL[kind];
  return (
    <span className={`file-type file-type-${kind}`} style={{ width: size, height: Math.round(size * 1.2) }} aria-hidden="true">
      <span className="file-type-label">{label}</span>
    </span>
  );
}

// ---- the freshest copy of a file -------------------------------------------------------

function useFresh(file: SlackFile): SlackFile {
  const c = useController();
  const facts = fileFactsFor(c.api);
  const fresh = useSyncExternalStore(facts.subscribe, () => facts.get(file.id));
  useEffect(() => facts.watch(file), [facts, file]);
  return useMemo(() => (fresh ? (isTombstone(fresh) ? fresh : { ...file, ...fresh }) : file), [file, fresh]);
}

// ---- showing a message's files ---------------------------------------------------------

function fitBox(w: number | undefined, h: number | undefined, maxW: number, maxH: number): { width?: number; height?: number } {
  if (!w || !h) return {};
  const scale = Math.min(1, maxW / w, maxH / h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

function FileCaption({ file }: { file: SlackFile }) {
  const download = sameOriginPath(file.url_private_download);
  return (
    <div className="file-caption">
      <span className="file-caption-name" title={fileTitle(file)}>
        {fileTitle(file)}
      </span>
      {file.size !== undefined && <span className="muted">{humanSize(file.size)}</span>}
      {download && (
        <a className="icon-button file-caption-download" href={download} download={file.name ?? ""} aria-label={`Download ${fileTitle(file)}`} title="Download">
          <FileUiIcon name="download" size={16} />
        </a>
      )}
    </div>
  );
}

function FileImage({ file, onOpen }: { file: SlackFile; onOpen: () => void }) {
  const thumb = pickThumb(file, 360);
  const big = pickThumb(file, 720);
  const original = sameOriginPath(file.url_private);
  // Before the thumbnails exist the original is shown (it is an inline-safe image type).
  const src = thumb?.src ?? original;
  const box = fitBox(thumb?.width ?? file.original_w, thumb?.height ?? file.original_h, 360, 360);
  const srcSet = thumb && big && big.src !== thumb.src && big.width ? `${thumb.src} ${thumb.width}w, ${big.src} ${big.width}w` : undefined;
  return (
    <figure className="file file-image-wrap">
      <FileCaption file={file} />
      {src ? (
        <button type="button" className="file-image-button" onClick={onOpen} aria-label={`Open ${fileTitle(file)} full size`}>
          <img className="file-image" src={src} srcSet={srcSet} sizes={box.width ? `${box.width}px` : "360px"} width={box.width} height={box.height} alt={file.alt_txt ?? fileTitle(file)} loading="lazy" decoding="async" />
        </button>
      ) : (
        <div className="file-image-pending muted small">Preparing preview…</div>
      )}
    </figure>
  );
}

function FileVideo({ file }: { file: SlackFile }) {
  const src = sameOriginPath(file.url_private);
  const poster = sameOriginPath(file.thumb_video);
  const box = fitBox(Number(file.thumb_video_w) || file.original_w, Number(file.thumb_video_h) || file.original_h, 480, 360);
  return (
    <figure className="file file-media">
      <FileCaption file={file} />
      <video className="file-video" controls preload="metadata" src={src} poster={poster} width={box.width} height={box.height} aria-label={fileTitle(file)} />
    </figure>
  );
}

function FileAudio({ file }: { file: SlackFile }) {
  return (
    <figure className="file file-media">
      <FileCaption file={file} />
      <audio className="file-audio" controls preload="none" src={sameOriginPath(file.url_private)} aria-label={fileTitle(file)} />
    </figure>
  );
}

function FileCard({ file }: { file: SlackFile }) {
  const open = sameOriginPath(file.url_private);
  const download = sameOriginPath(file.url_private_download);
  const type = file.pretty_type || file.filetype?.toUpperCase() || "File";
  return (
    <div className="file file-card">
      <FileTypeIcon file={file} />
      <div className="file-card-text">
        {open ? (
          <a className="file-card-name" href={open} target="_blank" rel="noopener noreferrer" title={fileTitle(file)}>
            {fileTitle(file)}
          </a>
        ) : (
          <span className="file-card-name">{fileTitle(file)}</span>
        )}
        <span className="file-card-meta muted small">
          {type}
          {file.size !== undefined && ` · ${humanSize(file.size)}`}
        </span>
      </div>
      {download && (
        <a className="icon-button file-card-download" href={download} download={file.name ?? ""} aria-label={`Download ${fileTitle(file)}`} title="Download">
          <FileUiIcon name="download" />
        </a>
      )}
    </div>
  );
}

/** A PDF: its first page (made by the server) above the card. */
function FileDocument({ file }: { file: SlackFile }) {
  const page = sameOriginPath(file.thumb_pdf);
  const download = sameOriginPath(file.url_private_download);
  if (!page) return <FileCard file={file} />;
  return (
    <div className="file file-doc">
      <a className="file-doc-page" href={download} download={file.name ?? ""} aria-label={`Download ${fileTitle(file)}`} tabIndex={-1}>
        <img src={page} alt="" loading="lazy" decoding="async" />
      </a>
      <FileCard file={file} />
    </div>
  );
}

function FileView({ file, onOpenImage }: { file: SlackFile; onOpenImage: (f: SlackFile) => void }) {
  const fresh = useFresh(file);
  if (isTombstone(fresh)) return <div className="file file-gone muted">This file was deleted.</div>;
  switch (fileKind(fresh)) {
    case "image":
      return <FileImage file={fresh} onOpen={() => onOpenImage(fresh)} />;
    case "video":
      return <FileVideo file={fresh} />;
    case "audio":
      return <FileAudio file={fresh} />;
    case "pdf":
      return <FileDocument file={fresh} />;
    default:
      return <FileCard file={fresh} />;
  }
}

/** A message's files. */
export function MessageFiles({ files }: { files: SlackFile[] }) {
  const [open, setOpen] = useState<SlackFile | null>(null);
  return (
    <div className="files-inline" role="group" aria-label="Files">
      {files.slice(0, 20).map((f) => (
        <FileView key={f.id} file={f} onOpenImage={setOpen} />
      ))}
      {open && <Lightbox file={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

// ---- lightbox ----------------------------------------------------------------------------

export function Lightbox({ file, onClose }: { file: SlackFile; onClose: () => void }) {
  const src = sameOriginPath(file.url_private) ?? pickThumb(file, 1024)?.src;
  const download = sameOriginPath(file.url_private_download);
  const users = useAppState((s) => s.users);
  const box = useRef<HTMLDivElement>(null);
  useFocusTrap(box, { onEscape: onClose, initialFocus: [".lightbox-bar button[aria-label=Close]"] });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        onClose();
      }
    };
    // Capture: Esc closes the lightbox before anything else hears it (mark-read, panes).
    window.addEventListener("keydown", onKey, true);
    return () => {
      window.removeEventListener("keydown", onKey, true);
    };
  }, [onClose]);
  // On <body>: message rows are positioned with transforms, which would trap `position: fixed`.
  return createPortal(
    <div className="lightbox" role="dialog" aria-modal="true" aria-label={fileTitle(file)} ref={box} tabIndex={-1} onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <header className="lightbox-bar">
        <div className="lightbox-title">
          <strong>{fileTitle(file)}</strong>
          <span className="lightbox-meta">
            {file.user ? displayName(users[file.user], "") : ""}
            {file.created ? ` · ${formatFull(String(file.created))}` : ""}
            {file.size !== undefined ? ` · ${humanSize(file.size)}` : ""}
          </span>
        </div>
        {download && (
          <a className="lightbox-button" href={download} download={file.name ?? ""} aria-label={`Download ${fileTitle(file)}`} title="Download">
            <FileUiIcon name="download" />
          </a>
        )}
        <button type="button" className="lightbox-button" aria-label="Close" title="Close (Esc)" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="lightbox-stage" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
        {src && <img className="lightbox-image" src={src} alt={file.alt_txt ?? fileTitle(file)} />}
      </div>
    </div>,
    document.body,
  );
}

// ---- uploads: the composer's side -----------------------------------------------------

/** Staged uploads and sharing for one composer (a conversation, or a thread in it). */
export function useComposerFiles(channel: string, threadTs?: string) {
  const c = useController();
  const uploads = uploadsFor(c.api);
  const key = c.messages.draftKey(channel, threadTs);
  const state = useSyncExternalStore(uploads.subscribe, () => uploads.state(key));
  const add = useCallback((files: Iterable<NamedBlob>) => uploads.add(key, files), [uploads, key]);
  const onPaste = useCallback(
    (e: ClipboardEvent<HTMLElement>) => {
      const files = filesOf(e.clipboardData);
      if (files.length === 0) return;
      e.preventDefault();
      add(files.map((f) => (pastedName(f) === f.name ? f : new File([f], pastedName(f), { type: f.type }))));
    },
    [add],
  );
  const currentKey = useRef(key);
  currentKey.current = key;
  /**
   * Shares the staged files with `comment` (the composer text) as the message. When that
   * fails the text goes back into the draft (and to `restore` if its composer still shows
   * this conversation); the files stay staged with the error.
   */
  const share = useCallback(
    (comment: string, restore: (text: string) => void): boolean => {
      // One share at a time: the composer keeps its text until the running one is done.
      if (uploads.state(key).sending) return false;
      const s = c.state;
      const text = comment ? encodeMessage(comment, Object.values(s.users), Object.values(s.conversations)) : "";
      uploads.share(key, { channel, threadTs, comment: text }).catch(() => {
        if (!comment || c.drafts.get(key)) return;
        c.drafts.set(key, comment);
        if (currentKey.current === key) restore(comment);
      });
      return true;
    },
    [c, uploads, key, channel, threadTs],
  );
  return { state, key, add, onPaste, share, hasFiles: state.items.length > 0, sending: state.sending };
}

/** The paperclip: picks files from the device. */
export function AttachButton({ onFiles, label = "Attach files" }: { onFiles: (files: File[]) => void; label?: string }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <span className="attach-anchor">
      <button type="button" className="icon-button" aria-label={label} title="Attach files" onClick={() => input.current?.click()}>
        <FileUiIcon name="paperclip" size={16} />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Files to upload"
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          e.currentTarget.value = "";
          if (files.length) onFiles(files);
        }}
      />
    </span>
  );
}

function UploadChip({ item, onCancel, onRetry }: { item: UploadItem; onCancel: () => void; onRetry: () => void }) {
  const percent = item.size > 0 ? Math.min(100, Math.round((item.loaded / item.size) * 100)) : item.status === "uploaded" ? 100 : 0;
  const status = item.status === "failed" ? "Failed" : item.status === "uploaded" ? "Uploaded" : `${percent}%`;
  return (
    <li className={`upload upload-${item.status}`} aria-label={`${item.name}, ${status}`}>
      {item.preview ? <img className="upload-thumb" src={item.preview} alt="" /> : <FileTypeIcon file={{ mimetype: item.type, filetype: item.name.split(".").pop()?.toLowerCase() }} size={32} />}
      <div className="upload-text">
        <span className="upload-name" title={item.name}>
          {item.name}
        </span>
        {item.status === "failed" ? (
          <span className="upload-error" role="alert">
            {item.error}{" "}
            <button type="button" className="link-button" onClick={onRetry}>
              Retry
            </button>
          </span>
        ) : (
          <span className="upload-meta muted small">
            {humanSize(item.size)} · {item.status === "uploaded" ? "Ready" : `Uploading ${percent}%`}
          </span>
        )}
        {item.status !== "failed" && (
          <span className="upload-progress" role="progressbar" aria-label={`Upload of ${item.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <span className="upload-progress-bar" style={{ width: `${percent}%` }} />
          </span>
        )}
      </div>
      <button type="button" className="icon-button upload-cancel" aria-label={item.status === "uploading" ? `Cancel upload of ${item.name}` : `Remove ${item.name}`} title={item.status === "uploading" ? "Cancel" : "Remove"} onClick={onCancel}>
        <Icon name="close" size={14} />
      </button>
    </li>
  );
}

/** The files staged in a composer, with progress, cancel and retry. */
export function UploadTray({ uploadKey }: { uploadKey: string }) {
  const c = useController();
  const uploads = uploadsFor(c.api);
  const state = useSyncExternalStore(uploads.subscribe, () => uploads.state(uploadKey));
  if (state.items.length === 0 && !state.error) return null;
  return (
    <div className="upload-tray">
      {state.items.length > 0 && (
        <ul className="upload-list" aria-label="Files to send" aria-busy={state.sending}>
          {state.items.map((item) => (
            <UploadChip key={item.id} item={item} onCancel={() => uploads.cancel(uploadKey, item.id)} onRetry={() => uploads.retry(uploadKey, item.id)} />
          ))}
        </ul>
      )}
      {state.sending && <p className="upload-note muted small" role="status">Sharing…</p>}
      {state.error && !state.sending && (
        <p className="upload-note upload-error" role="alert">
          {state.error}
        </p>
      )}
    </div>
  );
}

// ---- drop zone ---------------------------------------------------------------------------

/** Drag and drop of files onto a conversation (or thread): stages them in its composer. */
export function useFileDrop(channel: string, threadTs: string | undefined, enabled: boolean, where: string) {
  const c = useController();
  const uploads = uploadsFor(c.api);
  const key = c.messages.draftKey(channel, threadTs);
  const depth = useRef(0);
  const [over, setOver] = useState(false);
  useEffect(() => {
    depth.current = 0;
    setOver(false);
  }, [key]);
  const handlers = useMemo(
    () => ({
      onDragEnter: (e: DragEvent<HTMLElement>) => {
        if (!enabled || !dragHasFiles(e.dataTransfer)) return;
        e.preventDefault();
        depth.current += 1;
        setOver(true);
      },
      onDragOver: (e: DragEvent<HTMLElement>) => {
        if (!dragHasFiles(e.dataTransfer)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = enabled ? "copy" : "none";
      },
      onDragLeave: (e: DragEvent<HTMLElement>) => {
        if (!enabled || !dragHasFiles(e.dataTransfer)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      },
      onDrop: (e: DragEvent<HTMLElement>) => {
        depth.current = 0;
        setOver(false);
        const files = filesOf(e.dataTransfer);
        if (files.length === 0) return;
        // Never let the browser navigate away to a dropped file.
        e.preventDefault();
        e.stopPropagation();
        if (!enabled) return;
        uploads.add(key, files);
        const pane = e.currentTarget;
        requestAnimationFrame(() => pane.querySelector<HTMLTextAreaElement>(".composer-input")?.focus());
      },
    }),
    [enabled, uploads, key],
  );
  const overlay = over ? (
    <div className="drop-overlay" aria-hidden="true">
      <div className="drop-overlay-box">
        <FileUiIcon name="upload" size={36} />
        <strong>Upload to {where}</strong>
        <span>Drop files to add them to your message</span>
      </div>
    </div>
  ) : null;
  return { handlers, overlay };
}

// ---- a conversation's files --------------------------------------------------------------

export function FileRow({ file }: { file: SlackFile }) {
  const users = useAppState((s) => s.users);
  const open = sameOriginPath(file.url_private);
  const download = sameOriginPath(file.url_private_download);
  const thumb = fileKind(file) === "image" ? pickThumb(file, 64) : undefined;
  const who = file.user ? displayName(users[file.user], "Someone") : "Someone";
  const when = file.created ? String(file.created) : "";
  const inline = ["image", "video", "audio", "text"].includes(fileKind(file));
  return (
    <li className="file-row">
      {thumb ? (
        <img className="file-row-thumb" src={thumb.src} alt="" width={40} height={40} loading="lazy" />
      ) : (
        <span className="file-row-icon">
          <FileTypeIcon file={file} size={34} />
        </span>
      )}
      <div className="file-row-text">
        {open ? (
          <a className="file-row-name" href={inline ? open : download ?? open} target="_blank" rel="noopener noreferrer" title={fileTitle(file)}>
            {fileTitle(file)}
          </a>
        ) : (
          <span className="file-row-name">{fileTitle(file)}</span>
        )}
        <span className="file-row-meta muted small">
          {who}
          {when && ` · ${formatDay(when)} ${formatTime(when)}`}
          {file.size !== undefined && ` · ${humanSize(file.size)}`}
        </span>
      </div>
      {download && (
        <a className="icon-button" href={download} download={file.name ?? ""} aria-label={`Download ${fileTitle(file)}`} title="Download">
          <FileUiIcon name="download" />
        </a>
      )}
    </li>
  );
}

/** The side pane listing the files shared in a conversation (files.list?channel=). */
export function FilesPane({ channel, onClose }: { channel: string; onClose: () => void }) {
  const c = useController();
  const conversation = useAppState((s) => s.conversations[channel]);
  const users = useAppState((s) => s.users);
  const selfId = useAppState((s) => s.self?.userId);
  const [files, setFiles] = useState<SlackFile[] | null>(null);
  const [error, setError] = useState("");
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    setError("");
    c.api.call("files.list", { channel, count: 100 }).then(
      (body) => live && setFiles(body.files ?? []),
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [c, channel, reload]);

  useEffect(() => setFiles(null), [channel]);

  // A file shared here (or deleted anywhere) while the pane is open: list again.
  useEffect(() => fileFactsFor(c.api).onShared((ch) => (ch === undefined || ch === channel) && setReload((n) => n + 1)), [c, channel]);

  const title = conversationTitle(conversation, users, selfId);
  const direct = conversation?.is_im || conversation?.is_mpim;
  return (
    <aside className="side-pane files-pane" aria-label="Files">
      <header className="pane-header">
        <div>
          <h2 className="pane-title">Files</h2>
          <p className="muted small">{direct ? title : `#${title}`}</p>
        </div>
        <button type="button" className="icon-button" aria-label="Close files" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="files-scroll" tabIndex={0} aria-label="Files in this conversation" aria-busy={!files && !error}>
        {error && (
          <p className="form-error pad" role="alert">
            {error}{" "}
            <button type="button" className="link-button" onClick={() => setReload((n) => n + 1)}>
              Retry
            </button>
          </p>
        )}
        {!files && !error && <p className="muted pad">Loading files…</p>}
        {files && files.length === 0 && (
          <div className="pad muted files-empty">
            <FileUiIcon name="files" size={32} />
            <p>No files have been shared here yet. Drop files on the conversation or use the paperclip to share some.</p>
          </div>
        )}
        {files && files.length > 0 && (
          <ul className="file-list">
            {files.map((f) => (
              <FileRow key={f.id} file={f} />
            ))}
          </ul>
        )}
      </div>
    </aside>
  );
}
