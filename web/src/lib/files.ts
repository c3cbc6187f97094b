// File objects as the client shows them: safe URLs, kinds, sizes, and the freshest copy of
// each file. A message carries its files as they were when shared; thumbnails are made
// afterwards (`file_change`) and a file can be deleted (`file_deleted`), so components read
// through `FileFacts`, which refetches `files.info` when the server says a file changed.
import { ApiError, type ApiClient } from "../api/client";
import type { RtmEvent, SlackFile } from "../api/types";

/** Paths the server serves file bytes under (files/schemas.py). */
const FILE_PATHS = ["/files-pri/", "/files-tmb/", "/files-pub/", "/files/"];
export const UPLOAD_PATH = "/files-upload/";

/**
 * A same-origin path for one of Parley's file or upload URLs, or undefined for anything
 * else. File URLs are absolute (the server's base URL); the browser may reach the server
 * under another name, and the CSP only allows the page's own origin anyway.
 */
export function sameOriginPath(url: unknown, prefixes: readonly string[] = FILE_PATHS): string | undefined {
  if (typeof url !== "string" || !url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url, "http://parley.invalid");
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  if (!prefixes.some((p) => parsed.pathname.startsWith(p))) return undefined;
  return parsed.pathname + parsed.search;
}

export type FileKind = "image" | "video" | "audio" | "pdf" | "text" | "archive" | "code" | "other";

const INLINE_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const INLINE_VIDEO = new Set(["video/mp4", "video/webm", "video/quicktime"]);
const INLINE_AUDIO = new Set(["audio/ogg", "audio/mpeg", "audio/wav"]);
const CODE_TYPES = new Set(["javascript", "typescript", "python", "json", "html", "css", "xml", "yaml", "go", "rust", "java", "c", "cpp", "shell", "sql"]);

/** How a file is shown: the server's sniffed mimetype first, its filetype second. */
export function fileKind(file: Pick<SlackFile, "mimetype" | "filetype">): FileKind {
  const mime = (file.mimetype ?? "").toLowerCase();
  const type = (file.filetype ?? "").toLowerCase();
  if (INLINE_IMAGES.has(mime)) return "image";
  if (INLINE_VIDEO.has(mime)) return "video";
  if (INLINE_AUDIO.has(mime)) return "audio";
  if (mime === "application/pdf" || type === "pdf") return "pdf";
  if (["zip", "gzip", "tar", "7z", "rar"].includes(type) || mime === "application/zip" || mime === "application/gzip") return "archive";
  if (CODE_TYPES.has(type)) return "code";
  if (mime.startsWith("text/") || type === "text" || type === "markdown" || type === "csv") return "text";
  return "other";
}

/** 0 B, 512 B, 1.5 KB, 12 KB, 3.4 MB, 1.2 GB (binary multiples, as file managers show). */
export function humanSize(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${shown} ${units[unit]}`;
}

export interface Preview {
  src: string;
  width?: number;
  height?: number;
}

const THUMB_WIDTHS = [360, 480, 720, 960, 1024, 160, 80, 64];

/** The smallest thumbnail at least `want` pixels wide (else the largest there is). */
export function pickThumb(file: SlackFile, want = 360): Preview | undefined {
  const thumbs: (Preview & { width: number })[] = [];
  for (const w of THUMB_WIDTHS) {
    const src = sameOriginPath(file[`thumb_${w}`]);
    if (!src) continue;
    const width = Number(file[`thumb_${w}_w`]) || w;
    const height = Number(file[`thumb_${w}_h`]) || undefined;
    thumbs.push({ src, width, height });
  }
  if (thumbs.length === 0) return undefined;
  thumbs.sort((a, b) => a.width - b.width);
  return thumbs.find((t) => t.width >= want) ?? thumbs[thumbs.length - 1];
}

export function isTombstone(file: SlackFile): boolean {
  return file.mode === "tombstone" || file.mode === "hidden_by_limit";
}

/** Does the server still have a preview to make for this file? */
export function previewPending(file: SlackFile): boolean {
  return file.preview_state === "pending" && ["image", "video", "pdf"].includes(fileKind(file));
}

export function fileTitle(file: SlackFile): string {
  return file.title || file.name || "file";
}

// ---- the freshest copy of each file ----------------------------------------------------

type Api = Pick<ApiClient, "call">;

type Listener = () => void;

export class FileFacts {
  private fresh = new Map<string, SlackFile>();
  private watched = new Set<string>();
  private loading = new Set<string>();
  private listeners = new Set<Listener>();
  private sharedListeners = new Set<(channel: string | undefined) => void>();
  private retries = new Map<string, number>();

  constructor(
    private readonly api: Api,
    private readonly later: (fn: () => void, ms: number) => void = (fn, ms) => void setTimeout(fn, ms),
  ) {}

  get = (id: string): SlackFile | undefined => this.fresh.get(id);

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Called when `channel` (if known) gained a file: a files list on screen refreshes. */
  onShared(listener: (channel: string | undefined) => void): () => void {
    this.sharedListeners.add(listener);
    return () => this.sharedListeners.delete(listener);
  }

  /** A file shown on screen: follow its changes, and fetch it now if a preview is due. */
  watch(file: SlackFile): void {
    if (this.watched.has(file.id)) return;
    this.watched.add(file.id);
    if (previewPending(file) && !this.fresh.has(file.id)) void this.refresh(file.id);
  }

  put(file: SlackFile): void {
    const old = this.fresh.get(file.id);
    if (old && isTombstone(old)) return;
    this.fresh.set(file.id, { ...old, ...file });
    this.emit();
  }

  remove(id: string): void {
    this.fresh.set(id, { id, mode: "tombstone" });
    this.emit();
  }

  async refresh(id: string): Promise<void> {
    if (this.loading.has(id)) return;
    this.loading.add(id);
    try {
      const body = await this.api.call("files.info", { file: id });
      this.put(body.file);
      // The preview worker has not finished yet: look again a few times (file_change
      // normally arrives first, this covers a missed event).
      if (previewPending(body.file)) {
        const n = (this.retries.get(id) ?? 0) + 1;
        this.retries.set(id, n);
        if (n <= 4) this.later(() => void this.refresh(id), 1500 * 2 ** n);
      }
    } catch (e) {
      if (e instanceof ApiError && e.error === "file_not_found") this.remove(id);
    } finally {
      this.loading.delete(id);
    }
  }

  /** RTM events about files (`file_change`, `file_shared`, `file_deleted`, ...). */
  onEvent(event: RtmEvent): void {
    if (!("file_id" in event)) return;
    const id = event.file_id || event.file?.id;
    if (!id) return;
    if (event.type === "file_deleted") {
      this.remove(id);
      this.sharedListeners.forEach((l) => l(undefined));
      return;
    }
    if (event.type === "file_shared" || event.type === "file_unshared") {
      const channel = event.channel_id || undefined;
      this.sharedListeners.forEach((l) => l(channel));
    }
    if ((event.type === "file_change" || event.type === "file_shared" || event.type === "file_public") && this.watched.has(id)) {
      void this.refresh(id);
    }
  }

  private emit(): void {
    this.listeners.forEach((l) => l());
  }
}

const registry = new WeakMap<object, FileFacts>();

/** One `FileFacts` per API client (one per signed-in app). */
export function fileFactsFor(api: Api): FileFacts {
  let facts = registry.get(api);
  if (!facts) {
    facts = new FileFacts(api);
    registry.set(api, facts);
  }
  return facts;
}
