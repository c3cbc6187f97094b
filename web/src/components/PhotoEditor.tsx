// "Edit profile" → profile photo: choose an image, frame a square of it (drag to move, the
// slider or the wheel to zoom, arrow keys too), and send it with users.setPhoto's crop box
// (crop_x, crop_y, crop_w in the image's own pixels). users.deletePhoto removes it.
import { type KeyboardEvent, type PointerEvent, useEffect, useRef, useState } from "react";
import { ApiError, CSRF_COOKIE, readCookie } from "../api/client";
import { useAppState, useController } from "../app/context";
import { safeImage } from "../lib/names";
import { clampFrame, cropBox, type Frame, PHOTO_VIEW as VIEW } from "../lib/profile";
import { Avatar } from "./Avatar";
import { errorText } from "./Dialogs";

// The server takes request bodies up to 1 MB by default (PARLEY_MAX_BODY_BYTES): a larger
// image (a phone's photo) is sent scaled down, with the crop box scaled to match.
const UPLOAD_LIMIT = 900_000;
const UPLOAD_SIDE = 2048;

async function fitForUpload(file: File, source: { url: string; width: number; height: number }, crop: { crop_x: number; crop_y: number; crop_w: number }): Promise<{ blob: Blob; crop: Record<string, number> }> {
  if (file.size <= UPLOAD_LIMIT) return { blob: file, crop };
  const ratio = Math.min(1, UPLOAD_SIDE / Math.max(source.width, source.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(source.width * ratio));
  canvas.height = Math.max(1, Math.round(source.height * ratio));
  const image = new Image();
  image.src = source.url;
  await image.decode();
  canvas.getContext("2d")?.drawImage(image, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
  if (!blob) return { blob: file, crop };
  const side = Math.min(Math.floor(crop.crop_w * ratio), canvas.width, canvas.height);
  const x = Math.min(Math.round(crop.crop_x * ratio), canvas.width - side);
  const y = Math.min(Math.round(crop.crop_y * ratio), canvas.height - side);
  return { blob, crop: { crop_x: x, crop_y: y, crop_w: side } };
}

async function uploadPhoto(file: Blob, crop: Record<string, number>): Promise<Record<string, string>> {
  const form = new FormData();
  form.append("image", file, file instanceof File ? file.name : "photo.jpg");
  for (const [k, v] of Object.entries(crop)) form.append(k, String(v));
  const response = await fetch("/api/users.setPhoto", {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-Parley-CSRF": readCookie(document.cookie, CSRF_COOKIE) },
    body: form,
  });
  const body = (await response.json()) as { ok?: boolean; error?: string; profile?: Record<string, string> };
  if (!body.ok) throw new ApiError(body.error ?? "unknown_error", body);
  return body.profile ?? {};
}

const PHOTO_ERRORS: Record<string, string> = {
  bad_image: "That file could not be read as an image. Try a JPEG, GIF or PNG.",
  too_large: "That image is too large.",
  too_many_frames: "That animation has too many frames.",
  invalid_crop: "Choose a square inside the image.",
};

export function PhotoEditor() {
  const c = useController();
  const me = useAppState((s) => (s.self ? s.users[s.self.userId] : undefined));
  const [file, setFile] = useState<File | null>(null);
  const [source, setSource] = useState<{ url: string; width: number; height: number } | null>(null);
  const [frame, setFrame] = useState<Frame>({ zoom: 1, x: 0, y: 0 });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const drag = useRef<{ x: number; y: number; frame: Frame } | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => () => (source ? URL.revokeObjectURL(source.url) : undefined), [source]);

  const choose = (chosen: File | undefined) => {
    setError("");
    if (!chosen) return;
    const url = URL.createObjectURL(chosen);
    const image = new Image();
    image.onload = () => {
      setFile(chosen);
      setSource({ url, width: image.naturalWidth, height: image.naturalHeight });
      const scale = VIEW / Math.min(image.naturalWidth, image.naturalHeight);
      setFrame({ zoom: 1, x: (VIEW - image.naturalWidth * scale) / 2, y: (VIEW - image.naturalHeight * scale) / 2 });
    };
    image.onerror = () => {
      URL.revokeObjectURL(url);
      setError(PHOTO_ERRORS.bad_image);
    };
    image.src = url;
  };

  const move = (next: Frame) => source && setFrame(clampFrame(source.width, source.height, next));
  const zoomTo = (zoom: number) => {
    if (!source) return;
    // Zoom about the viewport's centre.
    const ratio = zoom / frame.zoom;
    move({ zoom, x: VIEW / 2 - (VIEW / 2 - frame.x) * ratio, y: VIEW / 2 - (VIEW / 2 - frame.y) * ratio });
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY, frame };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (start) move({ ...start.frame, x: start.frame.x + e.clientX - start.x, y: start.frame.y + e.clientY - start.y });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = { ArrowLeft: [10, 0], ArrowRight: [-10, 0], ArrowUp: [0, 10], ArrowDown: [0, -10] }[e.key];
    if (!step) return;
    e.preventDefault();
    move({ ...frame, x: frame.x + step[0], y: frame.y + step[1] });
  };

  const save = async () => {
    if (!file || !source) return;
    setBusy(true);
    try {
      const { blob, crop } = await fitForUpload(file, source, cropBox(source.width, source.height, frame));
      const images = await uploadPhoto(blob, crop);
      if (me) c.store.dispatch({ type: "users", users: [{ ...me, profile: { ...me.profile, ...images } }] });
      setFile(null);
      setSource(null);
      c.toast("Profile photo updated");
    } catch (e) {
      setError(e instanceof ApiError ? (PHOTO_ERRORS[e.error] ?? errorText(e)) : errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    setBusy(true);
    try {
      await c.api.call("users.deletePhoto");
      if (me) c.store.dispatch({ type: "users", users: [{ ...me, profile: { ...me.profile, image_24: "", image_32: "", image_48: "", image_72: "", image_192: "", image_512: "", image_original: "" } }] });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const scale = source ? (VIEW / Math.min(source.width, source.height)) * frame.zoom : 1;
  const current = safeImage((me?.profile as Record<string, string | undefined> | undefined)?.image_192 ?? me?.profile?.image_48);
  return (
    <section className="photo-editor" aria-label="Profile photo">
      <h3>Profile photo</h3>
      {source ? (
        <>
          <div
            className="photo-crop"
            style={{ width: VIEW, height: VIEW }}
            role="img"
            aria-label="Photo framing: drag or use the arrow keys to move, the slider to zoom"
            tabIndex={0}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={() => (drag.current = null)}
            onKeyDown={onKeyDown}
            onWheel={(e) => zoomTo(Math.min(4, Math.max(1, frame.zoom - e.deltaY / 500)))}
          >
            <img src={source.url} alt="" draggable={false} style={{ width: source.width * scale, height: source.height * scale, transform: `translate(${frame.x}px, ${frame.y}px)` }} />
          </div>
          <label className="field photo-zoom">
            <span>Zoom</span>
            <input type="range" min={1} max={4} step={0.05} value={frame.zoom} onChange={(e) => zoomTo(Number(e.target.value))} />
          </label>
          <div className="modal-actions">
            <button type="button" className="button button-secondary" onClick={() => setSource(null)} disabled={busy}>
              Cancel
            </button>
            <button type="button" className="button button-primary" onClick={() => void save()} disabled={busy}>
              Save photo
            </button>
          </div>
        </>
      ) : (
        <div className="photo-current">
          {current ? <img src={current} alt="Your profile photo" width={72} height={72} className="photo-current-img" /> : <Avatar id={me?.id ?? "me"} user={me} size={72} />}
          <div className="photo-current-actions">
            <button type="button" className="button button-secondary" onClick={() => input.current?.click()} disabled={busy}>
              Upload photo
            </button>
            {current && (
              <button type="button" className="button button-ghost" onClick={() => void remove()} disabled={busy}>
                Remove photo
              </button>
            )}
          </div>
          <input ref={input} type="file" accept="image/png,image/jpeg,image/gif,image/webp" className="visually-hidden" aria-label="Choose a profile photo" tabIndex={-1} onChange={(e) => choose(e.target.files?.[0])} />
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
