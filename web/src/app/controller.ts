// The client's I/O: Web API calls, the RTM socket, and the side effects of events
// (notifications, marking read, fetching what an event refers to). State changes go
// through the pure reducer via `store.dispatch`.
import { ApiClient, ApiError } from "../api/client";
import type { Conversation, CountEntry, Message, RtmEvent, SearchMatch, Team, User } from "../api/types";
import { decodeMessage, encodeMessage, newClientMsgId, plainText } from "../lib/compose";
import { resolveCustom } from "../lib/emoji";
import { conversationTitle, displayName } from "../lib/names";
import { clientPath, navigate } from "../lib/router";
import { compareTs, localTsAfter } from "../lib/ts";
import { fileFactsFor } from "../lib/files";
import { RtmConnection, type SocketLike } from "../rtm/connection";
import { Apps } from "./apps";
import { Drafts, type KeyValueStore } from "../state/drafts";
import { findMessage, isThreadReply, lastOwnMessage } from "../state/messages";
import { Prefs } from "../state/prefs";
import { emptyLog, mentions, threadKey, unreadOf, type State } from "../state/reducer";
import { Store } from "../state/store";

const PAGE = 100;
const CONVERSATION_TYPES = "public_channel,private_channel,mpim,im";
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

export interface Toast {
  id: number;
  text: string;
}

type Listener = () => void;

/** Pages through a cursor-paginated method and concatenates one array field. */
async function collect<T>(api: ApiClient, method: string, field: string, args: Record<string, unknown>): Promise<T[]> {
  const out: T[] = [];
  let cursor = "";
  for (let page = 0; page < 50; page++) {
    const body = await api.call(method, { ...args, ...(cursor ? { cursor } : {}) });
    out.push(...((body[field] as T[]) ?? []));
    cursor = ((body.response_metadata as { next_cursor?: string } | undefined)?.next_cursor ?? "").trim();
    if (!cursor) break;
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

export class Controller {
  readonly store = new Store();
  readonly drafts: Drafts;
  readonly prefs: Prefs;
  /** Slash commands, shortcuts, modals and App Home (see app/apps.ts). */
  readonly apps: Apps;
  private rtm: RtmConnection | null = null;
  private buffered: RtmEvent[] | null = null;
  private markTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private lastTypingSent = new Map<string, number>();
  private loadingOlder = new Set<string>();
  private fetchingConversation = new Set<string>();
  private fetchingUser = new Set<string>();
  private toasts: Toast[] = [];
  private toastListeners = new Set<Listener>();
  private nextToast = 1;
  private typingTimer: ReturnType<typeof setInterval> | null = null;
  private windowHandlers: [string, EventListener][] = [];

  constructor(
    readonly api: ApiClient,
    storage: KeyValueStore,
  ) {
    this.drafts = new Drafts(storage);
    this.prefs = new Prefs(storage);
    this.apps = new Apps(api);
  }

  get state(): State {
    return this.store.getState();
  }

  // ---- toasts -------------------------------------------------------------------------

  toast(text: string): void {
    const t = { id: this.nextToast++, text };
    this.toasts = [...this.toasts, t].slice(-3);
    this.toastListeners.forEach((l) => l());
    setTimeout(() => {
      this.toasts = this.toasts.filter((x) => x.id !== t.id);
      this.toastListeners.forEach((l) => l());
    }, 4000);
  }

  getToasts = (): Toast[] => this.toasts;

  subscribeToasts = (l: Listener): (() => void) => {
    this.toastListeners.add(l);
    return () => this.toastListeners.delete(l);
  };

  // ---- session ------------------------------------------------------------------------

  /** Is there a session? Loads the workspace when there is. */
  async resume(): Promise<boolean> {
    // The first screen needs the session, the workspace snapshot and the open channel's
    // history: ask for all three at once instead of one after the other.
    const channel = /^\/client\/[^/]+\/([CDG][A-Z0-9]+)/.exec(window.location.pathname)?.[1];
    const snapshot = this.fetchSnapshot();
    snapshot.catch(() => undefined);
    if (channel) this.prefetchHistory(channel);
    try {
      const s = await this.api.call<{ user_id: string; team_id: string }>("auth.session");
      await this.load({ userId: s.user_id, teamId: s.team_id }, undefined, snapshot);
      return true;
    } catch (e) {
      this.prefetched = null;
      if (e instanceof ApiError) return false;
      throw e;
    }
  }

  private prefetched: { channel: string; at: number; page: Promise<{ messages: Message[]; has_more?: boolean }> } | null = null;

  private prefetchHistory(channel: string): void {
    const page = this.api.call<{ messages: Message[]; has_more?: boolean }>("conversations.history", { channel, limit: 50 });
    page.catch(() => undefined);
    this.prefetched = { channel, at: Date.now(), page };
  }

  private fetchSnapshot(): Promise<[Team, User[], Conversation[], CountEntry[]]> {
    return Promise.all([
      this.api.call<{ team: Team }>("team.info").then((b) => b.team),
      collect<User>(this.api, "users.list", "members", { limit: 1000 }),
      collect<Conversation>(this.api, "users.conversations", "channels", {
        types: CONVERSATION_TYPES,
        exclude_archived: true,
        limit: 1000,
      }),
      this.fetchCounts(),
    ]);
  }

  async signIn(domain: string, email: string, password: string): Promise<void> {
    const s = await this.api.call<{ user_id: string; team_id: string }>("auth.signin", { domain, email, password });
    await this.load({ userId: s.user_id, teamId: s.team_id }, email);
  }

  async signUp(args: { team_name: string; domain: string; email: string; password: string; real_name: string }): Promise<void> {
    const s = await this.api.call<{ user_id: string; team_id: string }>("auth.signup", args);
    await this.load({ userId: s.user_id, teamId: s.team_id }, args.email);
  }

  async acceptInvite(args: { code: string; email: string; password: string; real_name: string }): Promise<void> {
    const s = await this.api.call<{ user_id: string; team_id: string }>("auth.acceptInvite", args);
    await this.load({ userId: s.user_id, teamId: s.team_id }, args.email);
  }

  async signOut(): Promise<void> {
    try {
      await this.api.call("auth.signout");
    } finally {
      this.teardown();
      this.store.dispatch({ type: "signedOut" });
    }
  }

  /** Switching workspace = signing into the other one (a browser holds one session). */
  switchTo(domain: string, email: string): void {
    this.teardown();
    this.store.dispatch({ type: "signedOut" });
    navigate(`/signin?domain=${encodeURIComponent(domain)}&email=${encodeURIComponent(email)}`);
  }

  private teardown(): void {
    this.rtm?.stop();
    this.rtm = null;
    if (this.typingTimer) clearInterval(this.typingTimer);
    this.typingTimer = null;
    for (const [name, handler] of this.windowHandlers) window.removeEventListener(name, handler);
    this.windowHandlers = [];
    this.markTimers.forEach((t) => clearTimeout(t));
    this.markTimers.clear();
    this.apps.reset();
  }

  // ---- loading ------------------------------------------------------------------------

  private async load(
    self: { userId: string; teamId: string },
    email?: string,
    snapshot?: Promise<[Team, User[], Conversation[], CountEntry[]]>,
  ): Promise<void> {
    this.teardown();
    // Connect and hold events until the snapshot is in; events that arrive meanwhile are
    // applied on top of it (message events are idempotent by ts).
    this.buffered = [];
    this.startRtm();
    const [team, users, conversations, counts] = await (snapshot ?? this.fetchSnapshot());
    const memberOf = conversations.map((c) => ({ ...c, is_member: true }));
    this.store.dispatch({ type: "boot", self, team, users, conversations: memberOf, counts });
    this.store.dispatch({ type: "muted", muted: [...this.prefs.muted(team.id, self.userId)] });
    const pending = this.buffered ?? [];
    this.buffered = null;
    for (const event of pending) this.handleEvent(event);
    const me = users.find((u) => u.id === self.userId);
    const rememberedEmail = email ?? me?.profile?.email;
    if (rememberedEmail) this.prefs.remember({ domain: team.domain, email: rememberedEmail, name: team.name, teamId: team.id });
    this.prefs.lastDomain = team.domain;
    this.watchWindow();
    void this.loadEmoji();
    void this.apps.syncViews();
    void this.loadPresence(memberOf);
  }

  private async fetchCounts(): Promise<CountEntry[]> {
    try {
      const c = await this.api.call<{ channels?: CountEntry[]; mpims?: CountEntry[]; ims?: CountEntry[] }>("client.counts");
      return [...(c.channels ?? []), ...(c.mpims ?? []), ...(c.ims ?? [])];
    } catch {
      return [];
    }
  }

  private async loadEmoji(): Promise<void> {
    try {
      const body = await this.api.call<{ emoji: Record<string, string> }>("emoji.list");
      this.store.dispatch({ type: "customEmoji", emoji: resolveCustom(body.emoji ?? {}) });
    } catch {
      /* custom emoji are optional */
    }
  }

  private async loadPresence(conversations: Conversation[]): Promise<void> {
    const people = new Set<string>();
    for (const c of conversations) if (c.is_im && c.user) people.add(c.user);
    if (this.state.self) people.add(this.state.self.userId);
    for (const user of [...people].slice(0, 50)) {
      try {
        const p = await this.api.call<{ presence: string }>("users.getPresence", { user });
        this.store.dispatch({ type: "presence", user, presence: p.presence });
      } catch {
        /* presence is decoration */
      }
    }
  }

  /** After a resync (the server could not resume): refetch lists, counts and open logs. */
  private async resync(): Promise<void> {
    if (!this.state.self) return;
    try {
      const [conversations, counts] = await Promise.all([
        collect<Conversation>(this.api, "users.conversations", "channels", { types: CONVERSATION_TYPES, exclude_archived: true, limit: 1000 }),
        this.fetchCounts(),
      ]);
      this.store.dispatch({ type: "conversations", conversations: conversations.map((c) => ({ ...c, is_member: true })) });
      this.store.dispatch({ type: "counts", counts });
      void this.apps.syncViews();
      for (const channel of Object.keys(this.state.logs)) {
        if (channel === this.state.active) await this.loadLatest(channel);
      }
    } catch {
      /* the next reconnect tries again */
    }
  }

  private startRtm(): void {
    this.rtm = new RtmConnection({
      connectUrl: async () => (await this.api.call<{ url: string }>("rtm.connect")).url,
      createSocket: (url) => new WebSocket(absoluteWsUrl(url)) as unknown as SocketLike,
      onEvent: (event) => {
        if (this.buffered) this.buffered.push(event);
        else this.handleEvent(event);
      },
      onStatus: (status) => this.store.dispatch({ type: "connection", status }),
      onResync: () => void this.resync(),
    });
    this.rtm.start();
    this.typingTimer = setInterval(() => this.store.dispatch({ type: "expireTyping", now: Date.now() }), 1000);
  }

  private watchWindow(): void {
    const on = (name: string, handler: EventListener) => {
      window.addEventListener(name, handler);
      this.windowHandlers.push([name, handler]);
    };
    on("online", () => this.rtm?.retryNow());
    on("offline", () => this.rtm?.networkLost());
    on("focus", () => this.store.dispatch({ type: "focus", focused: true }));
    on("blur", () => this.store.dispatch({ type: "focus", focused: false }));
    this.store.dispatch({ type: "focus", focused: document.hasFocus() });
  }

  // ---- events -------------------------------------------------------------------------

  handleEvent(event: RtmEvent): void {
    if (this.apps.handleEvent(event)) return;
    if (event.type.startsWith("file_")) fileFactsFor(this.api).onEvent(event);
    const before = this.state;
    this.store.dispatch({ type: "rtm", event });
    const channel = typeof event.channel === "string" ? event.channel : event.channel?.id;
    if (event.type === "message" && channel) this.afterMessage(before, channel, event);
    if (event.type === "member_joined_channel" && event.user === this.state.self?.userId && channel) void this.fetchConversation(channel);
    if ((event.type === "im_created" || event.type === "group_joined" || event.type === "channel_joined") && channel) void this.fetchConversation(channel);
    if (event.type === "user_change" || event.type === "team_join") return;
    const user = typeof event.user === "string" ? event.user : undefined;
    if (user && !this.state.users[user]) void this.fetchUser(user);
  }

  private afterMessage(before: State, channel: string, event: RtmEvent): void {
    if (!this.state.conversations[channel]) void this.fetchConversation(channel);
    if (event.subtype && event.subtype !== "thread_broadcast" && event.subtype !== "bot_message" && event.subtype !== "me_message") return;
    const ts = event.ts;
    const self = this.state.self?.userId;
    if (!ts || event.user === self) return;
    const wasUnread = unreadOf(before, channel).unreadCount;
    if (channel === this.state.active && this.state.focused) this.scheduleMark(channel, ts);
    else if (unreadOf(this.state, channel).unreadCount > wasUnread) this.maybeNotify(channel, event as unknown as Message);
  }

  private maybeNotify(channel: string, message: Message): void {
    const s = this.state;
    if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
    if (s.muted.includes(channel) || !s.self) return;
    const conversation = s.conversations[channel];
    const direct = !!conversation && (!!conversation.is_im || !!conversation.is_mpim);
    if (!direct && !mentions(message.text, s.self.userId)) return;
    const who = displayName(message.user ? s.users[message.user] : undefined, message.username ?? "Someone");
    const where = direct ? who : `${who} in #${conversationTitle(conversation, s.users, s.self.userId)}`;
    try {
      const n = new Notification(where, { body: plainText(message.text ?? "", s.users, s.conversations).slice(0, 200), tag: `${channel}:${message.ts}` });
      n.onclick = () => {
        window.focus();
        if (s.team) navigate(clientPath(s.team.id, channel));
      };
    } catch {
      /* some browsers only allow notifications from a service worker */
    }
  }

  private async fetchConversation(channel: string): Promise<void> {
    if (this.fetchingConversation.has(channel)) return;
    this.fetchingConversation.add(channel);
    try {
      const body = await this.api.call<{ channel: Conversation }>("conversations.info", { channel });
      this.store.dispatch({ type: "conversations", conversations: [body.channel] });
    } catch {
      /* not visible to us */
    } finally {
      this.fetchingConversation.delete(channel);
    }
  }

  private async fetchUser(user: string): Promise<void> {
    if (this.fetchingUser.has(user)) return;
    this.fetchingUser.add(user);
    try {
      const body = await this.api.call<{ user: User }>("users.info", { user });
      this.store.dispatch({ type: "users", users: [body.user] });
    } catch {
      /* bots and deleted users may not resolve */
    } finally {
      this.fetchingUser.delete(user);
    }
  }

  // ---- history ------------------------------------------------------------------------

  /** Opens a conversation: loads its latest page the first time. */
  async open(channel: string): Promise<void> {
    this.store.dispatch({ type: "view", channel });
    if (!this.state.conversations[channel]) await this.fetchConversation(channel);
    const log = this.state.logs[channel];
    if (!log?.loaded || log.hasMoreNewer) await this.loadLatest(channel);
  }

  async loadLatest(channel: string): Promise<void> {
    const prefetched = this.prefetched?.channel === channel && Date.now() - this.prefetched.at < 15_000 ? this.prefetched.page : null;
    this.prefetched = null;
    try {
      const body = await (prefetched ?? this.api.call<{ messages: Message[]; has_more?: boolean }>("conversations.history", { channel, limit: 50 }));
      this.store.dispatch({ type: "history", channel, messages: body.messages, hasMoreOlder: !!body.has_more, hasMoreNewer: false, reset: true });
    } catch (e) {
      this.store.dispatch({ type: "history", channel, messages: [], hasMoreOlder: false, hasMoreNewer: false, reset: true });
      if (e instanceof ApiError && e.error !== "channel_not_found") this.toast(`Could not load messages (${e.error})`);
    }
  }

  async loadOlder(channel: string): Promise<void> {
    const log = this.state.logs[channel] ?? emptyLog;
    if (!log.hasMoreOlder || this.loadingOlder.has(channel)) return;
    const oldest = log.messages.find((m) => !m.local)?.ts;
    this.loadingOlder.add(channel);
    try {
      const body = await this.api.call<{ messages: Message[]; has_more?: boolean }>("conversations.history", {
        channel,
        limit: PAGE,
        ...(oldest ? { latest: oldest } : {}),
      });
      this.store.dispatch({ type: "history", channel, messages: body.messages, hasMoreOlder: !!body.has_more });
    } catch {
      this.toast("Could not load older messages");
    } finally {
      this.loadingOlder.delete(channel);
    }
  }

  /** Loads the messages on both sides of `ts` (a permalink or search result) and shows them. */
  async loadAround(channel: string, ts: string): Promise<void> {
    this.store.dispatch({ type: "view", channel });
    if (!this.state.conversations[channel]) await this.fetchConversation(channel);
    const log = this.state.logs[channel];
    if (log?.loaded && findMessage(log.messages, ts)) return;
    const [older, newer] = await Promise.all([
      this.api.call<{ messages: Message[]; has_more?: boolean }>("conversations.history", { channel, latest: ts, inclusive: true, limit: 50 }),
      this.api.call<{ messages: Message[]; has_more?: boolean }>("conversations.history", { channel, oldest: ts, limit: PAGE }),
    ]);
    const reachesPresent = !newer.has_more;
    this.store.dispatch({
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
      const all = await collect<Message>(this.api, "conversations.replies", "messages", { channel, ts: threadTs, limit: 200 });
      this.store.dispatch({ type: "replies", channel, threadTs, messages: all });
    } catch (e) {
      this.toast(e instanceof ApiError && e.error === "thread_not_found" ? "That thread no longer exists" : "Could not load the thread");
    }
  }

  // ---- reading ------------------------------------------------------------------------

  /** The list shows its newest message: mark the conversation read up to it. */
  sawLatest(channel: string): void {
    const log = this.state.logs[channel];
    if (!log || log.hasMoreNewer) return;
    const last = [...log.messages].reverse().find((m) => !m.local);
    if (last) this.scheduleMark(channel, last.ts);
  }

  /** Esc: everything here is read, now. */
  markAllRead(channel: string): void {
    const u = unreadOf(this.state, channel);
    const log = this.state.logs[channel];
    const newest = log?.messages.filter((m) => !m.local).at(-1)?.ts;
    const ts = newest && compareTs(newest, u.latest) > 0 ? newest : u.latest;
    if (ts && ts !== "0") void this.mark(channel, ts);
  }

  private scheduleMark(channel: string, ts: string): void {
    if (!this.state.focused || document.visibilityState === "hidden") return;
    const u = unreadOf(this.state, channel);
    if (compareTs(ts, u.lastRead) <= 0 && !u.hasUnreads) return;
    clearTimeout(this.markTimers.get(channel));
    this.markTimers.set(channel, setTimeout(() => void this.mark(channel, ts), 400));
  }

  private async mark(channel: string, ts: string): Promise<void> {
    this.markTimers.delete(channel);
    this.store.dispatch({ type: "markedRead", channel, ts });
    try {
      await this.api.call("conversations.mark", { channel, ts });
    } catch {
      /* the next view marks again */
    }
  }

  // ---- writing ------------------------------------------------------------------------

  /** Sends at once on screen, then reconciles with the server by client_msg_id. */
  send(channel: string, composerText: string, threadTs?: string, broadcast = false): void {
    const s = this.state;
    if (!s.self) return;
    const text = encodeMessage(composerText, Object.values(s.users), Object.values(s.conversations));
    const clientMsgId = newClientMsgId();
    const log = s.logs[channel];
    const after = threadTs ? s.threads[threadKey(channel, threadTs)]?.at(-1)?.ts : log?.messages.at(-1)?.ts;
    const local: Message = {
      type: "message",
      ts: localTsAfter(after),
      user: s.self.userId,
      text,
      client_msg_id: clientMsgId,
      local: "sending",
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(threadTs && broadcast ? { subtype: "thread_broadcast" } : {}),
    };
    if (threadTs && broadcast) {
      // Shown in the thread at once; the channel copy arrives with the server's answer.
      this.store.dispatch({ type: "localMessage", channel, message: { ...local, subtype: undefined } });
    } else {
      this.store.dispatch({ type: "localMessage", channel, message: local });
    }
    void this.deliver(channel, local, broadcast);
  }

  retry(channel: string, message: Message): void {
    if (!message.client_msg_id) return;
    const threadTs = message.thread_ts && message.thread_ts !== message.ts ? message.thread_ts : undefined;
    this.store.dispatch({ type: "sendRetry", channel, clientMsgId: message.client_msg_id, threadTs });
    void this.deliver(channel, message, false);
  }

  discard(channel: string, message: Message): void {
    if (!message.client_msg_id) return;
    const threadTs = message.thread_ts && message.thread_ts !== message.ts ? message.thread_ts : undefined;
    this.store.dispatch({ type: "removeLocal", channel, clientMsgId: message.client_msg_id, threadTs });
  }

  private async deliver(channel: string, local: Message, broadcast: boolean): Promise<void> {
    const threadTs = local.thread_ts;
    for (let attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
      if (!navigator.onLine) await waitUntilOnline(60_000);
      try {
        const body = await this.api.call<{ ts: string; message?: Message }>("chat.postMessage", {
          channel,
          text: local.text,
          client_msg_id: local.client_msg_id,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          ...(broadcast ? { reply_broadcast: true } : {}),
        });
        const message: Message = { ...local, ...(body.message ?? {}), ts: body.ts, local: undefined, client_msg_id: local.client_msg_id };
        if (threadTs && broadcast) message.subtype = undefined;
        this.store.dispatch({ type: "serverMessage", channel, message });
        return;
      } catch (e) {
        if (e instanceof ApiError && PERMANENT_SEND_ERRORS.has(e.error)) {
          this.toast(`Message not sent: ${e.error.replace(/_/g, " ")}`);
          break;
        }
        await sleep(800 * 2 ** attempt);
      }
    }
    this.store.dispatch({ type: "sendFailed", channel, clientMsgId: local.client_msg_id as string, threadTs: threadTs && threadTs !== local.ts ? threadTs : undefined });
  }

  async edit(channel: string, ts: string, composerText: string): Promise<void> {
    const s = this.state;
    const text = encodeMessage(composerText, Object.values(s.users), Object.values(s.conversations));
    const old = findMessage(s.logs[channel]?.messages ?? [], ts) ?? Object.values(s.threads).flat().find((m) => m.ts === ts);
    const optimistic: Message = { ...(old ?? { type: "message", ts }), text, html: undefined, edited: { user: s.self?.userId ?? "", ts: String(Date.now() / 1000) } };
    this.store.dispatch({ type: "rtm", event: { type: "message", subtype: "message_changed", channel, message: optimistic } });
    try {
      const body = await this.api.call<{ message?: Message; text?: string }>("chat.update", { channel, ts, text });
      if (body.message) this.store.dispatch({ type: "rtm", event: { type: "message", subtype: "message_changed", channel, message: { ...optimistic, ...body.message, ts } } });
    } catch (e) {
      if (old) this.store.dispatch({ type: "rtm", event: { type: "message", subtype: "message_changed", channel, message: old } });
      this.toast(`Could not edit: ${e instanceof ApiError ? e.error.replace(/_/g, " ") : "network error"}`);
    }
  }

  async remove(channel: string, ts: string): Promise<void> {
    try {
      await this.api.call("chat.delete", { channel, ts });
      this.store.dispatch({ type: "rtm", event: { type: "message", subtype: "message_deleted", channel, deleted_ts: ts } });
    } catch (e) {
      this.toast(`Could not delete: ${e instanceof ApiError ? e.error.replace(/_/g, " ") : "network error"}`);
    }
  }

  async toggleReaction(channel: string, message: Message, name: string): Promise<void> {
    const self = this.state.self?.userId;
    if (!self) return;
    const mine = message.reactions?.find((r) => r.name === name)?.users.includes(self);
    const item = { type: "message", channel, ts: message.ts };
    const apply = (type: string) => this.store.dispatch({ type: "rtm", event: { type, user: self, reaction: name, item } });
    apply(mine ? "reaction_removed" : "reaction_added");
    try {
      await this.api.call(mine ? "reactions.remove" : "reactions.add", { channel, timestamp: message.ts, name });
    } catch (e) {
      if (e instanceof ApiError && (e.error === "already_reacted" || e.error === "no_reaction")) return;
      apply(mine ? "reaction_added" : "reaction_removed");
      this.toast("Could not update the reaction");
    }
  }

  async togglePin(channel: string, message: Message): Promise<void> {
    const pinned = message.pinned_to?.includes(channel);
    const item = { type: "message", channel, ts: message.ts };
    this.store.dispatch({ type: "rtm", event: { type: pinned ? "pin_removed" : "pin_added", channel_id: channel, item } });
    try {
      await this.api.call(pinned ? "pins.remove" : "pins.add", { channel, timestamp: message.ts });
      this.toast(pinned ? "Unpinned" : "Pinned to the conversation");
    } catch (e) {
      if (e instanceof ApiError && (e.error === "already_pinned" || e.error === "no_pin")) return;
      this.store.dispatch({ type: "rtm", event: { type: pinned ? "pin_added" : "pin_removed", channel_id: channel, item } });
      this.toast("Could not change the pin");
    }
  }

  async copyLink(channel: string, message: Message): Promise<void> {
    let link: string;
    try {
      const body = await this.api.call<{ permalink: string }>("chat.getPermalink", { channel, message_ts: message.ts });
      link = body.permalink;
    } catch {
      const thread = message.thread_ts && message.thread_ts !== message.ts ? `?thread_ts=${message.thread_ts}&cid=${channel}` : "";
      link = `${window.location.origin}/archives/${channel}/p${message.ts.replace(".", "")}${thread}`;
    }
    try {
      await navigator.clipboard.writeText(link);
      this.toast("Link copied");
    } catch {
      window.prompt("Copy this link", link);
    }
  }

  typing(channel: string): void {
    const now = Date.now();
    if (now - (this.lastTypingSent.get(channel) ?? 0) < 3000) return;
    this.lastTypingSent.set(channel, now);
    this.rtm?.send({ type: "typing", channel });
  }

  /** The composer text for editing your last message (Up in an empty composer). */
  lastEditable(channel: string): Message | undefined {
    const s = this.state;
    if (!s.self) return undefined;
    return lastOwnMessage(s.logs[channel]?.messages ?? [], s.self.userId);
  }

  editableText(message: Message): string {
    return decodeMessage(message.text ?? "", this.state.users, this.state.conversations);
  }

  draftKey(channel: string, threadTs?: string): string {
    return `parley:draft:${this.state.team?.id ?? ""}:${channel}${threadTs ? `:${threadTs}` : ""}`;
  }

  // ---- conversations ------------------------------------------------------------------

  async listPublicChannels(): Promise<Conversation[]> {
    return collect<Conversation>(this.api, "conversations.list", "channels", { types: "public_channel", exclude_archived: true, limit: 1000 });
  }

  async join(channel: string): Promise<void> {
    const body = await this.api.call<{ channel: Conversation }>("conversations.join", { channel });
    this.store.dispatch({ type: "conversations", conversations: [{ ...body.channel, is_member: true }] });
  }

  async leave(channel: string): Promise<void> {
    await this.api.call("conversations.leave", { channel });
    this.store.dispatch({ type: "conversations", conversations: [{ ...(this.state.conversations[channel] ?? { id: channel }), is_member: false }] });
  }

  async createChannel(name: string, isPrivate: boolean): Promise<Conversation> {
    const body = await this.api.call<{ channel: Conversation }>("conversations.create", { name, is_private: isPrivate });
    const channel = { ...body.channel, is_member: true };
    this.store.dispatch({ type: "conversations", conversations: [channel] });
    return channel;
  }

  async openDirect(users: string[]): Promise<Conversation> {
    const body = await this.api.call<{ channel: Conversation }>("conversations.open", { users: users.join(","), return_im: true });
    let channel = body.channel;
    if (!channel.is_im && !channel.is_mpim) channel = (await this.api.call<{ channel: Conversation }>("conversations.info", { channel: channel.id })).channel;
    if (users.length === 1 && !channel.user) channel = { ...channel, is_im: true, user: users[0] };
    channel = { ...channel, is_member: true };
    this.store.dispatch({ type: "conversations", conversations: [channel] });
    return channel;
  }

  async setTopic(channel: string, topic: string): Promise<void> {
    await this.api.call("conversations.setTopic", { channel, topic });
    const c = this.state.conversations[channel];
    this.store.dispatch({ type: "conversations", conversations: [{ ...c, topic: { value: topic } }] });
  }

  async invite(channel: string, users: string[]): Promise<void> {
    await this.api.call("conversations.invite", { channel, users: users.join(",") });
    await this.fetchConversation(channel);
  }

  async members(channel: string): Promise<string[]> {
    return collect<string>(this.api, "conversations.members", "members", { channel, limit: 1000 });
  }

  setMuted(channel: string, muted: boolean): void {
    const s = this.state;
    if (!s.self) return;
    const set = this.prefs.setMuted(s.self.teamId, s.self.userId, channel, muted);
    this.store.dispatch({ type: "muted", muted: [...set] });
  }

  // ---- people -------------------------------------------------------------------------

  async saveProfile(profile: Record<string, unknown>): Promise<void> {
    const body = await this.api.call<{ profile: User["profile"] }>("users.profile.set", { profile });
    const self = this.state.self;
    if (!self) return;
    const me = this.state.users[self.userId];
    this.store.dispatch({ type: "users", users: [{ ...me, profile: { ...me?.profile, ...body.profile } }] });
  }

  async setPresence(presence: "auto" | "away"): Promise<void> {
    await this.api.call("users.setPresence", { presence });
    const self = this.state.self;
    if (self) this.store.dispatch({ type: "presence", user: self.userId, presence: presence === "away" ? "away" : "active" });
  }

  async createInvite(email?: string): Promise<string> {
    const body = await this.api.call<{ url: string }>("admin.invites.create", email ? { email } : {});
    return body.url;
  }

  async search(query: string): Promise<{ matches: SearchMatch[]; total: number }> {
    const body = await this.api.call<{ messages: { matches: SearchMatch[]; total?: number } }>("search.messages", { query, highlight: true, count: 50, sort: "timestamp" });
    return { matches: body.messages?.matches ?? [], total: body.messages?.total ?? 0 };
  }

  async requestNotifications(): Promise<NotificationPermission | "unsupported"> {
    this.prefs.notificationsAsked = true;
    if (typeof Notification === "undefined") return "unsupported";
    return Notification.requestPermission();
  }
}

/** `rtm.connect` may answer with a path or an http(s) URL; WebSocket wants ws(s). */
export function absoluteWsUrl(url: string, location: { protocol: string; host: string } = window.location): string {
  if (/^wss?:\/\//.test(url)) return url;
  if (/^https?:\/\//.test(url)) return url.replace(/^http/, "ws");
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}${url.startsWith("/") ? "" : "/"}${url}`;
}

export function threadRepliesOf(state: State, channel: string, threadTs: string): Message[] {
  return state.threads[threadKey(channel, threadTs)] ?? [];
}

export { isThreadReply };
