import standardNames from "../../src/parley/features/emoji/standard_names.txt?raw";
import emojibaseNames from "../../src/parley/features/emoji/emojibase_names.txt?raw";
import data from "../src/lib/emoji-data.json";
import { beforeAll, describe, expect, it } from "vitest";
import { emojiGlyph, searchEmoji, takesSkinTone } from "../src/lib/emoji";
import { unpackEmojiSet, type EmojiSet, type RawSet } from "../src/lib/emojiFull";
import { tonedName } from "../src/components/EmojiPicker";

let set: EmojiSet;
beforeAll(() => {
  set = unpackEmojiSet(data as RawSet);
});

const serverNames = new Set(
  [standardNames, emojibaseNames]
    .flatMap((text) => text.split("\n"))
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#")),
);

describe("the full emoji set", () => {
  it("has categories and well over a thousand emoji, every name one the server accepts", () => {
    expect(set.categories.map((c) => c.id)).toEqual(["smileys-emotion", "people-body", "animals-nature", "food-drink", "travel-places", "activities", "objects", "symbols", "flags"]);
    expect(set.emoji.length).toBeGreaterThan(1800);
    const unknown = set.emoji.flatMap((e) => e.names).filter((n) => !serverNames.has(n));
    expect(unknown).toEqual([]);
  });

  it("resolves :shortcode: of emoji outside the compact set once loaded", () => {
    expect(emojiGlyph("flag-fr")).toEqual({ kind: "unicode", char: "🇫🇷" });
    expect(emojiGlyph("fr")).toEqual({ kind: "unicode", char: "🇫🇷" });
    expect(emojiGlyph("giraffe")).toEqual({ kind: "unicode", char: "🦒" });
  });

  it("searches shortcodes first, then keywords", () => {
    expect(searchEmoji("giraf", {}, 5)).toContain("giraffe");
    // "lol" is a keyword of smile, not part of any name.
    const lol = searchEmoji("lol", {}, 50);
    expect(lol).toContain("smile");
    // Name matches come before keyword matches.
    const cat = searchEmoji("cat", {}, 400);
    expect(cat[0]).toBe("cat");
    const firstByKeyword = cat.findIndex((n) => !n.includes("cat"));
    expect(firstByKeyword).toBeGreaterThan(0);
    expect(cat.slice(firstByKeyword).some((n) => n.includes("cat"))).toBe(false);
    expect(searchEmoji("roar", {}, 10)).toContain("lion_face");
    expect(searchEmoji("party", { partyparrot: "https://img.example/p.gif" }, 5)[0]).toBe("partyparrot");
  });

  it("applies a skin tone only where the emoji takes one", () => {
    expect(takesSkinTone("wave")).toBe(true);
    expect(takesSkinTone("thumbsup")).toBe(true);
    expect(takesSkinTone("tada")).toBe(false);
    expect(tonedName("wave", 3)).toBe("wave::skin-tone-3");
    expect(tonedName("tada", 3)).toBe("tada");
    expect(tonedName("wave", 1)).toBe("wave");
    expect(emojiGlyph("wave::skin-tone-6")).toEqual({ kind: "unicode", char: "👋🏿" });
    expect(emojiGlyph("+1::skin-tone-2")).toEqual({ kind: "unicode", char: "👍🏻" });
  });
});
