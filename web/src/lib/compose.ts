// Composer text ⇄ Slack message text: autocomplete triggers, mention encoding, escaping.
import type { Conversation, User } from "../api/types";

export type TriggerKind = "user" | "channel" | "emoji";

export interface Trigger {
  kind: TriggerKind;
  query: string;
  /** Index of the trigger character (`@`, `#`, `:`) in the text. */
  start: number;
}

/** The autocomplete trigger the caret is in, if any: `@al`, `#gen`, `:smi` (two letters+). */
export function findTrigger(text: string, caret: number): Trigger | null {
  const before = text.slice(0, caret);
  const m = /(^|[\s(])([@#:])([\w.+\-']*)$/.exec(before);
  if (!m) return null;
  const [, , sigil, query] = m;
  const start = caret - query.length - 1;
  if (sigil === ":") return query.length >= 2 ? { kind: "emoji", query, start } : null;
  return { kind: sigil === "@" ? "user" : "channel", query, start };
}

export function applyCompletion(text: string, caret: number, trigger: Trigger, insert: string): { text: string; caret: number } {
  const after = text.slice(caret).replace(/^[\w.+\-']*/, "");
  const spaced = insert + (after.startsWith(" ") ? "" : " ");
  const next = text.slice(0, trigger.start) + spaced + after;
  return { text: next, caret: trigger.start + spaced.length };
}

export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Splits text into code (``` or `) and prose parts so mentions are not encoded inside code. */
function mapProse(text: string, change: (prose: string) => string): string {
  const parts = text.split(/(```[\s\S]*?```|`[^`\n]*`)/g);
  return parts.map((part, i) => (i % 2 === 1 ? part : change(part))).join("");
}

function userHandleMap(users: Iterable<User>): Map<string, string> {
  const map = new Map<string, string>();
  for (const u of users) {
    if (u.deleted) continue;
    map.set(u.name.toLowerCase(), u.id);
    const display = u.profile?.display_name;
    if (display && !/\s/.test(display) && !map.has(display.toLowerCase())) map.set(display.toLowerCase(), u.id);
  }
  return map;
}

/** What the composer holds → what `chat.postMessage` gets: escaped, with `<@U…>`/`<#C…>` links. */
export function encodeMessage(text: string, users: Iterable<User>, channels: Iterable<Conversation>): string {
  const handles = userHandleMap(users);
  const channelIds = new Map<string, string>();
  for (const c of channels) if (c.name && (c.is_channel || c.is_group) && !c.is_mpim) channelIds.set(c.name.toLowerCase(), c.id);
  return mapProse(escapeSlack(text), (prose) =>
    prose
      .replace(/(^|[^\w<])@(channel|here|everyone)\b/g, (_w, pre: string, word: string) => `${pre}<!${word}>`)
      .replace(/(^|[^\w<&])@([\w.\-']+)/g, (whole, pre: string, name: string) => {
        const trimmed = name.replace(/[.\-']+$/, "");
        const id = handles.get(trimmed.toLowerCase());
        return id ? `${pre}<@${id}>${name.slice(trimmed.length)}` : whole;
      })
      .replace(/(^|[^\w<&])#([\w-]+)/g, (whole, pre: string, name: string) => {
        const id = channelIds.get(name.toLowerCase());
        return id ? `${pre}<#${id}|${name}>` : whole;
      }),
  );
}

/** Slack text → what the composer shows when editing (inverse of `encodeMessage`). */
export function decodeMessage(text: string, users: Record<string, User>, channels: Record<string, Conversation>): string {
  const decoded = text
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, (_w, id: string) => `@${users[id]?.name ?? id}`)
    .replace(/<#([CG][A-Z0-9]+)(?:\|([^>]*))?>/g, (_w, id: string, label?: string) => `#${channels[id]?.name ?? label ?? id}`)
    .replace(/<!(channel|here|everyone)(?:\|[^>]*)?>/g, (_w, word: string) => `@${word}`)
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, (_w, _url: string, label: string) => label)
    .replace(/<((?:https?|mailto):[^>]+)>/g, (_w, url: string) => url);
  return unescapeSlack(decoded);
}

/** Slack text → readable plain text (notifications, previews, search results). */
export function plainText(text: string, users: Record<string, User>, channels: Record<string, Conversation>): string {
  return decodeMessage(text, users, channels).replace(/<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>/g, (_w, l?: string) => l ?? "@group");
}

/** Drops mrkdwn emphasis markers (`*bold*`, `_it_`, `~del~`) for one-line previews. */
export function stripEmphasis(text: string): string {
  return text.replace(/(^|[\s(])([*_~])(?=\S)([^*_~\n]*?\S)\2(?=$|[\s).,!?:;])/g, "$1$3");
}

export interface HighlightPart {
  text: string;
  mark: boolean;
}

/** Search results with `highlight: true` wrap matches in U+E000 … U+E001. */
export function splitHighlights(text: string): HighlightPart[] {
  const parts: HighlightPart[] = [];
  const re = /\uE000([\s\S]*?)\uE001/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index), mark: false });
    parts.push({ text: m[1], mark: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), mark: false });
  return parts;
}

/** Wraps the selection (or inserts a pair at the caret) for the mrkdwn toolbar. */
export function wrapSelection(text: string, start: number, end: number, before: string, after = before): { text: string; start: number; end: number } {
  const selected = text.slice(start, end);
  return {
    text: text.slice(0, start) + before + selected + after + text.slice(end),
    start: start + before.length,
    end: end + before.length,
  };
}

/** Prefixes each selected line (lists, quotes). */
export function prefixLines(text: string, start: number, end: number, prefix: string): { text: string; start: number; end: number } {
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const block = text.slice(lineStart, end);
  const prefixed = block.split("\n").map((l) => prefix + l).join("\n");
  return {
    text: text.slice(0, lineStart) + prefixed + text.slice(end),
    start: start + prefix.length,
    end: lineStart + prefixed.length,
  };
}

export function newClientMsgId(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
  return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0;
    return (c === "x" ? r : (r & 0x3) | 0x8).toString(16);
  });
}
