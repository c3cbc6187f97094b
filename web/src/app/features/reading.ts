// Read state: marking a conversation read when its newest message is on screen, or at once.
import { compareTs } from "../../lib/ts";
import { unreadOf } from "../../state/reducer";
import type { Core } from "./core";

export class Reading {
  private markTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Marked unread by hand: not marked read again until the person leaves the conversation. */
  private held = new Set<string>();

  constructor(private readonly core: Core) {}

  /** The list shows its newest message: mark the conversation read up to it. */
  sawLatest(channel: string): void {
    const log = this.core.state.logs[channel];
    if (!log || log.hasMoreNewer) return;
    const last = [...log.messages].reverse().find((m) => !m.local);
    if (last) this.scheduleMark(channel, last.ts);
  }

  /** Esc: everything here is read, now. */
  markAllRead(channel: string): void {
    this.held.delete(channel);
    const u = unreadOf(this.core.state, channel);
    const log = this.core.state.logs[channel];
    const newest = log?.messages.filter((m) => !m.local).at(-1)?.ts;
    const ts = newest && compareTs(newest, u.latest) > 0 ? newest : u.latest;
    if (ts && ts !== "0") void this.mark(channel, ts);
  }

  /** "Mark unread": the read cursor goes back to just before `ts`, and stays there. */
  async markUnread(channel: string, ts: string, count: number): Promise<void> {
    this.held.add(channel);
    clearTimeout(this.markTimers.get(channel));
    this.markTimers.delete(channel);
    this.core.store.dispatch({ type: "markedUnread", channel, ts, count });
    await this.core.api.call("conversations.mark", { channel, ts });
  }

  /** The conversation is no longer on screen: reading it again marks it read again. */
  release(channel: string): void {
    this.held.delete(channel);
  }

  scheduleMark(channel: string, ts: string): void {
    if (this.held.has(channel)) return;
    if (!this.core.state.focused || document.visibilityState === "hidden") return;
    const u = unreadOf(this.core.state, channel);
    if (compareTs(ts, u.lastRead) <= 0 && !u.hasUnreads) return;
    clearTimeout(this.markTimers.get(channel));
    this.markTimers.set(channel, setTimeout(() => void this.mark(channel, ts), 400));
  }

  reset(): void {
    this.markTimers.forEach((t) => clearTimeout(t));
    this.markTimers.clear();
  }

  private async mark(channel: string, ts: string): Promise<void> {
    this.markTimers.delete(channel);
    this.core.store.dispatch({ type: "markedRead", channel, ts });
    try {
      await this.core.api.call("conversations.mark", { channel, ts });
    } catch {
      /* the next view marks again */
    }
  }
}
