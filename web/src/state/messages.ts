// Sorted message arrays: binary search by ts, merge pages without duplicates, and reconcile
// optimistic (local) messages with the server's copy by client_msg_id.
import type { Message } from "../api/types";
import { compareTs } from "../lib/ts";

/** Index of `ts`, or `-(insertion point) - 1` when absent. */
export function searchTs(messages: readonly Message[], ts: string): number {
  let lo = 0;
  let hi = messages.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compareTs(messages[mid].ts, ts);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

export function findMessage(messages: readonly Message[], ts: string): Message | undefined {
  const i = searchTs(messages, ts);
  return i >= 0 ? messages[i] : undefined;
}

/** Local messages sit at the end of a log; look only that far back for one. */
const LOCAL_SCAN = 500;

function indexOfLocal(messages: readonly Message[], clientMsgId: string): number {
  const stop = Math.max(0, messages.length - LOCAL_SCAN);
  for (let i = messages.length - 1; i >= stop; i--) {
    const m = messages[i];
    if (m.local && m.client_msg_id === clientMsgId) return i;
  }
  return -1;
}

export interface UpsertResult {
  messages: Message[];
  /** True when the message was not there before (neither by ts nor as a local copy). */
  isNew: boolean;
}

/** Inserts or replaces `message` (by ts), dropping a local copy with the same client_msg_id. */
export function upsertMessage(messages: readonly Message[], message: Message): UpsertResult {
  let next = messages as Message[];
  let hadLocal = false;
  if (!message.local && message.client_msg_id) {
    const li = indexOfLocal(next, message.client_msg_id);
    if (li >= 0) {
      next = next.slice(0, li).concat(next.slice(li + 1));
      hadLocal = true;
    }
  }
  const i = searchTs(next, message.ts);
  if (i >= 0) {
    const copy = next === messages ? next.slice() : next;
    copy[i] = { ...copy[i], ...message, local: message.local };
    return { messages: copy, isNew: false };
  }
  const at = -i - 1;
  const copy = next.slice(0, at);
  copy.push(message);
  for (let k = at; k < next.length; k++) copy.push(next[k]);
  return { messages: copy, isNew: !hadLocal };
}

export function updateMessage(
  messages: readonly Message[],
  ts: string,
  change: (m: Message) => Message,
): Message[] {
  const i = searchTs(messages, ts);
  if (i < 0) return messages as Message[];
  const copy = messages.slice();
  copy[i] = change(copy[i]);
  return copy;
}

export function removeMessage(messages: readonly Message[], ts: string): Message[] {
  const i = searchTs(messages, ts);
  if (i < 0) return messages as Message[];
  return messages.slice(0, i).concat(messages.slice(i + 1));
}

/** Merges a page (any order) into a sorted log; the page's copy wins for equal ts. */
export function mergeMessages(messages: readonly Message[], page: readonly Message[]): Message[] {
  const incoming = page.slice().sort((a, b) => compareTs(a.ts, b.ts));
  const out: Message[] = [];
  let i = 0;
  let j = 0;
  while (i < messages.length || j < incoming.length) {
    if (j >= incoming.length) out.push(messages[i++]);
    else if (i >= messages.length) pushUnique(out, incoming[j++]);
    else {
      const c = compareTs(messages[i].ts, incoming[j].ts);
      if (c < 0) out.push(messages[i++]);
      else if (c > 0) pushUnique(out, incoming[j++]);
      else {
        out.push({ ...messages[i], ...incoming[j++], local: undefined });
        i++;
      }
    }
  }
  // A page can carry a message whose local copy is still pending: keep only the server's.
  const confirmed = new Set(page.filter((m) => m.client_msg_id).map((m) => m.client_msg_id));
  return confirmed.size ? out.filter((m) => !(m.local && confirmed.has(m.client_msg_id))) : out;
}

function pushUnique(out: Message[], m: Message): void {
  const last = out[out.length - 1];
  if (last && last.ts === m.ts) out[out.length - 1] = m;
  else out.push(m);
}

/** A thread reply (not the parent, not broadcast to the channel). */
export function isThreadReply(m: Message): boolean {
  return !!m.thread_ts && m.thread_ts !== m.ts && m.subtype !== "thread_broadcast";
}

export function lastOwnMessage(messages: readonly Message[], userId: string): Message | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.user === userId && !m.local && !m.deleted && !m.subtype) return m;
  }
  return undefined;
}
