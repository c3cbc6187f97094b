import { describe, expect, it } from "vitest";
import { type Api, ApiError, type ApiBody } from "../src/api/client";
import type { SlackFile } from "../src/api/types";
import { attachmentColor, hostOf, proxiedImageUrl, safeHttpUrl } from "../src/components/Attachments";
import { FileFacts, fileKind, humanSize, pickThumb, previewPending, sameOriginPath } from "../src/lib/files";
import { type NamedBlob, pastedName, type Transport, UploadError, uploadErrorText, Uploads } from "../src/lib/upload";

type Call = { method: string; args: ApiBody };

/** A fake Web API: answers per method, records every call. */
function fakeApi(answers: Record<string, (args: ApiBody, n: number) => ApiBody | Promise<ApiBody>>) {
  const calls: Call[] = [];
  const api = {
    calls,
    async call(method: string, args: ApiBody = {}): Promise<ApiBody> {
      calls.push({ method, args });
      const answer = answers[method];
      if (!answer) throw new ApiError("unknown_method");
      const body = await answer(args, calls.filter((c) => c.method === method).length);
      if (body.ok === false) throw new ApiError(String(body.error), body);
      return { ok: true, ...body };
    },
  };
  // Answers are whatever the test says: typed loosely, seen by the code under test as `Api`.
  return api as typeof api & Api;
}

/** A transport whose uploads the test finishes, fails or watches being aborted. */
function fakeTransport() {
  const sent: { url: string; size: number; progress: (n: number) => void; resolve: () => void; reject: (e: unknown) => void; aborted: boolean }[] = [];
  const transport: Transport = (url, body, onProgress) => {
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const entry = { url, size: body.size, progress: onProgress, resolve, reject, aborted: false };
    sent.push(entry);
    return {
      done,
      abort: () => {
        entry.aborted = true;
        reject(new UploadError("cancelled"));
      },
    };
  };
  return { sent, transport };
}

const file = (name: string, bytes: number, type = "application/octet-stream"): NamedBlob => Object.assign(new Blob([new Uint8Array(bytes)], { type }), { name });
const flush = () => new Promise((r) => setTimeout(r, 0));

function uploadApi() {
  let n = 0;
  return fakeApi({
    "files.getUploadURLExternal": (args) => {
      n++;
      if (args.length === 0) return { ok: false, error: "invalid_length" };
      if (Number(args.length) > 1000) return { ok: false, error: "file_too_large", limit_bytes: 1000 };
      return { upload_url: `https://chat.example.com/files-upload/secret${n}`, file_id: `F${n}` };
    },
    "files.completeUploadExternal": (args) => ({ files: (args.files as { id: string }[]).map((f) => ({ id: f.id })) }),
  });
}

describe("uploads", () => {
  it("uploads each file with progress, then shares them with the comment in one call", async () => {
    const api = uploadApi();
    const { sent, transport } = fakeTransport();
    const uploads = new Uploads(api, transport, null);
    uploads.add("k", [file("a.png", 200, "image/png"), file("b.pdf", 300)]);
    await flush();
    // Same-origin path of the server's absolute upload URL, one POST per file.
    expect(sent.map((s) => s.url)).toEqual(["/files-upload/secret1", "/files-upload/secret2"]);
    expect(api.calls.filter((c) => c.method === "files.getUploadURLExternal").map((c) => c.args)).toEqual([
      { filename: "a.png", length: 200 },
      { filename: "b.pdf", length: 300 },
    ]);
    sent[0].progress(100);
    expect(uploads.state("k").items[0]).toMatchObject({ loaded: 100, status: "uploading", fileId: "F1" });
    const shared = uploads.share("k", { channel: "C1", threadTs: "1.5", comment: "look <@U1>" });
    expect(uploads.state("k").sending).toBe(true);
    sent[0].resolve();
    sent[1].resolve();
    await shared;
    const complete = api.calls.filter((c) => c.method === "files.completeUploadExternal");
    expect(complete).toHaveLength(1);
    expect(complete[0].args).toEqual({
      files: [
        { id: "F1", title: "a.png" },
        { id: "F2", title: "b.pdf" },
      ],
      channel_id: "C1",
      thread_ts: "1.5",
      initial_comment: "look <@U1>",
    });
    expect(uploads.state("k")).toEqual({ items: [], sending: false });
  });

  it("shares more than ten files in batches, the comment on the first only", async () => {
    const api = uploadApi();
    const { sent, transport } = fakeTransport();
    const uploads = new Uploads(api, transport, null);
    uploads.add("k", Array.from({ length: 12 }, (_, i) => file(`f${i}.txt`, 10)));
    await flush();
    sent.forEach((s) => s.resolve());
    await uploads.share("k", { channel: "C1", comment: "hi" });
    const complete = api.calls.filter((c) => c.method === "files.completeUploadExternal").map((c) => c.args);
    expect(complete.map((a) => (a.files as unknown[]).length)).toEqual([10, 2]);
    expect(complete.map((a) => a.initial_comment)).toEqual(["hi", undefined]);
    expect(complete[0].thread_ts).toBeUndefined();
  });

  it("shows refusals in words, retries, and will not share until every file is up", async () => {
    const api = uploadApi();
    const { sent, transport } = fakeTransport();
    const uploads = new Uploads(api, transport, null);
    uploads.add("k", [file("big.bin", 5000), file("ok.txt", 5)]);
    await flush();
    const [big, ok] = uploads.state("k").items;
    expect(big).toMatchObject({ status: "failed", error: "This file is too large (the limit is 1000 B)." });
    sent[0].reject(new UploadError("network_error"));
    await flush();
    expect(uploads.state("k").items[1]).toMatchObject({ status: "failed", error: "Network error: check your connection and try again." });
    await expect(uploads.share("k", { channel: "C1" })).rejects.toThrow("upload_failed");
    expect(uploads.state("k").error).toMatch(/Remove or retry/);
    expect(api.calls.some((c) => c.method === "files.completeUploadExternal")).toBe(false);
    // Retry the network failure (same upload URL), drop the one that is too large.
    uploads.retry("k", ok.id);
    await flush();
    expect(sent).toHaveLength(2);
    expect(sent[1].url).toBe(sent[0].url);
    sent[1].resolve();
    uploads.cancel("k", big.id);
    await uploads.share("k", { channel: "C1" });
    expect(api.calls.filter((c) => c.method === "files.getUploadURLExternal")).toHaveLength(2);
    expect(api.calls.filter((c) => c.method === "files.completeUploadExternal")[0].args.files).toEqual([{ id: "F2", title: "ok.txt" }]);
  });

  it("cancel aborts the request and forgets the file", async () => {
    const api = uploadApi();
    const { sent, transport } = fakeTransport();
    const uploads = new Uploads(api, transport, null);
    uploads.add("k", [file("a.txt", 10)]);
    uploads.add("other", [file("b.txt", 10)]);
    await flush();
    uploads.cancel("k", uploads.state("k").items[0].id);
    await flush();
    expect(sent[0].aborted).toBe(true);
    expect(uploads.state("k").items).toEqual([]);
    expect(uploads.state("other").items).toHaveLength(1);
  });

  it("keeps the files when the share is refused, with the reason", async () => {
    const api = fakeApi({
      "files.getUploadURLExternal": () => ({ upload_url: "/files-upload/s", file_id: "F1" }),
      "files.completeUploadExternal": () => ({ ok: false, error: "not_in_channel" }),
    });
    const { sent, transport } = fakeTransport();
    const uploads = new Uploads(api, transport, null);
    uploads.add("k", [file("a.txt", 10)]);
    await flush();
    sent[0].resolve();
    await expect(uploads.share("k", { channel: "C1" })).rejects.toThrow("not_in_channel");
    expect(uploads.state("k")).toMatchObject({ sending: false, error: "Join the conversation to share files in it." });
    expect(uploads.state("k").items[0].status).toBe("uploaded");
  });

  it("refuses an upload URL that is not Parley's upload path", async () => {
    const api = fakeApi({ "files.getUploadURLExternal": () => ({ upload_url: "javascript:alert(1)", file_id: "F1" }) });
    const { sent, transport } = fakeTransport();
    const uploads = new Uploads(api, transport, null);
    uploads.add("k", [file("a.txt", 10)]);
    await flush();
    expect(sent).toHaveLength(0);
    expect(uploads.state("k").items[0].status).toBe("failed");
  });

  it("words errors and names pasted images", () => {
    expect(uploadErrorText(new ApiError("storage_limit_reached"))).toMatch(/out of file storage/);
    expect(uploadErrorText(new ApiError("invalid_length"))).toBe("Empty files cannot be uploaded.");
    expect(uploadErrorText(new UploadError("file_too_large"))).toBe("This file is too large.");
    expect(uploadErrorText(new ApiError("weird_thing"))).toBe("Upload failed (weird thing).");
    const when = new Date(2026, 0, 2, 3, 4, 5);
    expect(pastedName(file("image.png", 1, "image/png"), when)).toBe("Pasted image 2026-01-02 at 03.04.05.png");
    expect(pastedName(file("", 1, "image/jpeg"), when)).toBe("Pasted image 2026-01-02 at 03.04.05.jpg");
    expect(pastedName(file("holiday.jpg", 1, "image/jpeg"), when)).toBe("holiday.jpg");
  });
});

describe("file objects", () => {
  it("uses only Parley's own file paths, same-origin", () => {
    expect(sameOriginPath("http://chat.example.com/files-pri/T1-F1/a%20b.png")).toBe("/files-pri/T1-F1/a%20b.png");
    expect(sameOriginPath("/files-tmb/T1-F1-360/a.png")).toBe("/files-tmb/T1-F1-360/a.png");
    expect(sameOriginPath("javascript:alert(1)//files-pri/")).toBeUndefined();
    expect(sameOriginPath("https://evil.example.com/steal")).toBeUndefined();
    expect(sameOriginPath("data:image/png;base64,AAAA")).toBeUndefined();
    expect(sameOriginPath(42)).toBeUndefined();
  });

  it("sizes, kinds and thumbnails", () => {
    expect([0, 512, 1536, 2048, 12 * 1024 + 300, 3 * 1024 ** 3].map(humanSize)).toEqual(["0 B", "512 B", "1.5 KB", "2 KB", "12 KB", "3 GB"]);
    expect(humanSize(undefined)).toBe("");
    expect(fileKind({ mimetype: "image/png", filetype: "png" })).toBe("image");
    // SVG is served as a download, never inline: a card, not an <img>.
    expect(fileKind({ mimetype: "image/svg+xml", filetype: "svg" })).toBe("other");
    expect(fileKind({ mimetype: "video/mp4" })).toBe("video");
    expect(fileKind({ mimetype: "application/pdf", filetype: "pdf" })).toBe("pdf");
    expect(fileKind({ mimetype: "text/plain", filetype: "text" })).toBe("text");
    const f: SlackFile = {
      id: "F1",
      thumb_64: "/files-tmb/T-F1-64/a.png",
      thumb_360: "/files-tmb/T-F1-360/a.png",
      thumb_360_w: 360,
      thumb_360_h: 240,
      thumb_720: "http://x/files-tmb/T-F1-720/a.png",
      thumb_720_w: 720,
      thumb_720_h: 480,
    };
    expect(pickThumb(f, 360)).toEqual({ src: "/files-tmb/T-F1-360/a.png", width: 360, height: 240 });
    expect(pickThumb(f, 700)?.src).toBe("/files-tmb/T-F1-720/a.png");
    expect(pickThumb(f, 2000)?.width).toBe(720);
    expect(pickThumb({ id: "F2" })).toBeUndefined();
    expect(previewPending({ id: "F3", preview_state: "pending", mimetype: "image/png" })).toBe(true);
    expect(previewPending({ id: "F3", preview_state: "pending", mimetype: "application/zip" })).toBe(false);
  });

  it("follows file events: refetches a watched file, tombstones a deleted one", async () => {
    let preview = "pending";
    const api = fakeApi({
      "files.info": (args) => (args.file === "F9" ? { ok: false, error: "file_not_found" } : { file: { id: args.file, preview_state: preview, mimetype: "image/png" } }),
    });
    const later: (() => void)[] = [];
    const facts = new FileFacts(api, (fn) => later.push(fn));
    let changes = 0;
    facts.subscribe(() => changes++);
    facts.watch({ id: "F1", preview_state: "pending", mimetype: "image/png" });
    facts.watch({ id: "F2", preview_state: "done", mimetype: "image/png" });
    await flush();
    expect(api.calls.map((c) => c.args.file)).toEqual(["F1"]);
    expect(later).toHaveLength(1); // still pending: look again later
    preview = "done";
    facts.onEvent({ type: "file_change", file_id: "F1" });
    await flush();
    expect(facts.get("F1")).toMatchObject({ preview_state: "done" });
    facts.onEvent({ type: "file_change", file_id: "F7" }); // never shown here: ignored
    facts.onEvent({ type: "file_deleted", file_id: "F2" });
    expect(facts.get("F2")).toEqual({ id: "F2", mode: "tombstone" });
    const shared: (string | undefined)[] = [];
    facts.onShared((ch) => shared.push(ch));
    facts.onEvent({ type: "file_shared", file_id: "F5", channel_id: "C1" });
    expect(shared).toEqual(["C1"]);
    facts.watch({ id: "F9", preview_state: "pending", mimetype: "image/png" });
    await flush();
    expect(facts.get("F9")?.mode).toBe("tombstone");
    expect(api.calls.map((c) => c.args.file)).toEqual(["F1", "F1", "F9"]);
    expect(changes).toBeGreaterThanOrEqual(3);
  });
});

describe("attachments", () => {
  it("links only to http(s)", () => {
    expect(safeHttpUrl("https://example.com/a?b=1")).toBe("https://example.com/a?b=1");
    expect(safeHttpUrl("http://example.com")).toBe("http://example.com/");
    for (const bad of ["javascript:alert(1)", " javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>", "vbscript:x", "//evil.example.com", "/relative", "https://exa mple.com", 'https://x.com/"onmouseover=1', "mailto:a@b.c", undefined, 3]) {
      expect(safeHttpUrl(bad), String(bad)).toBeUndefined();
    }
  });

  it("colours: Slack's names and hex only", () => {
    expect(attachmentColor("good")).toBe("#2eb67d");
    expect(attachmentColor("danger")).toBe("#e01e5a");
    expect(attachmentColor("439FE0")).toBe("#439FE0");
    expect(attachmentColor("#abc")).toBe("#abc");
    expect(attachmentColor("red; background: url(x)")).toBeUndefined();
    expect(attachmentColor("#12345")).toBeUndefined();
    expect(hostOf("https://www.example.com/x")).toBe("example.com");
  });
});

describe("proxiedImageUrl", () => {
  it("routes remote card images through the same-origin proxy, URL unnormalised", () => {
    const url = proxiedImageUrl("https://Example.com/og.png?x=1", "C1", "1700000000.000100");
    expect(url).toBeDefined();
    const parsed = new URL(url as string, "http://parley.test");
    expect(parsed.pathname).toBe("/unfurl/image");
    expect(parsed.searchParams.get("channel")).toBe("C1");
    expect(parsed.searchParams.get("ts")).toBe("1700000000.000100");
    expect(parsed.searchParams.get("url")).toBe("https://Example.com/og.png?x=1");
  });

  it("refuses anything but http(s)", () => {
    expect(proxiedImageUrl("javascript:alert(1)", "C1", "1.2")).toBeUndefined();
    expect(proxiedImageUrl("data:image/png;base64,AAAA", "C1", "1.2")).toBeUndefined();
    expect(proxiedImageUrl(42, "C1", "1.2")).toBeUndefined();
  });
});
