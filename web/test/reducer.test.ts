import { describe, expect, it } from "vitest";
import type { Message, RtmEvent } from "../src/api/types";
import { type Action, applyEvent, initialState, reducer, type State, threadKey, unreadOf } from "../src/state/reducer";

const SELF = "UME";
const m = (ts: string, extra: Partial<Message> = {}): Message => ({ type: "message", ts, text: "hi", user: "UOTHER", ...extra });

function boot(): State {
  let s = reducer(initialState, {
    type: "boot",
    self: { userId: SELF, teamId: "T1" },
    team: { id: "T1", name: "Acme", domain: "acme" },
    users: [{ id: SELF, name: "me" }, { id: "UOTHER", name: "other" }],
    conversations: [
      { id: "C1", name: "general", is_channel: true, is_member: true },
      { id: "C2", name: "random", is_channel: true, is_member: true },
      { id: "D1", is_im: true, user: "UOTHER", is_member: true },
    ],
    counts: [{ id: "C1", last_read: "10.000000", latest: "10.000000", mention_count: 0, has_unreads: false }],
  });
  s = reducer(s, { type: "history", channel: "C1", messages: [m("10.000000"), m("9.000000")], hasMoreOlder: true, reset: true });
  return s;
}

const run = (s: State, ...actions: Action[]) => actions.reduce(reducer, s);
const ev = (event: RtmEvent): Action => ({ type: "rtm", event });
const tsList = (s: State, c = "C1") => s.logs[c].messages.map((x) => x.ts);

describe("message events", () => {
  it("appends a new message once even when the event is replayed", () => {
    const e = ev({ type: "message", channel: "C1", ts: "11.000000", user: "UOTHER", text: "yo", seq: 5 });
    const s = run(boot(), e, e);
    expect(tsList(s)).toEqual(["9.000000", "10.000000", "11.000000"]);
  });

  it("keeps messages in ts order when events arrive out of order", () => {
    const s = run(
      boot(),
      ev({ type: "message", channel: "C1", ts: "13.000000", user: "UOTHER", text: "c" }),
      ev({ type: "message", channel: "C1", ts: "12.000000", user: "UOTHER", text: "b" }),
    );
    expect(tsList(s)).toEqual(["9.000000", "10.000000", "12.000000", "13.000000"]);
  });

  it("applies edits and deletions", () => {
    let s = run(boot(), ev({ type: "message", subtype: "message_changed", channel: "C1", message: m("10.000000", { text: "edited", edited: { user: "UOTHER", ts: "12.0" } }) }));
    expect(s.logs.C1.messages[1].text).toBe("edited");
    s = run(s, ev({ type: "message", subtype: "message_deleted", channel: "C1", deleted_ts: "10.000000" }));
    expect(tsList(s)).toEqual(["9.000000"]);
  });

  it("turns a tombstone into a deleted marker that keeps its place", () => {
    const s = run(boot(), ev({ type: "message", subtype: "message_changed", channel: "C1", message: m("10.000000", { subtype: "tombstone", text: "This message was deleted." }) }));
    expect(s.logs.C1.messages[1].deleted).toBe(true);
    expect(tsList(s)).toEqual(["9.000000", "10.000000"]);
  });

  it("does not append to a log that was opened on older history", () => {
    let s = run(boot(), { type: "history", channel: "C2", messages: [m("1.0")], hasMoreOlder: false, hasMoreNewer: true, reset: true });
    s = run(s, ev({ type: "message", channel: "C2", ts: "50.000000", user: "UOTHER", text: "x" }));
    expect(tsList(s, "C2")).toEqual(["1.0"]);
    expect(unreadOf(s, "C2").hasUnreads).toBe(true);
  });
});

describe("threads", () => {
  it("routes replies to the thread and updates the parent summary idempotently", () => {
    let s = run(boot(), { type: "replies", channel: "C1", threadTs: "10.000000", messages: [m("10.000000", { thread_ts: "10.000000" })] });
    const reply = ev({ type: "message", channel: "C1", ts: "11.000000", thread_ts: "10.000000", user: "UOTHER", text: "r" });
    s = run(s, reply, reply);
    expect(s.threads[threadKey("C1", "10.000000")].map((x) => x.ts)).toEqual(["10.000000", "11.000000"]);
    const parent = s.logs.C1.messages[1];
    expect(parent.reply_count).toBe(1);
    expect(parent.reply_users).toEqual(["UOTHER"]);
    expect(tsList(s)).toEqual(["9.000000", "10.000000"]);
  });

  it("takes reply counts from message_replied", () => {
    const s = run(boot(), ev({ type: "message", subtype: "message_replied", channel: "C1", message: m("10.000000", { thread_ts: "10.000000", reply_count: 7, latest_reply: "15.0", reply_users: ["UOTHER"] }) }));
    expect(s.logs.C1.messages[1].reply_count).toBe(7);
  });
});

describe("reactions and pins", () => {
  it("adds a user's reaction once and removes it", () => {
    const add = ev({ type: "reaction_added", user: "UOTHER", reaction: "tada", item: { type: "message", channel: "C1", ts: "10.000000" } });
    let s = run(boot(), add, add);
    expect(s.logs.C1.messages[1].reactions).toEqual([{ name: "tada", users: ["UOTHER"], count: 1 }]);
    s = run(s, ev({ type: "reaction_added", user: SELF, reaction: "tada", item: { type: "message", channel: "C1", ts: "10.000000" } }));
    expect(s.logs.C1.messages[1].reactions?.[0].count).toBe(2);
    s = run(s, ev({ type: "reaction_removed", user: "UOTHER", reaction: "tada", item: { type: "message", channel: "C1", ts: "10.000000" } }));
    s = run(s, ev({ type: "reaction_removed", user: SELF, reaction: "tada", item: { type: "message", channel: "C1", ts: "10.000000" } }));
    expect(s.logs.C1.messages[1].reactions).toEqual([]);
  });

  it("marks pinned messages", () => {
    const s = run(boot(), ev({ type: "pin_added", channel_id: "C1", item: { type: "message", channel: "C1", ts: "9.000000" } }));
    expect(s.logs.C1.messages[0].pinned_to).toEqual(["C1"]);
  });
});

describe("unread state", () => {
  it("counts messages in other conversations, mentions separately", () => {
    let s = run(boot(), { type: "view", channel: "C1" });
    s = run(
      s,
      ev({ type: "message", channel: "C2", ts: "20.000000", user: "UOTHER", text: "hello" }),
      ev({ type: "message", channel: "C2", ts: "21.000000", user: "UOTHER", text: `hey <@${SELF}>` }),
      ev({ type: "message", channel: "C2", ts: "21.000000", user: "UOTHER", text: `hey <@${SELF}>` }),
    );
    const u = unreadOf(s, "C2");
    expect(u.hasUnreads).toBe(true);
    expect(u.unreadCount).toBe(2);
    expect(u.mentionCount).toBe(1);
  });

  it("counts every direct message as a mention", () => {
    const s = run(boot(), { type: "view", channel: "C1" }, ev({ type: "message", channel: "D1", ts: "20.000000", user: "UOTHER", text: "psst" }));
    expect(unreadOf(s, "D1").mentionCount).toBe(1);
  });

  it("does not count the conversation you are looking at", () => {
    const s = run(boot(), { type: "view", channel: "C1" }, ev({ type: "message", channel: "C1", ts: "20.000000", user: "UOTHER", text: "x" }));
    expect(unreadOf(s, "C1").hasUnreads).toBe(false);
    expect(unreadOf(s, "C1").latest).toBe("20.000000");
  });

  it("counts the open conversation while the window is in the background", () => {
    const s = run(boot(), { type: "view", channel: "C1" }, { type: "focus", focused: false }, ev({ type: "message", channel: "C1", ts: "20.000000", user: "UOTHER", text: "x" }));
    expect(unreadOf(s, "C1").unreadCount).toBe(1);
  });

  it("clears on channel_marked from another tab, and on your own message", () => {
    let s = run(boot(), { type: "view", channel: "C1" }, ev({ type: "message", channel: "C2", ts: "20.000000", user: "UOTHER", text: "x" }));
    s = run(s, ev({ type: "channel_marked", channel: "C2", ts: "20.000000" }));
    expect(unreadOf(s, "C2")).toMatchObject({ hasUnreads: false, unreadCount: 0, mentionCount: 0 });
    s = run(s, ev({ type: "message", channel: "C2", ts: "21.000000", user: "UOTHER", text: "y" }));
    s = run(s, ev({ type: "message", channel: "C2", ts: "22.000000", user: SELF, text: "mine" }));
    expect(unreadOf(s, "C2").hasUnreads).toBe(false);
  });

  it("keeps unreads when marked only part of the way", () => {
    let s = run(boot(), { type: "view", channel: "C1" }, ev({ type: "message", channel: "C2", ts: "20.000000", user: "UOTHER", text: "x" }), ev({ type: "message", channel: "C2", ts: "21.000000", user: "UOTHER", text: "y" }));
    s = run(s, { type: "markedRead", channel: "C2", ts: "20.000000" });
    expect(unreadOf(s, "C2").hasUnreads).toBe(true);
  });
});

describe("optimistic sending", () => {
  const local = m("99.000000", { user: SELF, local: "sending", client_msg_id: "cid-1" });

  it("shows a local message at once and swaps in the server copy", () => {
    let s = run(boot(), { type: "localMessage", channel: "C1", message: local });
    expect(s.logs.C1.messages.at(-1)?.local).toBe("sending");
    s = run(s, { type: "serverMessage", channel: "C1", message: m("11.000000", { user: SELF, client_msg_id: "cid-1" }) });
    expect(tsList(s)).toEqual(["9.000000", "10.000000", "11.000000"]);
    expect(s.logs.C1.messages.some((x) => x.local)).toBe(false);
  });

  it("reconciles when the RTM echo arrives before the HTTP answer", () => {
    let s = run(boot(), { type: "localMessage", channel: "C1", message: local });
    s = run(s, ev({ type: "message", channel: "C1", ts: "11.000000", user: SELF, text: "hi", client_msg_id: "cid-1" }));
    s = run(s, { type: "serverMessage", channel: "C1", message: m("11.000000", { user: SELF, client_msg_id: "cid-1" }) });
    expect(tsList(s)).toEqual(["9.000000", "10.000000", "11.000000"]);
  });

  it("marks failures, retries and discards", () => {
    let s = run(boot(), { type: "localMessage", channel: "C1", message: local }, { type: "sendFailed", channel: "C1", clientMsgId: "cid-1" });
    expect(s.logs.C1.messages.at(-1)?.local).toBe("failed");
    s = run(s, { type: "sendRetry", channel: "C1", clientMsgId: "cid-1" });
    expect(s.logs.C1.messages.at(-1)?.local).toBe("sending");
    s = run(s, { type: "removeLocal", channel: "C1", clientMsgId: "cid-1" });
    expect(tsList(s)).toEqual(["9.000000", "10.000000"]);
  });

  it("keeps pending messages through a history reload", () => {
    let s = run(boot(), { type: "localMessage", channel: "C1", message: local });
    s = run(s, { type: "history", channel: "C1", messages: [m("10.000000")], hasMoreOlder: true, reset: true });
    expect(s.logs.C1.messages.at(-1)?.client_msg_id).toBe("cid-1");
  });
});

describe("people and conversations", () => {
  it("tracks typing with expiry and drops it when the message arrives", () => {
    let s = applyEvent(boot(), { type: "user_typing", channel: "C1", user: "UOTHER" }, 1000);
    expect(Object.keys(s.typing.C1)).toEqual(["UOTHER"]);
    s = reducer(s, { type: "expireTyping", now: 2000 });
    expect(Object.keys(s.typing.C1)).toEqual(["UOTHER"]);
    s = reducer(s, { type: "expireTyping", now: 100000 });
    expect(s.typing.C1).toBeUndefined();
    s = applyEvent(s, { type: "user_typing", channel: "C1", user: "UOTHER" }, 1000);
    s = applyEvent(s, { type: "message", channel: "C1", ts: "30.0", user: "UOTHER", text: "done" });
    expect(s.typing.C1.UOTHER).toBeUndefined();
  });

  it("applies presence, profile changes and channel lifecycle", () => {
    let s = run(boot(), ev({ type: "presence_change", user: "UOTHER", presence: "away" }));
    expect(s.presence.UOTHER).toBe("away");
    s = run(s, ev({ type: "user_change", user: { id: "UOTHER", name: "other", profile: { display_name: "Otto" } } }));
    expect(s.users.UOTHER.profile?.display_name).toBe("Otto");
    s = run(s, ev({ type: "channel_created", channel: { id: "C9", name: "new" } }));
    expect(s.conversations.C9).toMatchObject({ name: "new", is_member: false });
    s = run(s, ev({ type: "member_joined_channel", channel: "C9", user: SELF }));
    expect(s.conversations.C9.is_member).toBe(true);
    s = run(s, ev({ type: "channel_rename", channel: { id: "C9", name: "renamed" } }));
    expect(s.conversations.C9.name).toBe("renamed");
    s = run(s, ev({ type: "channel_archive", channel: "C9", user: SELF }));
    expect(s.conversations.C9.is_archived).toBe(true);
  });

  it("ignores events it does not know", () => {
    const s = boot();
    // A newer server may send types this client was not generated with.
    expect(applyEvent(s, { type: "something_new" } as unknown as RtmEvent)).toBe(s);
  });
});

describe("history racing live events", () => {
  it("keeps a message that arrived while the first page was in flight", () => {
    let s = reducer(boot(), ev({ type: "message", channel: "C2", ts: "30.000000", user: "UOTHER", text: "live" }));
    s = reducer(s, { type: "history", channel: "C2", messages: [m("20.000000")], hasMoreOlder: false, reset: true });
    expect(tsList(s, "C2")).toEqual(["20.000000", "30.000000"]);
  });

  it("a reset drops what the new page replaces", () => {
    let s = reducer(boot(), { type: "history", channel: "C2", messages: [m("1.000000"), m("2.000000")], hasMoreOlder: false, reset: true });
    s = reducer(s, { type: "history", channel: "C2", messages: [m("2.000000"), m("3.000000")], hasMoreOlder: true, reset: true });
    expect(tsList(s, "C2")).toEqual(["2.000000", "3.000000"]);
  });
});
