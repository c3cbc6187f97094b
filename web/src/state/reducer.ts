// The client's whole state and the one reducer that applies API answers and RTM events to it.
// Pure functions only: the controller does the I/O, these are what the unit tests pin down.
import type { Conversation, CountEntry, EventOf, Message, Reaction, RtmEvent, Team, User } from "../api/types";
import { compareTs } from "../lib/ts";
import { channelIdOf } from "../rtm/events";
import {
  findMessage,
  isThreadReply,
  mergeMessages,
  removeMessage,
  updateMessage,
  upsertMessage,
} from "./messages";

export interface ChannelLog {
  messages: Message[];
  hasMoreOlder: boolean;
  /** True when the log was loaded around a permalink and does not reach the present. */
  hasMoreNewer: boolean;
  loaded: boolean;
}

export interface Unread {
  lastRead: string;
  latest: string;
  mentionCount: number;
  unreadCount: number;
  hasUnreads: boolean;
}

export type ConnectionStatus = "connecting" | "online" | "offline";

export interface State {
  self: { userId: string; teamId: string } | null;
  team: Team | null;
  users: Record<string, User>;
  conversations: Record<string, Conversation>;
  unreads: Record<string, Unread>;
  logs: Record<string, ChannelLog>;
  /** Thread replies keyed `channel/thread_ts`, parent first. */
  threads: Record<string, Message[]>;
  typing: Record<string, Record<string, number>>;
  presence: Record<string, string>;
  connection: ConnectionStatus;
  /** The conversation on screen, and whether the window has focus (for unread counting). */
  active: string | null;
  focused: boolean;
  /** Custom emoji (name → image URL) and the conversations muted in this browser. */
  customEmoji: Record<string, string>;
  muted: string[];
}

export const initialState: State = {
  self: null,
  team: null,
  users: {},
  conversations: {},
  unreads: {},
  logs: {},
  threads: {},
  typing: {},
  presence: {},
  connection: "connecting",
  active: null,
  focused: true,
  customEmoji: {},
  muted: [],
};

export type Action =
  | { type: "signedOut" }
  | {
      type: "boot";
      self: { userId: string; teamId: string };
      team: Team;
      users: User[];
      conversations: Conversation[];
      counts: CountEntry[];
    }
  | { type: "users"; users: User[] }
  | { type: "conversations"; conversations: Conversation[] }
  | { type: "counts"; counts: CountEntry[] }
  | { type: "history"; channel: string; messages: Message[]; hasMoreOlder?: boolean; hasMoreNewer?: boolean; reset?: boolean }
  | { type: "replies"; channel: string; threadTs: string; messages: Message[] }
  | { type: "localMessage"; channel: string; message: Message }
  | { type: "sendFailed"; channel: string; clientMsgId: string; threadTs?: string; permanentError?: string }
  | { type: "sendRetry"; channel: string; clientMsgId: string; threadTs?: string }
  | { type: "serverMessage"; channel: string; message: Message }
  | { type: "removeLocal"; channel: string; clientMsgId: string; threadTs?: string }
  | { type: "rtm"; event: RtmEvent; now?: number }
  | { type: "view"; channel: string | null }
  | { type: "focus"; focused: boolean }
  | { type: "markedRead"; channel: string; ts: string }
  | { type: "markedUnread"; channel: string; ts: string; count: number }
  | { type: "connection"; status: ConnectionStatus }
  | { type: "presence"; user: string; presence: string }
  | { type: "expireTyping"; now: number }
  | { type: "customEmoji"; emoji: Record<string, string> }
  | { type: "muted"; muted: string[] };

export const TYPING_MS = 6000;

export const emptyLog: ChannelLog = { messages: [], hasMoreOlder: true, hasMoreNewer: false, loaded: false };

export function threadKey(channel: string, threadTs: string): string {
  return `${channel}/${threadTs}`;
}

function unreadFromCount(c: CountEntry): Unread {
  return {
    lastRead: c.last_read ?? "0",
    latest: c.latest ?? "0",
    mentionCount: c.mention_count ?? 0,
    unreadCount: c.unread_count ?? 0,
    hasUnreads: !!c.has_unreads,
  };
}

const noUnread: Unread = { lastRead: "0", latest: "0", mentionCount: 0, unreadCount: 0, hasUnreads: false };

export function unreadOf(state: State, channel: string): Unread {
  return state.unreads[channel] ?? noUnread;
}

function byId<T extends { id: string }>(items: readonly T[], into: Record<string, T> = {}): Record<string, T> {
  const out = { ...into };
  for (const item of items) out[item.id] = { ...out[item.id], ...item };
  return out;
}

/** Does `text` mention this user (directly or via @channel/@here/@everyone)? */
export function mentions(text: string | undefined, userId: string): boolean {
  if (!text) return false;
  return text.includes(`<@${userId}>`) || text.includes(`<@${userId}|`) || /<!(channel|here|everyone)(\|[^>]*)?>/.test(text);
}

function isDirect(c: Conversation | undefined): boolean {
  return !!c && (!!c.is_im || !!c.is_mpim);
}

function withLog(state: State, channel: string, change: (log: ChannelLog) => ChannelLog): State {
  const log = state.logs[channel] ?? emptyLog;
  const next = change(log);
  return next === log ? state : { ...state, logs: { ...state.logs, [channel]: next } };
}

function withThread(state: State, channel: string, threadTs: string, change: (m: Message[]) => Message[]): State {
  const key = threadKey(channel, threadTs);
  const thread = state.threads[key];
  if (!thread) return state;
  const next = change(thread);
  return next === thread ? state : { ...state, threads: { ...state.threads, [key]: next } };
}

/** Applies `change` to the message wherever it is shown: the channel log and its thread. */
function changeMessageEverywhere(state: State, channel: string, ts: string, change: (m: Message) => Message): State {
  let next = withLog(state, channel, (log) => {
    const messages = updateMessage(log.messages, ts, change);
    return messages === log.messages ? log : { ...log, messages };
  });
  for (const key of Object.keys(next.threads)) {
    if (!key.startsWith(channel + "/")) continue;
    const thread = next.threads[key];
    const updated = updateMessage(thread, ts, change);
    if (updated !== thread) next = { ...next, threads: { ...next.threads, [key]: updated } };
  }
  return next;
}

function addReaction(m: Message, name: string, user: string): Message {
  const reactions = m.reactions ? m.reactions.slice() : [];
  const i = reactions.findIndex((r) => r.name === name);
  if (i < 0) return { ...m, reactions: [...reactions, { name, users: [user], count: 1 }] };
  const r = reactions[i];
  if (r.users.includes(user)) return m;
  reactions[i] = { ...r, users: [...r.users, user], count: r.count + 1 };
  return { ...m, reactions };
}

function removeReaction(m: Message, name: string, user: string): Message {
  if (!m.reactions) return m;
  const reactions: Reaction[] = [];
  let changed = false;
  for (const r of m.reactions) {
    if (r.name !== name || !r.users.includes(user)) reactions.push(r);
    else {
      changed = true;
      if (r.count > 1) reactions.push({ ...r, users: r.users.filter((u) => u !== user), count: r.count - 1 });
    }
  }
  return changed ? { ...m, reactions } : m;
}

/** A new message: into the log or its thread, the parent's reply summary, and unread counts. */
function receiveMessage(state: State, channel: string, message: Message): State {
  const msg: Message = { ...message, channel: undefined };
  delete msg.channel;
  let next = state;
  if (isThreadReply(msg)) {
    const parentTs = msg.thread_ts as string;
    const key = threadKey(channel, parentTs);
    const thread = state.threads[key];
    if (thread) {
      const r = upsertMessage(thread, msg);
      next = { ...next, threads: { ...next.threads, [key]: r.messages } };
    }
    next = changeMessageEverywhere(next, channel, parentTs, (parent) => noteReply(parent, msg));
  } else {
    let isNew: boolean;
    const log = state.logs[channel];
    // Kept even before the history arrives: a page fetched while this was in flight may not
    // have it. A log showing older history (a permalink) does not reach the present: skip.
    if (!log?.hasMoreNewer) {
      const base = log ?? emptyLog;
      const r = upsertMessage(base.messages, msg);
      isNew = r.isNew;
      next = { ...next, logs: { ...next.logs, [channel]: { ...base, messages: r.messages } } };
    } else {
      isNew = compareTs(msg.ts, unreadOf(state, channel).latest) > 0;
    }
    next = countUnread(next, channel, msg, isNew);
  }
  return next;
}

/** The parent's summary after a reply; idempotent, so a replayed reply is not counted twice. */
function noteReply(parent: Message, reply: Message): Message {
  if (parent.latest_reply && compareTs(reply.ts, parent.latest_reply) <= 0) return parent;
  const users = parent.reply_users ?? [];
  return {
    ...parent,
    thread_ts: parent.ts,
    reply_count: (parent.reply_count ?? 0) + 1,
    latest_reply: reply.ts,
    reply_users: reply.user && !users.includes(reply.user) ? [...users, reply.user] : users,
  };
}

function countUnread(state: State, channel: string, msg: Message, isNew: boolean): State {
  const self = state.self?.userId;
  const u = unreadOf(state, channel);
  if (compareTs(msg.ts, u.latest) <= 0 && !isNew) return state;
  const latest = compareTs(msg.ts, u.latest) > 0 ? msg.ts : u.latest;
  let next: Unread;
  if (msg.user === self || msg.local) {
    // Your own message means you have read the conversation up to it.
    next = { ...u, latest, lastRead: latest, hasUnreads: false, unreadCount: 0, mentionCount: 0 };
  } else if (state.active === channel && state.focused) {
    next = { ...u, latest };
  } else if (isNew && compareTs(msg.ts, u.lastRead) > 0) {
    const mention = isDirect(state.conversations[channel]) || (self ? mentions(msg.text, self) : false);
    next = {
      ...u,
      latest,
      hasUnreads: true,
      unreadCount: u.unreadCount + 1,
      mentionCount: u.mentionCount + (mention ? 1 : 0),
    };
  } else {
    next = { ...u, latest };
  }
  return { ...state, unreads: { ...state.unreads, [channel]: next } };
}

function markRead(state: State, channel: string, ts: string): State {
  const u = unreadOf(state, channel);
  if (compareTs(ts, u.lastRead) < 0) return state;
  const caughtUp = compareTs(ts, u.latest) >= 0;
  const next: Unread = caughtUp
    ? { ...u, lastRead: ts, hasUnreads: false, unreadCount: 0, mentionCount: 0 }
    : { ...u, lastRead: ts, hasUnreads: true };
  return { ...state, unreads: { ...state.unreads, [channel]: next } };
}

function applyMessageEvent(state: State, event: EventOf<"message">): State {
  const channel = channelIdOf(event);
  if (!channel) return state;
  switch (event.subtype) {
    case "message_changed": {
      const m = event.message;
      if (!m) return state;
      const tombstone = m.subtype === "tombstone";
      const next = changeMessageEverywhere(state, channel, m.ts, (old) =>
        tombstone ? { ...old, ...m, deleted: true, reactions: [], files: [], local: undefined } : { ...old, ...m, local: undefined },
      );
      if (isThreadReply(m) || next !== state) return next;
      // An edit of a message we have not loaded: nothing to show yet.
      return state;
    }
    case "message_deleted": {
      const ts = event.deleted_ts ?? event.previous_message?.ts;
      if (!ts) return state;
      return deleteMessage(state, channel, ts);
    }
    case "message_replied": {
      const parent = event.message;
      if (!parent) return state;
      return changeMessageEverywhere(state, channel, parent.ts, (old) => ({
        ...old,
        thread_ts: parent.thread_ts ?? old.thread_ts,
        reply_count: parent.reply_count ?? old.reply_count,
        reply_users: parent.reply_users ?? old.reply_users,
        latest_reply: parent.latest_reply ?? old.latest_reply,
      }));
    }
    default: {
      const { type: _t, seq: _s, channel: _c, ...rest } = event;
      void _t;
      void _s;
      void _c;
      const msg = { ...(rest as unknown as Message), type: "message" as const };
      if (!msg.ts) return state;
      return receiveMessage(state, channel, msg);
    }
  }
}

/** Deleted messages disappear, except a thread parent with replies, which leaves a marker. */
function deleteMessage(state: State, channel: string, ts: string): State {
  const log = state.logs[channel];
  const m = log ? findMessage(log.messages, ts) : undefined;
  let next = state;
  if (m && (m.reply_count ?? 0) > 0) {
    next = changeMessageEverywhere(next, channel, ts, (old) => ({
      ...old,
      deleted: true,
      text: "",
      html: undefined,
      reactions: [],
      files: [],
    }));
  } else {
    next = withLog(next, channel, (l) => {
      const messages = removeMessage(l.messages, ts);
      return messages === l.messages ? l : { ...l, messages };
    });
  }
  for (const key of Object.keys(next.threads)) {
    if (!key.startsWith(channel + "/") || key === threadKey(channel, ts)) continue;
    const thread = next.threads[key];
    const without = removeMessage(thread, ts);
    if (without !== thread) {
      next = { ...next, threads: { ...next.threads, [key]: without } };
      next = changeMessageEverywhere(next, channel, thread[0].ts, (p) => ({
        ...p,
        reply_count: Math.max(0, (p.reply_count ?? 1) - 1),
      }));
    }
  }
  return next;
}

function applyConversationEvent(state: State, event: RtmEvent): State {
  const id = channelIdOf(event);
  if (!id) return state;
  const existing = state.conversations[id];
  const fromEvent = "channel" in event && typeof event.channel === "object" ? event.channel : undefined;
  const self = state.self?.userId;
  const put = (c: Conversation): State => ({ ...state, conversations: { ...state.conversations, [id]: c } });
  switch (event.type) {
    case "channel_created":
      return put({ is_channel: !fromEvent?.is_private, is_member: false, ...existing, ...fromEvent, id });
    case "channel_joined":
    case "group_joined":
    case "im_created":
    case "mpim_joined":
      return put({ ...existing, ...fromEvent, id, is_member: true });
    case "channel_rename":
    case "group_rename":
      return put({ ...existing, ...fromEvent, id });
    case "channel_archive":
    case "group_archive":
      return put({ ...existing, id, is_archived: true });
    case "channel_unarchive":
    case "group_unarchive":
      return put({ ...existing, id, is_archived: false });
    case "channel_left":
    case "group_left":
      return put({ ...existing, id, is_member: false });
    case "channel_converted_to_private":
      return put({ ...existing, id, is_private: true, is_channel: false, is_group: true });
    case "member_joined_channel":
    case "member_left_channel": {
      const joined = event.type === "member_joined_channel";
      if (event.user === self) return put({ ...existing, id, is_member: joined });
      if (!existing || existing.num_members === undefined) return state;
      return put({ ...existing, num_members: Math.max(0, existing.num_members + (joined ? 1 : -1)) });
    }
    default:
      return state;
  }
}

function applyTopicChange(state: State, event: EventOf<"message">): State {
  // `channel_topic` arrives as a message subtype; keep the header in step.
  const id = channelIdOf(event);
  const topic = event.topic;
  if (!id || typeof topic !== "string" || !state.conversations[id]) return state;
  return {
    ...state,
    conversations: { ...state.conversations, [id]: { ...state.conversations[id], topic: { value: topic } } },
  };
}

export function applyEvent(state: State, event: RtmEvent, now = Date.now()): State {
  switch (event.type) {
    case "message": {
      let next = applyMessageEvent(state, event);
      if (event.subtype === "channel_topic" || event.subtype === "group_topic") next = applyTopicChange(next, event);
      const user = typeof event.user === "string" ? event.user : undefined;
      const channel = channelIdOf(event);
      if (user && channel && next.typing[channel]?.[user]) {
        const { [user]: _gone, ...rest } = next.typing[channel];
        void _gone;
        next = { ...next, typing: { ...next.typing, [channel]: rest } };
      }
      return next;
    }
    case "reaction_added":
    case "reaction_removed": {
      const item = event.item;
      const user = typeof event.user === "string" ? event.user : undefined;
      if (!item || item.type !== "message" || !item.ts || !user || !event.reaction) return state;
      const name = event.reaction;
      const change = event.type === "reaction_added" ? addReaction : removeReaction;
      return changeMessageEverywhere(state, item.channel, item.ts, (m) => change(m, name, user));
    }
    case "pin_added":
    case "pin_removed": {
      const channel = channelIdOf(event);
      const ts = event.item?.ts ?? event.item?.message?.ts;
      if (!channel || !ts) return state;
      const added = event.type === "pin_added";
      return changeMessageEverywhere(state, channel, ts, (m) => {
        const pins = (m.pinned_to ?? []).filter((c) => c !== channel);
        return { ...m, pinned_to: added ? [...pins, channel] : pins };
      });
    }
    case "channel_marked":
    case "group_marked":
    case "im_marked": {
      const channel = channelIdOf(event);
      return channel && event.ts ? markRead(state, channel, event.ts) : state;
    }
    case "user_change":
    case "team_join": {
      const user = event.user;
      if (!user || typeof user !== "object") return state;
      return { ...state, users: { ...state.users, [user.id]: { ...state.users[user.id], ...user } } };
    }
    case "presence_change": {
      const users = event.users ?? (typeof event.user === "string" ? [event.user] : []);
      if (!event.presence || users.length === 0) return state;
      const presence = { ...state.presence };
      for (const u of users) presence[u] = event.presence;
      return { ...state, presence };
    }
    case "user_typing": {
      const channel = channelIdOf(event);
      const user = typeof event.user === "string" ? event.user : undefined;
      if (!channel || !user || user === state.self?.userId) return state;
      return { ...state, typing: { ...state.typing, [channel]: { ...state.typing[channel], [user]: now + TYPING_MS } } };
    }
    default:
      return applyConversationEvent(state, event);
  }
}

function expireTyping(state: State, now: number): State {
  let changed = false;
  const typing: State["typing"] = {};
  for (const [channel, users] of Object.entries(state.typing)) {
    const live: Record<string, number> = {};
    for (const [user, until] of Object.entries(users)) {
      if (until > now) live[user] = until;
      else changed = true;
    }
    if (Object.keys(live).length) typing[channel] = live;
    else if (Object.keys(users).length) changed = true;
  }
  return changed ? { ...state, typing } : state;
}

function applyHistory(state: State, a: Extract<Action, { type: "history" }>): State {
  const log = state.logs[a.channel] ?? emptyLog;
  // A reset keeps what is newer than the page (live arrivals during the fetch) and local sends.
  const newest = a.messages.reduce<string | null>((top, m) => (top === null || compareTs(m.ts, top) > 0 ? m.ts : top), null);
  const base = a.reset ? log.messages.filter((m) => m.local || (newest !== null && compareTs(m.ts, newest) > 0) || (newest === null && !log.loaded)) : log.messages;
  const messages = mergeMessages(base, a.messages.filter((m) => !isThreadReply(m)));
  return {
    ...state,
    logs: {
      ...state.logs,
      [a.channel]: {
        messages,
        hasMoreOlder: a.hasMoreOlder ?? log.hasMoreOlder,
        hasMoreNewer: a.hasMoreNewer ?? (a.reset ? false : log.hasMoreNewer),
        loaded: true,
      },
    },
  };
}

function applyLocal(state: State, channel: string, message: Message): State {
  if (isThreadReply(message)) {
    const key = threadKey(channel, message.thread_ts as string);
    const thread = state.threads[key] ?? [];
    return { ...state, threads: { ...state.threads, [key]: upsertMessage(thread, message).messages } };
  }
  return withLog(state, channel, (log) => ({ ...log, messages: upsertMessage(log.messages, message).messages }));
}

function changeLocal(state: State, channel: string, threadTs: string | undefined, change: (m: Message[]) => Message[]): State {
  if (threadTs) return withThread(state, channel, threadTs, change);
  return withLog(state, channel, (log) => {
    const messages = change(log.messages);
    return messages === log.messages ? log : { ...log, messages };
  });
}

function setLocalStatus(messages: Message[], clientMsgId: string, status: "failed" | undefined, remove = false, sendError?: string): Message[] {
  const i = messages.findIndex((m) => m.local && m.client_msg_id === clientMsgId);
  if (i < 0) return messages;
  if (remove) return messages.slice(0, i).concat(messages.slice(i + 1));
  const copy = messages.slice();
  copy[i] = { ...copy[i], local: status ?? "sending", send_error: sendError };
  return copy;
}

export function reducer(state: State, action: Action): State {
  switch (action.type) {
    case "signedOut":
      return { ...initialState, connection: "connecting" };
    case "boot": {
      const unreads: Record<string, Unread> = {};
      for (const c of action.counts) unreads[c.id] = unreadFromCount(c);
      return {
        ...state,
        self: action.self,
        team: action.team,
        users: byId(action.users),
        conversations: byId(action.conversations),
        unreads,
      };
    }
    case "users":
      return { ...state, users: byId(action.users, state.users) };
    case "conversations":
      return { ...state, conversations: byId(action.conversations, state.conversations) };
    case "counts": {
      const unreads = { ...state.unreads };
      for (const c of action.counts) unreads[c.id] = unreadFromCount(c);
      return { ...state, unreads };
    }
    case "history":
      return applyHistory(state, action);
    case "replies": {
      const key = threadKey(action.channel, action.threadTs);
      const merged = mergeMessages(state.threads[key]?.filter((m) => m.local || m.ts === action.threadTs) ?? [], action.messages);
      return { ...state, threads: { ...state.threads, [key]: merged } };
    }
    case "localMessage":
      return applyLocal(state, action.channel, action.message);
    case "serverMessage":
      return receiveMessage(state, action.channel, action.message);
    case "sendFailed":
      return changeLocal(state, action.channel, action.threadTs, (m) => setLocalStatus(m, action.clientMsgId, "failed", false, action.permanentError));
    case "sendRetry":
      return changeLocal(state, action.channel, action.threadTs, (m) => setLocalStatus(m, action.clientMsgId, undefined));
    case "removeLocal":
      return changeLocal(state, action.channel, action.threadTs, (m) => setLocalStatus(m, action.clientMsgId, undefined, true));
    case "rtm":
      return applyEvent(state, action.event, action.now);
    case "view":
      return state.active === action.channel ? state : { ...state, active: action.channel };
    case "focus":
      return state.focused === action.focused ? state : { ...state, focused: action.focused };
    case "markedRead":
      return markRead(state, action.channel, action.ts);
    case "markedUnread": {
      // The one way the read cursor moves back: "Mark unread" from a message.
      const u = unreadOf(state, action.channel);
      return { ...state, unreads: { ...state.unreads, [action.channel]: { ...u, lastRead: action.ts, hasUnreads: true, unreadCount: Math.max(action.count, 1) } } };
    }
    case "connection":
      return state.connection === action.status ? state : { ...state, connection: action.status };
    case "presence":
      return { ...state, presence: { ...state.presence, [action.user]: action.presence } };
    case "expireTyping":
      return expireTyping(state, action.now);
    case "customEmoji":
      return { ...state, customEmoji: action.emoji };
    case "muted":
      return { ...state, muted: action.muted };
  }
}
