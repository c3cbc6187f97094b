import { describe, expect, it } from "vitest";
import { blocksToDoc, docToBlocks, docToMrkdwn, findRichText, mrkdwnToDoc } from "../src/lib/richtext";
import { MESSAGE_COUNTER_FROM, MESSAGE_TEXT_LIMIT, characterCount } from "../src/lib/limits";
import { CORPUS, TYPED } from "./richtext.corpus";

describe("richtext corpus", () => {
  it("has at least 40 cases", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
  });

  for (const c of CORPUS) {
    describe(c.name, () => {
      const doc = mrkdwnToDoc(c.mrkdwn);
      if (c.doc) {
        it("parses to the expected document", () => {
          expect(doc).toEqual(c.doc);
        });
      }
      it("mrkdwn → doc → mrkdwn is exact", () => {
        expect(docToMrkdwn(doc)).toBe(c.mrkdwn);
      });
      it("doc → rich_text → doc is exact", () => {
        const blocks = JSON.parse(JSON.stringify(docToBlocks(doc)));
        expect(blocksToDoc(blocks)).toEqual(doc);
      });
      it("rich_text → mrkdwn gives the same text", () => {
        expect(docToMrkdwn(blocksToDoc(docToBlocks(doc)))).toBe(c.mrkdwn);
      });
    });
  }

  for (const c of TYPED) {
    it(`typed: ${c.name}`, () => {
      expect(docToMrkdwn(mrkdwnToDoc(c.typed))).toBe(c.canonical);
    });
  }
});

describe("rich_text shape", () => {
  it("uses Slack's element names and styles", () => {
    const block = docToBlocks(mrkdwnToDoc("*hi* <@U1>\n• a\n    ◦ b\n```\nx\n```\n&gt; q"));
    expect(block).toEqual({
      type: "rich_text",
      elements: [
        { type: "rich_text_section", elements: [{ type: "text", text: "hi", style: { bold: true } }, { type: "text", text: " " }, { type: "user", user_id: "U1" }] },
        { type: "rich_text_list", style: "bullet", indent: 0, elements: [{ type: "rich_text_section", elements: [{ type: "text", text: "a" }] }] },
        { type: "rich_text_list", style: "bullet", indent: 1, elements: [{ type: "rich_text_section", elements: [{ type: "text", text: "b" }] }] },
        { type: "rich_text_preformatted", elements: [{ type: "text", text: "x" }] },
        { type: "rich_text_quote", elements: [{ type: "text", text: "q" }] },
      ],
    });
  });

  it("reads Slack's own blocks (unknown elements skipped)", () => {
    const doc = blocksToDoc({
      type: "rich_text",
      elements: [{ type: "rich_text_section", elements: [{ type: "text", text: "a" }, { type: "date", text: "x" }, { type: "link", url: "https://e.test" }] }],
    });
    expect(docToMrkdwn(doc)).toBe("a<https://e.test>");
  });

  it("finds the rich_text block among a message's blocks", () => {
    expect(findRichText([{ type: "divider" }, { type: "rich_text", elements: [] }])).toEqual({ type: "rich_text", elements: [] });
    expect(findRichText(undefined)).toBeNull();
  });
});

describe("message limit", () => {
  it("counts code points like the server", () => {
    expect(characterCount("👍🏽a")).toBe(3);
    expect(MESSAGE_COUNTER_FROM).toBeLessThan(MESSAGE_TEXT_LIMIT);
  });
});

describe("documents the editor builds", () => {
  const t = (text: string, marks = {}) => ({ kind: "text" as const, text, marks });
  it("keeps markers inside a line and spaces outside them", () => {
    const doc = [{ kind: "paragraph" as const, inlines: [t("one \ntwo ", { bold: true }), t("end")] }];
    expect(docToMrkdwn(doc)).toBe("*one* \n*two* end");
  });
  it("nests marks that overlap partly", () => {
    const doc = [{ kind: "paragraph" as const, inlines: [t("a", { bold: true }), t("b", { bold: true, italic: true }), t("c", { italic: true })] }];
    expect(docToMrkdwn(doc)).toBe("*a_b_*_c_");
  });
});
