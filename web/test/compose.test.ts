import { describe, expect, it } from "vitest";
import type { Conversation, User } from "../src/api/types";
import { applyCompletion, decodeMessage, encodeMessage, findTrigger, plainText, prefixLines, splitHighlights, stripEmphasis, wrapSelection } from "../src/lib/compose";
import { emojiGlyph, emojify, resolveCustom, searchEmoji } from "../src/lib/emoji";
import { parseRoute } from "../src/lib/router";
import { compareTs, localTsAfter, permalinkPath, tsFromPermalinkSegment } from "../src/lib/ts";

const users: User[] = [
  { id: "U1", name: "alice", profile: { display_name: "Alice" } },
  { id: "U2", name: "bob.smith" },
];
const channels: Conversation[] = [{ id: "C1", name: "general", is_channel: true }];
const usersById = Object.fromEntries(users.map((u) => [u.id, u]));
const channelsById = Object.fromEntries(channels.map((c) => [c.id, c]));

describe("autocomplete triggers", () => {
  it("finds @, # and :emoji triggers at the caret", () => {
    expect(findTrigger("hi @al", 6)).toEqual({ kind: "user", query: "al", start: 3 });
    expect(findTrigger("see #gen", 8)).toEqual({ kind: "channel", query: "gen", start: 4 });
    expect(findTrigger("nice :ta", 8)).toEqual({ kind: "emoji", query: "ta", start: 5 });
    expect(findTrigger("nice :t", 7)).toBeNull();
    expect(findTrigger("mail a@b", 8)).toBeNull();
    expect(findTrigger("time 10:30", 10)).toBeNull();
  });

  it("replaces the trigger with the completion and a space", () => {
    const t = findTrigger("hi @al there", 6)!;
    expect(applyCompletion("hi @al there", 6, t, "@alice")).toEqual({ text: "hi @alice there", caret: 9 });
  });
});

describe("message text", () => {
  it("escapes &<> and links known mentions and channels, not inside code", () => {
    const text = encodeMessage("hey @alice & @bob.smith, see #general <b> `@alice` @nobody @here", users, channels);
    expect(text).toBe("hey <@U1> &amp; <@U2>, see <#C1|general> &lt;b&gt; `@alice` @nobody <!here>");
  });

  it("decodes Slack markup back for editing", () => {
    expect(decodeMessage("hi <@U1> in <#C1|general> &lt;3 <!channel> <https://x.org|site>", usersById, channelsById)).toBe("hi @alice in #general <3 @channel site");
  });

  it("round-trips what the composer sent", () => {
    const typed = "ping @alice about #general & <stuff>";
    expect(decodeMessage(encodeMessage(typed, users, channels), usersById, channelsById)).toBe(typed);
  });

  it("gives readable plain text for previews", () => {
    expect(plainText("<!subteam^S1|@devs> hi <@U2>", usersById, channelsById)).toBe("@devs hi @bob.smith");
  });

  it("splits search highlights", () => {
    expect(splitHighlights("a \uE000word\uE001 b")).toEqual([
      { text: "a ", mark: false },
      { text: "word", mark: true },
      { text: " b", mark: false },
    ]);
  });

  it("wraps selections and prefixes lines for the toolbar", () => {
    expect(wrapSelection("make bold", 5, 9, "*")).toEqual({ text: "make *bold*", start: 6, end: 10 });
    expect(prefixLines("a\nb", 0, 3, "> ").text).toBe("> a\n> b");
  });
});

describe("emoji", () => {
  it("resolves names, aliases and custom emoji", () => {
    expect(emojiGlyph("thumbsup")).toEqual({ kind: "unicode", char: "👍" });
    expect(emojiGlyph(":tada:")).toEqual({ kind: "unicode", char: "🎉" });
    const custom = resolveCustom({ parrot: "/emoji/parrot.gif", partyparrot: "alias:parrot", yay: "alias:tada" });
    expect(emojiGlyph("partyparrot", custom)).toEqual({ kind: "image", url: "/emoji/parrot.gif" });
    expect(emojiGlyph("yay", custom)).toEqual({ kind: "unicode", char: "🎉" });
    expect(emojiGlyph("nope")).toEqual({ kind: "unknown", name: "nope" });
  });

  it("completes and replaces codes in text", () => {
    expect(searchEmoji("thumbs")).toEqual(["+1", "-1"]);
    expect(searchEmoji("tad")[0]).toBe("tada");
    expect(emojify("done :white_check_mark: at 10:30 :nope:")).toBe("done ✅ at 10:30 :nope:");
  });
});

describe("ts and routes", () => {
  it("orders ts exactly and makes local ts after the newest", () => {
    expect(compareTs("1700000000.000100", "1700000000.000099")).toBeGreaterThan(0);
    expect(localTsAfter("1700000000.999999", 1000)).toBe("1700000001.000000");
    expect(localTsAfter("1.000000", 5_000_123)).toBe("5000.123000");
  });

  it("parses permalinks and client routes", () => {
    expect(tsFromPermalinkSegment("p1700000000000100")).toBe("1700000000.000100");
    expect(permalinkPath("C1", "1700000000.000100")).toBe("/archives/C1/p1700000000000100");
    expect(parseRoute("/archives/C1/p1700000000000100", "?thread_ts=1700000000.000001&cid=C1")).toEqual({ name: "permalink", channel: "C1", ts: "1700000000.000100", threadTs: "1700000000.000001" });
    expect(parseRoute("/client/T1/C1/thread/1.000000", "")).toEqual({ name: "client", channel: "C1", threadTs: "1.000000" });
    expect(parseRoute("/invite/abc", "")).toEqual({ name: "invite", code: "abc" });
    expect(parseRoute("/signin", "?domain=acme&email=a%40b.c")).toEqual({ name: "signin", domain: "acme", email: "a@b.c" });
    expect(parseRoute("/", "")).toEqual({ name: "root" });
  });
});

describe("previews", () => {
  it("drops emphasis markers around words, highlights included", () => {
    expect(stripEmphasis("the *\uE000mockups\uE001* are _ready_, ~not~ 2*3*4")).toBe("the \uE000mockups\uE001 are ready, not 2*3*4");
  });
});
