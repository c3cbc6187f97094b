// What the message "⋯" menu does: mark unread, remind, copy, forward, save. Each resolves with
// a sentence for a toast; API errors become sentences too.
import { ApiError } from "../api/client";
import type { Message } from "../api/types";
import { plainText } from "../lib/compose";
import { displayName } from "../lib/names";
import { shareAttachment, tsJustBefore } from "../lib/share";
import { compareTs } from "../lib/ts";
import type { Controller } from "./controller";

type Untyped = (method: string, params: Record<string, unknown>) => Promise<Record<string, unknown>>;

function errorText(e: unknown): string {
  return e instanceof ApiError ? e.error.replace(/_/g, " ") : "network error";
}

async function permalink(c: Controller, channel: string, message: Message): Promise<string> {
  try {
    return (await c.api.call("chat.getPermalink", { channel, message_ts: message.ts })).permalink;
  } catch {
    return `${window.location.origin}/archives/${channel}/p${message.ts.replace(".", "")}`;
  }
}

export async function markUnread(c: Controller, channel: string, message: Message): Promise<string> {
  const log = c.state.logs[channel]?.messages ?? [];
  const count = log.filter((m) => !m.local && compareTs(m.ts, message.ts) >= 0).length;
  try {
    await c.reading.markUnread(channel, tsJustBefore(message.ts), count);
    return "Marked unread";
  } catch (e) {
    return `Could not mark unread: ${errorText(e)}`;
  }
}

/** reminders.add about a message (Slack's contract; the reminders feature provides it). */
export async function remindAbout(c: Controller, channel: string, message: Message, time: number): Promise<string> {
  const link = await permalink(c, channel, message);
  const call = c.api.call as unknown as Untyped;
  try {
    await call.call(c.api, "reminders.add", { text: `Look at this message: ${link}`, time: String(time) });
    return `Reminder set for ${new Date(time * 1000).toLocaleString([], { weekday: "short", hour: "numeric", minute: "2-digit" })}`;
  } catch (e) {
    return e instanceof ApiError && e.error === "unknown_method" ? "Reminders are not available on this server yet" : `Could not set the reminder: ${errorText(e)}`;
  }
}

async function toClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    window.prompt("Copy this", text);
    return false;
  }
}

export async function copyText(c: Controller, message: Message): Promise<string> {
  const text = plainText(message.text ?? "", c.state.users, c.state.conversations);
  return (await toClipboard(text)) ? "Text copied" : "";
}

/** Saved state the menu shows (the server does not send `is_starred` on messages). */
const saved = new Set<string>();

export function isSaved(channel: string, message: Message): boolean {
  return saved.has(`${channel}/${message.ts}`) || (message as Message & { is_starred?: boolean }).is_starred === true;
}

export async function toggleSaved(c: Controller, channel: string, message: Message): Promise<string> {
  const key = `${channel}/${message.ts}`;
  const params = { channel, timestamp: message.ts };
  try {
    if (isSaved(channel, message)) {
      await c.api.call("stars.remove", params);
      saved.delete(key);
      return "Removed from saved items";
    }
    await c.api.call("stars.add", params);
    saved.add(key);
    return "Saved for later";
  } catch (e) {
    if (e instanceof ApiError && e.error === "already_starred") {
      saved.add(key);
      return "Already saved for later";
    }
    if (e instanceof ApiError && e.error === "not_starred") {
      saved.delete(key);
      return "Not in saved items";
    }
    return `Could not save: ${errorText(e)}`;
  }
}

/** Shares `message` into `target` as Slack does: a note, with the original attached. */
export async function forwardMessage(c: Controller, channel: string, message: Message, target: string, note: string): Promise<void> {
  const author = message.user ? c.state.users[message.user] : undefined;
  const link = await permalink(c, channel, message);
  const from = c.state.conversations[channel];
  const attachment = shareAttachment(message, channel, link, displayName(author, message.username ?? "App"), from && !from.is_im && !from.is_mpim ? from.name : undefined);
  await c.api.call("chat.postMessage", { channel: target, text: note, attachments: [attachment], unfurl_links: false } as never);
}
