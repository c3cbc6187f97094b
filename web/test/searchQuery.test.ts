import { describe, expect, it } from "vitest";
import { applyHint, chipLabel, hintsFor, splitQuery, tokenize, withChip, withoutChip, wordAt } from "../src/lib/searchQuery";

const directory = {
  channels: [{ name: "general" }, { name: "design" }, { name: "dev-ops" }],
  people: [
    { handle: "ann", name: "Ann Lee" },
    { handle: "bob", name: "Bob Stone" },
  ],
};

describe("splitting a query", () => {
  it("keeps quoted phrases as one token", () => {
    expect(tokenize('budget "next quarter" -"old plan" in:#general')).toEqual(["budget", '"next quarter"', '-"old plan"', "in:#general"]);
  });

  it("separates filters from words", () => {
    const { chips, words } = splitQuery("launch in:#general -from:@bob has:link plan");
    expect(words).toBe("launch plan");
    expect(chips.map((c) => [c.key, c.value, c.negated])).toEqual([
      ["in", "#general", false],
      ["from", "@bob", true],
      ["has", "link", false],
    ]);
  });

  it("leaves unknown modifiers as words", () => {
    expect(splitQuery("type:pdf report").chips).toEqual([]);
  });

  it("labels chips for people", () => {
    const [a, b, c] = splitQuery("in:#general -from:@bob has:link").chips;
    expect(chipLabel(a)).toBe("in #general");
    expect(chipLabel(b)).toBe("not from @bob");
    expect(chipLabel(c)).toBe("has a link");
  });
});

describe("editing filters", () => {
  it("removes one chip", () => {
    expect(withoutChip("launch in:#general has:link", "in:#general")).toBe("launch has:link");
  });

  it("adds a chip once", () => {
    expect(withChip("launch", "has:link")).toBe("launch has:link");
    expect(withChip("launch has:link", "has:link")).toBe("launch has:link");
  });

  it("replaces the date range rather than stacking ranges", () => {
    expect(withChip("launch after:2024-01-01 in:#general", "on:today")).toBe("launch in:#general on:today");
  });
});

describe("hints while typing", () => {
  it("offers every filter for an empty word and narrows by prefix", () => {
    expect(hintsFor("", directory).length).toBeGreaterThan(5);
    expect(hintsFor("ha", directory).map((h) => h.insert)).toEqual(["has:link", "has:reaction", "has:pin"]);
  });

  it("offers channels after in:#", () => {
    expect(hintsFor("in:#de", directory).map((h) => h.insert)).toEqual(["in:#design", "in:#dev-ops"]);
    expect(hintsFor("-in:gen", directory).map((h) => h.insert)).toEqual(["-in:#general"]);
  });

  it("offers people after from:@ by handle or by any word of their name", () => {
    expect(hintsFor("from:@a", directory).map((h) => h.insert)).toEqual(["from:@ann"]);
    expect(hintsFor("from:st", directory).map((h) => h.insert)).toEqual(["from:@bob"]);
  });

  it("offers day words after a date filter", () => {
    expect(hintsFor("on:y", directory).map((h) => h.insert)).toEqual(["on:yesterday"]);
    expect(hintsFor("during:m", directory).map((h) => h.insert)).toEqual(["during:month"]);
  });

  it("replaces the word at the caret", () => {
    expect(wordAt("launch in:#de now", 12)).toEqual({ start: 7, end: 13, word: "in:#de" });
    const next = applyHint("launch in:#de", 13, { insert: "in:#design", label: "", detail: "" });
    expect(next).toEqual({ query: "launch in:#design ", caret: 18 });
    const open = applyHint("launch i", 8, { insert: "in:#", label: "", detail: "" });
    expect(open).toEqual({ query: "launch in:#", caret: 11 });
  });
});
