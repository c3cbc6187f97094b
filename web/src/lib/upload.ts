// Uploading files the way slack_sdk's files_upload_v2 does, through the public Web API only:
//   files.getUploadURLExternal(filename, length) → POST the bytes to `upload_url`
//   → files.completeUploadExternal(files=[{id,title}], channel_id, thread_ts, initial_comment).
// Files are staged per composer (a conversation or a thread): each uploads at once with its
// own progress and cancel; sending the message shares every finished file with the text as
// the initial comment.
import { ApiError, type ApiClient, CSRF_COOKIE, readCookie } from "../api/client";
import { humanSize, sameOriginPath, UPLOAD_PATH } from "./files";

/** Slack shares at most 10 files per completeUploadExternal call. */
export const MAX_FILES_PER_SHARE = 10;

export type UploadStatus = "uploading" | "uploaded" | "failed";

export interface UploadItem {
  id: number;
  name: string;
  size: number;
  type: string;
  loaded: number;
  status: UploadStatus;
  /** What went wrong, for people. */
  error?: string;
  fileId?: string;
  /** An object URL for an image's local preview (revoked when the item goes). */
  preview?: string;
}

export interface UploadState {
  items: readonly UploadItem[];
  sending: boolean;
  error?: string;
}

/** A file to upload: a browser `File`, or any Blob with a name. */
export interface NamedBlob extends Blob {
  readonly name: string;
}

type Api = Pick<ApiClient, "call">;

export class UploadError extends Error {
  constructor(
    readonly code: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = "UploadError";
  }
}

export interface Sending {
  done: Promise<void>;
  abort: () => void;
}

/** Sends `body` to `url`, reporting bytes sent; rejects with `UploadError`. */
export type Transport = (url: string, body: Blob, onProgress: (loaded: number) => void) => Sending;

/** The browser transport: XMLHttpRequest, because fetch has no upload progress. */
export const xhrTransport: Transport = (url, body, onProgress) => {
  const xhr = new XMLHttpRequest();
  const done = new Promise<void>((resolve, reject) => {
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new UploadError(xhr.status === 413 ? "file_too_large" : xhr.status === 410 ? "upload_expired" : `http_${xhr.status}`, { status: xhr.status }));
    };
    xhr.onerror = () => reject(new UploadError("network_error"));
    xhr.ontimeout = () => reject(new UploadError("network_error"));
    xhr.onabort = () => reject(new UploadError("cancelled"));
  });
  xhr.open("POST", url);
  // The URL's secret is the credential; the CSRF header is sent like every cookie request's.
  xhr.setRequestHeader("Content-Type", "application/octet-stream");
  xhr.setRequestHeader("X-Parley-CSRF", readCookie(document.cookie, CSRF_COOKIE));
  xhr.send(body);
  return { done, abort: () => xhr.abort() };
};

/** People's words for upload and share errors. */
export function uploadErrorText(e: unknown): string {
  const code = e instanceof ApiError ? e.error : e instanceof UploadError ? e.code : "";
  const detail = e instanceof ApiError ? e.body : e instanceof UploadError ? e.detail : {};
  switch (code) {
    case "file_too_large": {
      const limit = Number(detail.limit_bytes);
      return limit > 0 ? `This file is too large (the limit is ${humanSize(limit)}).` : "This file is too large.";
    }
    case "storage_limit_reached":
      return "The workspace has run out of file storage. Ask an admin to free some space.";
    case "invalid_length":
      return "Empty files cannot be uploaded.";
    case "upload_expired":
      return "The upload took too long. Try again.";
    case "network_error":
      return "Network error: check your connection and try again.";
    case "not_in_channel":
      return "Join the conversation to share files in it.";
    case "is_archived":
      return "This conversation is archived.";
    case "channel_not_found":
      return "This conversation no longer exists.";
    case "file_upload_incomplete":
    case "file_not_found":
      return "An upload did not finish. Remove it or try again.";
    case "ratelimited":
      return "Too many uploads at once; wait a moment and try again.";
    case "":
      return "Upload failed: check your connection and try again.";
    default:
      return `Upload failed (${code.replace(/_/g, " ")}).`;
  }
}

interface Entry {
  item: UploadItem;
  blob: NamedBlob;
  uploadUrl?: string;
  sending?: Sending;
  settled: Promise<void>;
}

const EMPTY: UploadState = { items: [], sending: false };

export interface ShareArgs {
  channel: string;
  threadTs?: string;
  /** The message text, already in Slack markup. */
  comment?: string;
}

/** Staged uploads, per composer key. A small external store for useSyncExternalStore. */
export class Uploads {
  private entries = new Map<string, Entry[]>();
  private states = new Map<string, UploadState>();
  private listeners = new Set<() => void>();
  private nextId = 1;

  constructor(
    private readonly api: Api,
    private readonly transport: Transport = xhrTransport,
    private readonly previews: { create(blob: Blob): string; revoke(url: string): void } | null = typeof URL.createObjectURL === "function"
      ? { create: (b) => URL.createObjectURL(b), revoke: (u) => URL.revokeObjectURL(u) }
      : null,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  state = (key: string): UploadState => this.states.get(key) ?? EMPTY;

  /** Stages and starts uploading `files` for the composer `key`. */
  add(key: string, files: Iterable<NamedBlob>): void {
    const list = this.entries.get(key) ?? [];
    for (const blob of files) {
      const item: UploadItem = {
        id: this.nextId++,
        name: blob.name || "file",
        size: blob.size,
        type: blob.type,
        loaded: 0,
        status: "uploading",
        preview: blob.type.startsWith("image/") && this.previews ? this.previews.create(blob) : undefined,
      };
      const entry: Entry = { item, blob, settled: Promise.resolve() };
      list.push(entry);
      entry.settled = this.upload(key, entry);
    }
    this.entries.set(key, list);
    this.publish(key);
  }

  /** Stops an upload (or drops a finished one) and removes it from the composer. */
  cancel(key: string, id: number): void {
    const list = this.entries.get(key) ?? [];
    const entry = list.find((e) => e.item.id === id);
    if (!entry) return;
    entry.sending?.abort();
    if (entry.item.preview) this.previews?.revoke(entry.item.preview);
    this.entries.set(key, list.filter((e) => e !== entry));
    this.publish(key);
  }

  retry(key: string, id: number): void {
    const entry = this.entries.get(key)?.find((e) => e.item.id === id);
    if (!entry || entry.item.status !== "failed") return;
    entry.item = { ...entry.item, status: "uploading", loaded: 0, error: undefined };
    entry.settled = this.upload(key, entry);
    this.publish(key);
  }

  /**
   * Waits for the uploads still running, then shares every staged file into the
   * conversation (or thread) with `comment` as the message text. On success the composer's
   * files are cleared; on failure they stay, with the error, for another try.
   */
  async share(key: string, args: ShareArgs): Promise<void> {
    const pending = this.entries.get(key) ?? [];
    if (pending.length === 0 || this.state(key).sending) return;
    this.setSending(key, true);
    try {
      await Promise.all(pending.map((e) => e.settled));
      const list = (this.entries.get(key) ?? []).filter((e) => pending.includes(e));
      if (list.some((e) => e.item.status !== "uploaded")) throw new UploadError("upload_failed");
      for (let i = 0; i < list.length; i += MAX_FILES_PER_SHARE) {
        const batch = list.slice(i, i + MAX_FILES_PER_SHARE);
        await this.api.call("files.completeUploadExternal", {
          files: batch.map((e) => ({ id: e.item.fileId, title: e.item.name })),
          channel_id: args.channel,
          ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
          ...(i === 0 && args.comment ? { initial_comment: args.comment } : {}),
        });
        this.drop(key, batch);
      }
      this.setSending(key, false);
    } catch (e) {
      const message = e instanceof UploadError && e.code === "upload_failed" ? "Remove or retry the files that did not upload." : uploadErrorText(e);
      this.setSending(key, false, message);
      throw e;
    }
  }

  private async upload(key: string, entry: Entry): Promise<void> {
    const id = entry.item.id;
    const live = () => this.entries.get(key)?.includes(entry) ?? false;
    try {
      if (!entry.uploadUrl) {
        const body = await this.api.call("files.getUploadURLExternal", { filename: entry.item.name, length: entry.blob.size });
        if (!live()) return;
        const url = sameOriginPath(body.upload_url, [UPLOAD_PATH]);
        if (!url) throw new UploadError("bad_upload_url");
        entry.uploadUrl = url;
        this.update(key, id, { fileId: body.file_id });
      }
      let last = 0;
      entry.sending = this.transport(entry.uploadUrl, entry.blob, (loaded) => {
        // Progress events come fast; redraw at most every 1 %.
        if (loaded - last < entry.blob.size / 100 && loaded < entry.blob.size) return;
        last = loaded;
        this.update(key, id, { loaded });
      });
      await entry.sending.done;
      entry.sending = undefined;
      this.update(key, id, { loaded: entry.blob.size, status: "uploaded" });
    } catch (e) {
      entry.sending = undefined;
      if (!live() || (e instanceof UploadError && e.code === "cancelled")) return;
      // An expired or used URL cannot take the bytes again: the retry asks for a new one.
      if (e instanceof UploadError && (e.code === "upload_expired" || e.code === "http_404")) entry.uploadUrl = undefined;
      this.update(key, id, { status: "failed", error: uploadErrorText(e) });
    }
  }

  private drop(key: string, batch: Entry[]): void {
    for (const e of batch) if (e.item.preview) this.previews?.revoke(e.item.preview);
    this.entries.set(key, (this.entries.get(key) ?? []).filter((e) => !batch.includes(e)));
    this.publish(key);
  }

  private update(key: string, id: number, change: Partial<UploadItem>): void {
    const entry = this.entries.get(key)?.find((e) => e.item.id === id);
    if (!entry) return;
    entry.item = { ...entry.item, ...change };
    this.publish(key);
  }

  private setSending(key: string, sending: boolean, error?: string): void {
    this.states.set(key, { ...this.state(key), sending, error });
    this.emit();
  }

  private publish(key: string): void {
    const items = (this.entries.get(key) ?? []).map((e) => e.item);
    const old = this.state(key);
    if (items.length === 0 && !old.sending && !old.error) this.states.delete(key);
    else this.states.set(key, { ...old, items, error: items.length ? old.error : undefined });
    this.emit();
  }

  private emit(): void {
    this.listeners.forEach((l) => l());
  }
}

const registry = new WeakMap<object, Uploads>();

/** One upload store per API client. */
export function uploadsFor(api: Api): Uploads {
  let uploads = registry.get(api);
  if (!uploads) {
    uploads = new Uploads(api);
    registry.set(api, uploads);
  }
  return uploads;
}

/** The files of a paste or drop (not text or links dragged around the page). */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  const out: File[] = [];
  if (data.items && data.items.length) {
    for (const item of Array.from(data.items)) {
      if (item.kind !== "file") continue;
      const file = item.getAsFile();
      if (file) out.push(file);
    }
    return out;
  }
  return Array.from(data.files ?? []);
}

/** Does a drag carry files (checked on dragenter, before the files can be read)? */
export function dragHasFiles(data: DataTransfer | null): boolean {
  return !!data && Array.from(data.types ?? []).includes("Files");
}

/** Pasted screenshots arrive as "image.png": give them a readable, unique-ish name. */
export function pastedName(file: NamedBlob, now = new Date()): string {
  if (file.name && file.name !== "image.png" && file.name !== "blob") return file.name;
  const ext = (file.type.split("/")[1] ?? "png").replace("jpeg", "jpg").replace(/[^a-z0-9]/gi, "") || "png";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `Pasted image ${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} at ${pad(now.getHours())}.${pad(now.getMinutes())}.${pad(now.getSeconds())}.${ext}`;
}
