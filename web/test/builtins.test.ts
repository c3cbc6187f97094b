import { describe, expect, it } from "vitest";
import { BUILTIN_COMMANDS, builtinErrorText, CommandError, isBuiltin, leadingMention, parseDnd, parseInvite, parseStatus } from "../src/lib/builtins";

describe("built-in slash commands", () => {
  it("lists the commands the brief names", () => {
    for (const c of ["/invite", "/topic", "/leave", "/me", "/shrug", "/status", "/dnd", "/msg"]) expect(isBuiltin(c)).toBe(true);
    expect(isBuiltin("/echo")).toBe(false);
    expect(BUILTIN_COMMANDS.every((c) => c.description)).toBe(true);
  });

  it("parses /invite people and channel", () => {
    expect(parseInvite("@bob @carol #design")).toEqual({ handles: ["bob", "carol"], channel: "design" });
    expect(parseInvite("<@U1> <#C2|x>")).toEqual({ handles: ["U1"], channel: "C2" });
    expect(() => parseInvite("#design")).toThrow(CommandError);
    expect(() => parseInvite("bob")).toThrow(/not a person/);
  });

  it("parses /status and /status clear", () => {
    expect(parseStatus(":coffee: Out for lunch")).toEqual({ emoji: ":coffee:", text: "Out for lunch" });
    expect(parseStatus("clear")).toEqual({ emoji: "", text: "" });
    expect(parseStatus("Busy")).toEqual({ emoji: ":speech_balloon:", text: "Busy" });
    expect(() => parseStatus("x".repeat(101))).toThrow(CommandError);
  });

  it("parses /dnd durations", () => {
    expect(parseDnd("30 minutes")).toBe(30);
    expect(parseDnd("2 hours")).toBe(120);
    expect(parseDnd("1h")).toBe(60);
    expect(parseDnd("45")).toBe(45);
    expect(parseDnd("off")).toBe("off");
    expect(() => parseDnd("soon")).toThrow(CommandError);
    expect(() => parseDnd("30 fortnights")).toThrow(CommandError);
  });

  it("splits /msg's person from the text", () => {
    expect(leadingMention("@bob hello there")).toEqual({ handle: "bob", rest: "hello there" });
    expect(leadingMention("hello")).toBeNull();
  });

  it("explains errors in words", () => {
    expect(builtinErrorText("/dnd", "unknown_method")).toMatch(/not available/);
    expect(builtinErrorText("/leave", "cant_leave_general")).toMatch(/general/);
  });
});

import { remindOptions, shareAttachment, tsJustBefore } from "../src/lib/share";

describe("message actions helpers", () => {
  it("steps a ts back by one microsecond", () => {
    expect(tsJustBefore("1700000000.000100")).toBe("1700000000.000099");
    expect(tsJustBefore("1700000000.000000")).toBe("1699999999.999999");
  });
  it("offers reminder times in the future", () => {
    const now = new Date(2026, 0, 7, 15, 0);
    const options = remindOptions(now);
    expect(options.every((o) => o.time > now.getTime() / 1000)).toBe(true);
    expect(new Date(options[4].time * 1000).getDay()).toBe(1);
  });
  it("quotes the original in a shared message", () => {
    const a = shareAttachment({ type: "message", ts: "1.000001", user: "U1", text: "hi" }, "C1", "https://x/p1", "alice", "general");
    expect(a).toMatchObject({ is_share: true, text: "hi", author_name: "alice", channel_id: "C1", footer: "Posted in #general", from_url: "https://x/p1" });
  });
});

import { EmojiPrefs, parseTone, toneChar, withTone } from "../src/lib/emojiPrefs";

describe("emoji picker memory", () => {
  it("adds Slack's skin tone suffix only where it applies", () => {
    expect(withTone("+1", 3)).toBe("+1::skin-tone-3");
    expect(withTone("tada", 3)).toBe("tada");
    expect(withTone("+1", 0)).toBe("+1");
    expect(parseTone("+1::skin-tone-5")).toEqual({ base: "+1", tone: 5 });
    expect(toneChar("✌️", 2)).toBe("✌🏻");
  });
  it("remembers the tone and recently used emoji per person", () => {
    const map = new Map<string, string>();
    const store = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    const alice = new EmojiPrefs("T1:U1", store);
    alice.tone = 4;
    alice.used("tada");
    alice.used("+1::skin-tone-4");
    alice.used("tada");
    expect(alice.tone).toBe(4);
    expect(alice.recent()).toEqual(["tada", "+1"]);
    expect(new EmojiPrefs("T1:U2", store).recent()).toEqual([]);
  });
});

import { emojify } from "../src/lib/emoji";

describe("emoji with skin tones in text", () => {
  it("renders Slack's skin tone codes", () => {
    expect(emojify("thanks :pray::skin-tone-3:")).toBe("thanks 🙏🏼");
    expect(emojify(":tada:")).toBe("🎉");
  });
});
