// Slack `ts` strings ("1700000000.000100"): compared as (seconds, fraction) integers,
// never through a float, because 16 significant digits sit at the edge of float64.

function split(ts: string): [number, number] {
  const dot = ts.indexOf(".");
  if (dot < 0) return [Number(ts), 0];
  return [Number(ts.slice(0, dot)), Number(ts.slice(dot + 1).padEnd(6, "0").slice(0, 6))];
}

export function compareTs(a: string, b: string): number {
  const [as, af] = split(a);
  const [bs, bf] = split(b);
  return as !== bs ? as - bs : af - bf;
}

export function tsToDate(ts: string): Date {
  return new Date(split(ts)[0] * 1000);
}

export function tsSeconds(ts: string): number {
  return split(ts)[0];
}

/** A ts just after `after` and not before now: where an optimistic message sorts. */
export function localTsAfter(after: string | undefined, nowMs = Date.now()): string {
  const now = `${Math.floor(nowMs / 1000)}.${String((nowMs % 1000) * 1000).padStart(6, "0")}`;
  if (!after || compareTs(now, after) > 0) return now;
  const [s, f] = split(after);
  return f >= 999999 ? `${s + 1}.000000` : `${s}.${String(f + 1).padStart(6, "0")}`;
}

export function dayKey(ts: string): string {
  const d = tsToDate(ts);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

// Formatters are built once: creating one per call costs more than the formatting itself.
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric" });
const dayYearFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric", year: "numeric" });

export function formatDay(ts: string, now = new Date()): string {
  const d = tsToDate(ts);
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const that = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  const days = Math.round((today.getTime() - that.getTime()) / 86_400_000);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  return (d.getFullYear() === now.getFullYear() ? dayFormat : dayYearFormat).format(d);
}

export function formatTime(ts: string): string {
  return timeFormat.format(tsToDate(ts));
}

export function formatFull(ts: string): string {
  return fullFormat.format(tsToDate(ts));
}

/** `p1700000000000100` (a permalink's last segment) → `1700000000.000100`. */
export function tsFromPermalinkSegment(segment: string): string | null {
  const m = /^p(\d{7,})$/.exec(segment);
  if (!m) return null;
  const digits = m[1];
  return `${digits.slice(0, -6)}.${digits.slice(-6)}`;
}

export function permalinkPath(channel: string, ts: string, threadTs?: string): string {
  const base = `/archives/${channel}/p${ts.replace(".", "")}`;
  return threadTs && threadTs !== ts ? `${base}?thread_ts=${threadTs}&cid=${channel}` : base;
}
