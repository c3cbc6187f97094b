// Turns a sorted message log into list rows: day dividers, the "new messages" divider, and
// messages grouped by author (a continuation row hides the repeated name and avatar).
import type { Message } from "../api/types";
import { compareTs, dayKey, tsSeconds } from "../lib/ts";

export type Row =
  | { kind: "start"; key: string }
  | { kind: "loading"; key: string }
  | { kind: "day"; key: string; ts: string }
  | { kind: "new"; key: string }
  | { kind: "message"; key: string; message: Message; continuation: boolean }
  /** Consecutive "X has joined" lines, shown as one: "X and 3 others joined". */
  | { kind: "joins"; key: string; messages: Message[] };

const GROUP_SECONDS = 5 * 60;

function author(m: Message): string {
  return m.user ?? `bot:${m.bot_id ?? ""}:${m.username ?? ""}`;
}

function groups(prev: Message, m: Message): boolean {
  if (prev.deleted || m.deleted) return false;
  if (author(prev) !== author(m)) return false;
  if (m.subtype && m.subtype !== "thread_broadcast" && m.subtype !== "bot_message") return false;
  return tsSeconds(m.ts) - tsSeconds(prev.ts) < GROUP_SECONDS;
}

export interface RowOptions {
  /** Messages after this ts (by others) are new: the divider goes before the first one. */
  newAfter?: string | null;
  selfId?: string;
  hasMoreOlder: boolean;
  loadingOlder?: boolean;
}

/** Folds a join line into the join line(s) just before it; false when there are none. */
function joinsAfter(rows: Row[], m: Message): boolean {
  if (m.subtype !== "channel_join" && m.subtype !== "group_join") return false;
  const last = rows[rows.length - 1];
  if (last?.kind === "joins") {
    rows[rows.length - 1] = { ...last, messages: [...last.messages, m] };
    return true;
  }
  if (last?.kind === "message" && (last.message.subtype === "channel_join" || last.message.subtype === "group_join")) {
    rows[rows.length - 1] = { kind: "joins", key: `joins-${last.message.ts}`, messages: [last.message, m] };
    return true;
  }
  return false;
}

export function buildRows(messages: readonly Message[], options: RowOptions): Row[] {
  const rows: Row[] = [];
  rows.push(options.hasMoreOlder ? { kind: "loading", key: "loading" } : { kind: "start", key: "start" });
  let prevDay = "";
  let dividerPlaced = !options.newAfter;
  for (const m of messages) {
    const day = dayKey(m.ts);
    let broken = false;
    if (day !== prevDay) {
      rows.push({ kind: "day", key: `day-${day}`, ts: m.ts });
      prevDay = day;
      broken = true;
    }
    if (!dividerPlaced && !m.local && m.user !== options.selfId && compareTs(m.ts, options.newAfter as string) > 0) {
      rows.push({ kind: "new", key: "new" });
      dividerPlaced = true;
      broken = true;
    }
    if (!broken && joinsAfter(rows, m)) continue;
    const last = rows[rows.length - 1];
    const continuation = !broken && last?.kind === "message" && groups(last.message, m);
    rows.push({ kind: "message", key: m.client_msg_id ? `m-${m.client_msg_id}` : m.ts, message: m, continuation });
  }
  return rows;
}
