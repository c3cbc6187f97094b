// Pure helpers of the people UI: a person's local time, the photo editor's framing.

/** The time now in `tz` (e.g. "3:04 PM"), or "" for an unknown zone. */
export function localTime(tz: string | undefined, now = new Date()): string {
  if (!tz) return "";
  try {
    return now.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit", timeZone: tz });
  } catch {
    return "";
  }
}

/** The photo editor's square viewport, in CSS pixels. */
export const PHOTO_VIEW = 240;
const VIEW = PHOTO_VIEW;

export interface Frame {
  zoom: number;
  x: number; // the image's top-left in the viewport (≤ 0)
  y: number;
}

/** The crop box (source pixels) that the viewport shows: users.setPhoto's crop_x/y/w. */
export function cropBox(width: number, height: number, frame: Frame): { crop_x: number; crop_y: number; crop_w: number } {
  const scale = (VIEW / Math.min(width, height)) * frame.zoom;
  const side = Math.min(Math.floor(VIEW / scale), width, height);
  const x = Math.min(Math.max(0, Math.round(-frame.x / scale)), width - side);
  const y = Math.min(Math.max(0, Math.round(-frame.y / scale)), height - side);
  return { crop_x: x, crop_y: y, crop_w: side };
}

/** Keeps the image covering the whole viewport (no empty band at any edge). */
export function clampFrame(width: number, height: number, frame: Frame): Frame {
  const scale = (VIEW / Math.min(width, height)) * frame.zoom;
  const minX = VIEW - width * scale;
  const minY = VIEW - height * scale;
  return { zoom: frame.zoom, x: Math.min(0, Math.max(minX, frame.x)), y: Math.min(0, Math.max(minY, frame.y)) };
}
