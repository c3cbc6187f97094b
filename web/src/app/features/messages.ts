// Writing messages: optimistic sends reconciled by client_msg_id, retries, edits, deletes,
// links, typing, and the composer's view of your own messages.
import { ApiError } from "../../api/client";
import type { Message } from "../../api/types";
import { decodeMessage, encodeMessage, newClientMsgId } from "../../lib/compose";
import { MESSAGE_TEXT_LIMIT } from "../../lib/limits";
import { localTsAfter } from "../../lib/ts";
import { findMessage, lastOwnMessage } from "../../state/messages";
import { threadKey } from "../../state/reducer";
import { type Core, sleep } from "./core";

const SEND_ATTEMPTS = 3;
/** Errors that retrying cannot fix: the message is marked failed at once. */
const PERMANENT_SEND_ERRORS = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "msg_too_long",
  "no_text",
  "restricted_action",
  "not_authed",
  "invalid_auth",
  "invalid_csrf",
]);

/** What a permanent send error means, in words. */
export function sendErrorText(error: string): string {
  const known: Record<string, string> = {
    msg_too_long: `it is too long (${MESSAGE_TEXT_LIMIT.toLocaleString("en")} characters at most)`,
    is_archived: "the channel is archived",
    not_in_channel: "you are not in this channel",
    channel_not_found: "the conversation no longer exists",
  };
  return known[error] ?? error.replace(/_/g, " ");
}

/** Resolves when the browser says it is online again, or after `limit` ms. */
function waitUntilOnline(limit: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      window.removeEventListener("online", done);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, limit);
    window.addEventListener("online", done);
  });
}

export class Messages {
  private lastTypingSent = new Map<string, number>();

  constructor(
    private readonly core: Core,
    /** Sends a frame on the socket, when there is one. */
    private readonly sendFrame: (frame: { type: string; channel: string }) => void,
  ) {}

  /** Sends at once on screen, then reconciles with the server by client_msg_id. */
  send(channel: string, composerText: string, threadTs?: string, broadcast = false): void {
    const s = this.core.state;
    const text = encodeMessage(composerText, Object.values(s.users), Object.values(s.conversations));
    this.sendPrepared(channel, { text }, threadTs, broadcast);
  }

  /** Sends text already in Slack form (escaped mrkdwn), with the editor's rich_text blocks. */
  sendPrepared(channel: string, { text, blocks }: { text: string; blocks?: { [key: string]: unknown }[] }, threadTs?: string, broadcast = false): void {
    const s = this.core.state;
    if (!s.self) return;
    const clientMsgId = newClientMsgId();
    const log = s.logs[channel];
    const after = threadTs ? s.threads[threadKey(channel, threadTs)]?.at(-1)?.ts : log?.messages.at(-1)?.ts;
    const local: Message = {
      type: "message",
      ts: localTsAfter(after),
      user: s.self.userId,
      text,
      client_msg_id: clientMsgId,
      ...(blocks ? { blocks } : {}),
      local: "sending",
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(threadTs && broadcast ? { subtype: "thread_broadcast" } : {}),
    };
    if (threadTs && broadcast) {
      // Shown in the thread at once; the channel copy arrives with the server's answer.
      this.core.store.dispatch({ type: "localMessage", channel, message: { ...local, subtype: undefined } });
    } else {
      this.core.store.dispatch({ type: "localMessage", channel, message: local });
    }
    void this.deliver(channel, local, broadcast);
  }

  retry(channel: string, message: Message): void {
    if (!message.client_msg_id) return;
    const threadTs = message.thread_ts && message.thread_ts !== message.ts ? message.thread_ts : undefined;
    this.core.store.dispatch({ type: "sendRetry", channel, clientMsgId: message.client_msg_id, threadTs });
    void this.deliver(channel, message, false);
  }

  discard(channel: string, message: Message): void {
    if (!message.client_msg_id) return;
    const threadTs = message.thread_ts && message.thread_ts !== message.ts ? message.thread_ts : undefined;
    this.core.store.dispatch({ type: "removeLocal", channel, clientMsgId: message.client_msg_id, threadTs });
  }

  private async deliver(channel: string, local: Message, broadcast: boolean): Promise<void> {
    const threadTs = local.thread_ts;
    let permanentError: string | undefined;
    for (let attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
      if (!navigator.onLine) await waitUntilOnline(60_000);
      try {
        const body = await this.core.api.call("chat.postMessage", {
          channel,
          text: local.text,
          ...(local.blocks ? { blocks: local.blocks } : {}),
          client_msg_id: local.client_msg_id,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          ...(broadcast ? { reply_broadcast: true } : {}),
        });
        const message: Message = { ...local, ...(body.message ?? {}), ts: body.ts, local: undefined, client_msg_id: local.client_msg_id };
        if (threadTs && broadcast) message.subtype = undefined;
        this.core.store.dispatch({ type: "serverMessage", channel, message });
        return;
      } catch (e) {
        if (e instanceof ApiError && PERMANENT_SEND_ERRORS.has(e.error)) {
          this.core.toast(`Message not sent: ${sendErrorText(e.error)}`);
          permanentError = e.error;
          break;
        }
        await sleep(800 * 2 ** attempt);
      }
    }
    this.core.store.dispatch({ type: "sendFailed", channel, clientMsgId: local.client_msg_id as string, threadTs: threadTs && threadTs !== local.ts ? threadTs : undefined, permanentError });
  }

  /** A failed message, edited: it goes out again with the new text, in its place. */
  resendEdited(channel: string, message: Message, prepared: { text: string; blocks?: { [key: string]: unknown }[] }): void {
    const threadTs = message.thread_ts && message.thread_ts !== message.ts ? message.thread_ts : undefined;
    this.discard(channel, message);
    if (prepared.text.trim()) this.sendPrepared(channel, prepared, threadTs);
  }

  async edit(channel: string, ts: string, composerText: string): Promise<void> {
    const s = this.core.state;
    const text = encodeMessage(composerText, Object.values(s.users), Object.values(s.conversations));
    return this.editPrepared(channel, ts, { text });
  }

  /** Edits with text already in Slack form and the editor's rich_text blocks. */
  async editPrepared(channel: string, ts: string, { text, blocks }: { text: string; blocks?: { [key: string]: unknown }[] }): Promise<void> {
    const s = this.core.state;
    const old = findMessage(s.logs[channel]?.messages ?? [], ts) ?? Object.values(s.threads).flat().find((m) => m.ts === ts);
    const optimistic: Message = { ...(old ?? { type: "message", ts }), text, ...(blocks ? { blocks } : {}), html: undefined, edited: { user: s.self?.userId ?? "", ts: String(Date.now() / 1000) } };
    const changed = (message: Message) => this.core.store.dispatch({ type: "rtm", event: { type: "message", subtype: "message_changed", channel, message } });
    changed(optimistic);
    try {
      const body = await this.core.api.call("chat.update", { channel, ts, text, ...(blocks ? { blocks } : {}) });
      if (body.message) changed({ ...optimistic, ...body.message, ts });
    } catch (e) {
      if (old) changed(old);
      this.core.toast(`Could not edit: ${e instanceof ApiError ? e.error.replace(/_/g, " ") : "network error"}`);
    }
  }

  async remove(channel: string, ts: string): Promise<void> {
    try {
      await this.core.api.call("chat.delete", { channel, ts });
      this.core.store.dispatch({ type: "rtm", event: { type: "message", subtype: "message_deleted", channel, deleted_ts: ts } });
    } catch (e) {
      this.core.toast(`Could not delete: ${e instanceof ApiError ? e.error.replace(/_/g, " ") : "network error"}`);
    }
  }

  async copyLink(channel: string, message: Message): Promise<void> {
    let link: string;
    try {
      const body = await this.core.api.call("chat.getPermalink", { channel, message_ts: message.ts });
      link = body.permalink;
    } catch {
      const thread = message.thread_ts && message.thread_ts !== message.ts ? `?thread_ts=${message.thread_ts}&cid=${channel}` : "";
      link = `${window.location.origin}/archives/${channel}/p${message.ts.replace(".", "")}${thread}`;
    }
    try {
      await navigator.clipboard.writeText(link);
      this.core.toast("Link copied");
    } catch {
      window.prompt("Copy this link", link);
    }
  }

  typing(channel: string): void {
    const now = Date.now();
    if (now - (this.lastTypingSent.get(channel) ?? 0) < 3000) return;
    this.lastTypingSent.set(channel, now);
    this.sendFrame({ type: "typing", channel });
  }

  /** Your last message here, to edit (Up in an empty composer). */
  lastEditable(channel: string): Message | undefined {
    const s = this.core.state;
    if (!s.self) return undefined;
    return lastOwnMessage(s.logs[channel]?.messages ?? [], s.self.userId);
  }

  /** A message's text as the composer shows it (mentions as names). */
  editableText(message: Message): string {
    return decodeMessage(message.text ?? "", this.core.state.users, this.core.state.conversations);
  }

  draftKey(channel: string, threadTs?: string): string {
    return `parley:draft:${this.core.state.team?.id ?? ""}:${channel}${threadTs ? `:${threadTs}` : ""}`;
  }
}
