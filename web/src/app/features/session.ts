// The session's lifecycle: resume or sign in, load the workspace snapshot, hold the socket
// open (buffering events until the snapshot is in), resync, and tear it all down.
import { ApiError, type ApiClient } from "../../api/client";
import type { Conversation, CountEntry, RtmEvent, Team, User } from "../../api/types";
import { navigate } from "../../lib/router";
import { RtmConnection, type SocketLike, withRenderedHtml } from "../../rtm/connection";
import type { Prefs } from "../../state/prefs";
import type { Apps } from "../apps";
import { collect, type Core } from "./core";
import { CONVERSATION_TYPES, type Conversations } from "./conversations";
import type { History } from "./history";
import { endedBy, type EndedNotice } from "./ended";
import type { People } from "./people";
import type { Reading } from "./reading";

type Snapshot = [Team, User[], Conversation[], CountEntry[]];
type Self = { userId: string; teamId: string };

/** `rtm.connect` may answer with a path or an http(s) URL; WebSocket wants ws(s). */
export function absoluteWsUrl(url: string, location: { protocol: string; host: string } = window.location): string {
  if (/^wss?:\/\//.test(url)) return url;
  if (/^https?:\/\//.test(url)) return url.replace(/^http/, "ws");
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}${url.startsWith("/") ? "" : "/"}${url}`;
}

/** The reason of the server's `error` frame sent before it closes a socket for good. */
function closingReason(event: RtmEvent): string | null {
  if ((event.type as string) !== "error") return null;
  const msg = (event as unknown as { error?: { msg?: unknown } }).error?.msg;
  return msg === "account_inactive" || msg === "token_expired" ? msg : null;
}

export interface SessionParts {
  apps: Apps;
  prefs: Prefs;
  history: History;
  reading: Reading;
  conversations: Conversations;
  people: People;
  /** Set when the session ends without signing out (deactivated, expired). */
  ended: EndedNotice;
  /** Applies one socket event (and its side effects). */
  onEvent: (event: RtmEvent) => void;
}

export class Session {
  private rtm: RtmConnection | null = null;
  private buffered: RtmEvent[] | null = null;
  private typingTimer: ReturnType<typeof setInterval> | null = null;
  private windowHandlers: [string, EventListener][] = [];
  private unwatchPartners: (() => void) | null = null;

  constructor(
    private readonly core: Core,
    private readonly parts: SessionParts,
  ) {}

  private get api(): ApiClient {
    return this.core.api;
  }

  /** Sends a frame on the socket (typing), when connected. */
  send(frame: { type: string; channel: string }): void {
    this.rtm?.send(frame);
  }

  /** Is there a session? Loads the workspace when there is. */
  async resume(): Promise<boolean> {
    // The first screen needs the session, the workspace snapshot and the open channel's
    // history: ask for all three at once instead of one after the other.
    const channel = /^\/client\/[^/]+\/([CDG][A-Z0-9]+)/.exec(window.location.pathname)?.[1];
    const snapshot = this.fetchSnapshot();
    snapshot.catch(() => undefined);
    if (channel) this.parts.history.prefetch(channel);
    try {
      const s = await this.api.call("auth.session");
      await this.load({ userId: s.user_id, teamId: s.team_id }, undefined, snapshot);
      return true;
    } catch (e) {
      this.parts.history.dropPrefetch();
      const ended = endedBy(e);
      if (ended) this.parts.ended.set(ended);
      if (e instanceof ApiError) return false;
      throw e;
    }
  }

  /** The server closed the socket for good (`account_inactive`, or the session expired):
   * stop reconnecting, learn why (auth.session answers with the workspace and the reason)
   * and show it. */
  private async endedByServer(reason: string): Promise<void> {
    const teamName = this.core.state.team?.name ?? "";
    this.teardown();
    let ended = reason === "account_inactive" ? { kind: "deactivated" as const, teamName } : { kind: "expired" as const, teamName };
    try {
      await this.api.call("auth.session");
    } catch (e) {
      ended = endedBy(e, teamName) ?? ended;
    }
    this.parts.ended.set(ended);
    this.core.store.dispatch({ type: "signedOut" });
  }

  async signIn(domain: string, email: string, password: string): Promise<void> {
    const s = await this.api.call("auth.signin", { domain, email, password });
    await this.load({ userId: s.user_id, teamId: s.team_id }, email);
  }

  async signUp(args: { team_name: string; domain: string; email: string; password: string; real_name: string }): Promise<void> {
    const s = await this.api.call("auth.signup", args);
    await this.load({ userId: s.user_id, teamId: s.team_id }, args.email);
  }

  async acceptInvite(args: { code: string; email: string; password: string; real_name: string }): Promise<void> {
    const s = await this.api.call("auth.acceptInvite", args);
    await this.load({ userId: s.user_id, teamId: s.team_id }, args.email);
  }

  /** A mailed reset link: new password, every other session ended, this one signed in. */
  async resetPassword(code: string, password: string): Promise<void> {
    const s = await this.api.call("auth.passwordReset.complete", { code, password });
    await this.load({ userId: s.user_id, teamId: s.team_id });
  }

  async signOut(): Promise<void> {
    try {
      await this.api.call("auth.signout");
    } finally {
      this.teardown();
      this.core.store.dispatch({ type: "signedOut" });
    }
  }

  /** Switching workspace = signing into the other one (a browser holds one session). */
  switchTo(domain: string, email: string): void {
    this.teardown();
    this.core.store.dispatch({ type: "signedOut" });
    navigate(`/signin?domain=${encodeURIComponent(domain)}&email=${encodeURIComponent(email)}`);
  }

  private fetchSnapshot(): Promise<Snapshot> {
    return Promise.all([
      this.api.call("team.info").then((b) => b.team),
      collect(this.api, "users.list", "members", { limit: 1000 }),
      collect(this.api, "users.conversations", "channels", { types: CONVERSATION_TYPES, exclude_archived: true, limit: 1000 }),
      this.fetchCounts(),
    ]);
  }

  private teardown(): void {
    this.rtm?.stop();
    this.rtm = null;
    if (this.typingTimer) clearInterval(this.typingTimer);
    this.typingTimer = null;
    for (const [name, handler] of this.windowHandlers) window.removeEventListener(name, handler);
    this.windowHandlers = [];
    this.unwatchPartners?.();
    this.unwatchPartners = null;
    this.parts.people.reset();
    this.parts.reading.reset();
    this.parts.apps.reset();
  }

  /** Mutes are kept on the server (the notification rule reads them); show them here too. */
  private async loadServerMutes(): Promise<void> {
    try {
      const body = (await (this.core.api.call as unknown as (m: string, p: object) => Promise<{ channels?: { channel: string; muted: boolean }[] }>)("client.notifications.get", {})) ?? {};
      const muted = new Set(this.core.state.muted);
      for (const pref of body.channels ?? []) {
        if (pref.muted) muted.add(pref.channel);
        else muted.delete(pref.channel);
      }
      this.core.store.dispatch({ type: "muted", muted: [...muted] });
    } catch {
      /* the sidebar shows the browser's own mutes */
    }
  }

  private async load(self: Self, email?: string, snapshot?: Promise<Snapshot>): Promise<void> {
    this.teardown();
    this.parts.ended.set(null); // signed in (again): whatever ended before is over
    // Connect and hold events until the snapshot is in; events that arrive meanwhile are
    // applied on top of it (message events are idempotent by ts).
    this.buffered = [];
    this.startRtm();
    const [team, users, conversations, counts] = await (snapshot ?? this.fetchSnapshot());
    const memberOf = conversations.map((c) => ({ ...c, is_member: true }));
    this.core.store.dispatch({ type: "boot", self, team, users, conversations: memberOf, counts });
    this.core.store.dispatch({ type: "muted", muted: [...this.parts.prefs.muted(team.id, self.userId)] });
    void this.loadServerMutes();
    const pending = this.buffered ?? [];
    this.buffered = null;
    for (const event of pending) this.parts.onEvent(event);
    const me = users.find((u) => u.id === self.userId);
    const rememberedEmail = email ?? me?.profile?.email;
    if (rememberedEmail) this.parts.prefs.remember({ domain: team.domain, email: rememberedEmail, name: team.name, teamId: team.id });
    this.parts.prefs.lastDomain = team.domain;
    this.watchWindow();
    void this.parts.people.loadEmoji();
    void this.parts.apps.syncViews();
    void this.parts.people.loadPresence(memberOf);
    this.unwatchPartners = this.parts.people.watchNewDirectPartners();
  }

  private async fetchCounts(): Promise<CountEntry[]> {
    try {
      const c = await this.api.call("client.counts");
      return [...(c.channels ?? []), ...(c.mpims ?? []), ...(c.ims ?? [])];
    } catch {
      return [];
    }
  }

  /** After a resync (the server could not resume): refetch lists, counts and open logs. */
  private async resync(): Promise<void> {
    if (!this.core.state.self) return;
    try {
      const [conversations, counts] = await Promise.all([this.parts.conversations.mine(), this.fetchCounts()]);
      this.core.store.dispatch({ type: "conversations", conversations });
      this.core.store.dispatch({ type: "counts", counts });
      void this.parts.apps.syncViews();
      for (const channel of Object.keys(this.core.state.logs)) {
        if (channel === this.core.state.active) await this.parts.history.loadLatest(channel);
      }
    } catch {
      /* the next reconnect tries again */
    }
  }

  private startRtm(): void {
    this.rtm = new RtmConnection({
      connectUrl: async () => withRenderedHtml((await this.api.call("rtm.connect")).url),
      createSocket: (url) => new WebSocket(absoluteWsUrl(url)) as unknown as SocketLike,
      onEvent: (event) => {
        const closing = closingReason(event);
        if (closing) void this.endedByServer(closing);
        else if (this.buffered) this.buffered.push(event);
        else this.parts.onEvent(event);
      },
      onStatus: (status) => this.core.store.dispatch({ type: "connection", status }),
      onResync: () => void this.resync(),
    });
    this.rtm.start();
    this.typingTimer = setInterval(() => this.core.store.dispatch({ type: "expireTyping", now: Date.now() }), 1000);
  }

  private watchWindow(): void {
    const on = (name: string, handler: EventListener) => {
      window.addEventListener(name, handler);
      this.windowHandlers.push([name, handler]);
    };
    on("online", () => this.rtm?.retryNow());
    on("offline", () => this.rtm?.networkLost());
    on("focus", () => this.core.store.dispatch({ type: "focus", focused: true }));
    on("blur", () => this.core.store.dispatch({ type: "focus", focused: false }));
    this.core.store.dispatch({ type: "focus", focused: document.hasFocus() });
  }
}
