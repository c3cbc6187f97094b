// A conversation's messages: its latest page, older pages, the page around a message, threads.
import { ApiError, type ResultOf } from "../../api/client";
import { findMessage } from "../../state/messages";
import { emptyLog } from "../../state/reducer";
import { collect, type Core } from "./core";
import type { Lookups } from "./lookups";

const PAGE = 100;
const PREFETCH_FRESH_MS = 15_000;

type HistoryPage = ResultOf<"conversations.history">;

export class History {
  private loadingOlder = new Set<string>();
  private prefetched: { channel: string; at: number; page: Promise<HistoryPage> } | null = null;

  constructor(
    private readonly core: Core,
    private readonly lookups: Lookups,
  ) {}

  /** Starts loading the open channel's latest page before the session is known. */
  prefetch(channel: string): void {
    const page = this.core.api.call("conversations.history", { channel, limit: 50 });
    page.catch(() => undefined);
    this.prefetched = { channel, at: Date.now(), page };
  }

  dropPrefetch(): void {
    this.prefetched = null;
  }

  /** Opens a conversation: loads its latest page the first time. */
  async open(channel: string): Promise<void> {
    this.core.store.dispatch({ type: "view", channel });
    if (!this.core.state.conversations[channel]) await this.lookups.conversation(channel);
    const log = this.core.state.logs[channel];
    if (!log?.loaded || log.hasMoreNewer) await this.loadLatest(channel);
  }

  async loadLatest(channel: string): Promise<void> {
    const prefetched = this.prefetched?.channel === channel && Date.now() - this.prefetched.at < PREFETCH_FRESH_MS ? this.prefetched.page : null;
    this.prefetched = null;
    try {
      const body = await (prefetched ?? this.core.api.call("conversations.history", { channel, limit: 50 }));
      this.core.store.dispatch({ type: "history", channel, messages: body.messages, hasMoreOlder: !!body.has_more, hasMoreNewer: false, reset: true });
    } catch (e) {
      this.core.store.dispatch({ type: "history", channel, messages: [], hasMoreOlder: false, hasMoreNewer: false, reset: true });
      if (e instanceof ApiError && e.error !== "channel_not_found") this.core.toast(`Could not load messages (${e.error})`);
    }
  }

  async loadOlder(channel: string): Promise<void> {
    const log = this.core.state.logs[channel] ?? emptyLog;
    if (!log.hasMoreOlder || this.loadingOlder.has(channel)) return;
    const oldest = log.messages.find((m) => !m.local)?.ts;
    this.loadingOlder.add(channel);
    try {
      const body = await this.core.api.call("conversations.history", {
        channel,
        limit: PAGE,
        ...(oldest ? { latest: oldest } : {}),
      });
      this.core.store.dispatch({ type: "history", channel, messages: body.messages, hasMoreOlder: !!body.has_more });
    } catch {
      this.core.toast("Could not load older messages");
    } finally {
      this.loadingOlder.delete(channel);
    }
  }

  /** Loads the messages on both sides of `ts` (a permalink or search result) and shows them. */
  async loadAround(channel: string, ts: string): Promise<void> {
    this.core.store.dispatch({ type: "view", channel });
    if (!this.core.state.conversations[channel]) await this.lookups.conversation(channel);
    const log = this.core.state.logs[channel];
    if (log?.loaded && findMessage(log.messages, ts)) return;
    const [older, newer] = await Promise.all([
      this.core.api.call("conversations.history", { channel, latest: ts, inclusive: true, limit: 50 }),
      this.core.api.call("conversations.history", { channel, oldest: ts, limit: PAGE }),
    ]);
    const reachesPresent = !newer.has_more;
    this.core.store.dispatch({
      type: "history",
      channel,
      messages: reachesPresent ? [...older.messages, ...newer.messages] : older.messages,
      hasMoreOlder: !!older.has_more,
      hasMoreNewer: !reachesPresent,
      reset: true,
    });
  }

  async loadThread(channel: string, threadTs: string): Promise<void> {
    try {
      const all = await collect(this.core.api, "conversations.replies", "messages", { channel, ts: threadTs, limit: 200 });
      this.core.store.dispatch({ type: "replies", channel, threadTs, messages: all });
    } catch (e) {
      this.core.toast(e instanceof ApiError && e.error === "thread_not_found" ? "That thread no longer exists" : "Could not load the thread");
    }
  }
}
