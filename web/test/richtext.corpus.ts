// Round-trip corpus for web/src/lib/richtext: each `mrkdwn` is in canonical form (what the
// serializer writes), so mrkdwn → doc → mrkdwn and doc → rich_text → doc must both be exact.
// `doc` (optional) pins what the parser must produce.
import type { Doc } from "../src/lib/richtext";

export interface CorpusCase {
  name: string;
  mrkdwn: string;
  doc?: Doc;
}

const t = (text: string, marks = {}) => ({ kind: "text" as const, text, marks });

export const CORPUS: CorpusCase[] = [
  { name: "plain", mrkdwn: "hello world", doc: [{ kind: "paragraph", inlines: [t("hello world")] }] },
  { name: "bold", mrkdwn: "*bold*", doc: [{ kind: "paragraph", inlines: [t("bold", { bold: true })] }] },
  { name: "italic", mrkdwn: "_italic_", doc: [{ kind: "paragraph", inlines: [t("italic", { italic: true })] }] },
  { name: "strike", mrkdwn: "~gone~", doc: [{ kind: "paragraph", inlines: [t("gone", { strike: true })] }] },
  { name: "inline code", mrkdwn: "run `make test` now", doc: [{ kind: "paragraph", inlines: [t("run "), t("make test", { code: true }), t(" now")] }] },
  { name: "bold in sentence", mrkdwn: "a *big* deal", doc: [{ kind: "paragraph", inlines: [t("a "), t("big", { bold: true }), t(" deal")] }] },
  { name: "bold italic nested", mrkdwn: "*_both_*", doc: [{ kind: "paragraph", inlines: [t("both", { bold: true, italic: true })] }] },
  { name: "bold with italic inside", mrkdwn: "*very _much_ so*", doc: [{ kind: "paragraph", inlines: [t("very ", { bold: true }), t("much", { bold: true, italic: true }), t(" so", { bold: true })] }] },
  { name: "all marks", mrkdwn: "*_~`x`~_*", doc: [{ kind: "paragraph", inlines: [t("x", { bold: true, italic: true, strike: true, code: true })] }] },
  { name: "bold code", mrkdwn: "*`cfg`*", doc: [{ kind: "paragraph", inlines: [t("cfg", { bold: true, code: true })] }] },
  { name: "punctuation after bold", mrkdwn: "*yes*, really.", doc: [{ kind: "paragraph", inlines: [t("yes", { bold: true }), t(", really.")] }] },
  { name: "lone asterisk", mrkdwn: "2 * 3 = 6", doc: [{ kind: "paragraph", inlines: [t("2 * 3 = 6")] }] },
  { name: "snake_case words stay", mrkdwn: "call my_func_name here", doc: [{ kind: "paragraph", inlines: [t("call my_func_name here")] }] },
  { name: "escaped ampersand", mrkdwn: "salt &amp; pepper", doc: [{ kind: "paragraph", inlines: [t("salt & pepper")] }] },
  { name: "escaped angle brackets", mrkdwn: "a &lt;b&gt; c", doc: [{ kind: "paragraph", inlines: [t("a <b> c")] }] },
  { name: "escaped entity text", mrkdwn: "write &amp;lt; for &lt;", doc: [{ kind: "paragraph", inlines: [t("write &lt; for <")] }] },
  { name: "escape inside bold", mrkdwn: "*R&amp;D*", doc: [{ kind: "paragraph", inlines: [t("R&D", { bold: true })] }] },
  { name: "code with markup inside", mrkdwn: "`*not bold* _nor this_`", doc: [{ kind: "paragraph", inlines: [t("*not bold* _nor this_", { code: true })] }] },
  { name: "code with escapes", mrkdwn: "`a &lt; b &amp;&amp; c`", doc: [{ kind: "paragraph", inlines: [t("a < b && c", { code: true })] }] },
  { name: "link bare", mrkdwn: "<https://example.com/a?b=1>", doc: [{ kind: "paragraph", inlines: [{ kind: "link", url: "https://example.com/a?b=1", text: "https://example.com/a?b=1", marks: {} }] }] },
  { name: "link with label", mrkdwn: "see <https://example.com|the docs>", doc: [{ kind: "paragraph", inlines: [t("see "), { kind: "link", url: "https://example.com", text: "the docs", marks: {} }] }] },
  { name: "link label with escapes", mrkdwn: "<https://x.test/?a=1&amp;b=2|Q&amp;A &lt;3>", doc: [{ kind: "paragraph", inlines: [{ kind: "link", url: "https://x.test/?a=1&b=2", text: "Q&A <3", marks: {} }] }] },
  { name: "bold link", mrkdwn: "*<https://example.com|here>*", doc: [{ kind: "paragraph", inlines: [{ kind: "link", url: "https://example.com", text: "here", marks: { bold: true } }] }] },
  { name: "mailto link", mrkdwn: "<mailto:a@b.test|mail me>" },
  { name: "user mention", mrkdwn: "hi <@U123ABC>", doc: [{ kind: "paragraph", inlines: [t("hi "), { kind: "user", id: "U123ABC" }] }] },
  { name: "channel mention", mrkdwn: "see <#C0GENERAL>", doc: [{ kind: "paragraph", inlines: [t("see "), { kind: "channel", id: "C0GENERAL" }] }] },
  { name: "here", mrkdwn: "<!here> standup", doc: [{ kind: "paragraph", inlines: [{ kind: "broadcast", range: "here" }, t(" standup")] }] },
  { name: "channel and everyone", mrkdwn: "<!channel> and <!everyone>" },
  { name: "usergroup", mrkdwn: "ping <!subteam^S0TEAM>", doc: [{ kind: "paragraph", inlines: [t("ping "), { kind: "usergroup", id: "S0TEAM" }] }] },
  { name: "mention in bold", mrkdwn: "*thanks* <@U1> :tada:" },
  { name: "emoji", mrkdwn: "nice :tada:", doc: [{ kind: "paragraph", inlines: [t("nice "), { kind: "emoji", name: "tada" }] }] },
  { name: "emoji with plus and skin tone", mrkdwn: ":+1::skin-tone-3: ok", doc: [{ kind: "paragraph", inlines: [{ kind: "emoji", name: "+1::skin-tone-3" }, t(" ok")] }] },
  { name: "clock time is not emoji", mrkdwn: "at 10:30:45 sharp", doc: [{ kind: "paragraph", inlines: [t("at 10:30:45 sharp")] }] },
  { name: "emoji in code stays text", mrkdwn: "`:tada:`", doc: [{ kind: "paragraph", inlines: [t(":tada:", { code: true })] }] },
  { name: "two lines", mrkdwn: "one\ntwo", doc: [{ kind: "paragraph", inlines: [t("one\ntwo")] }] },
  { name: "blank line", mrkdwn: "one\n\ntwo" },
  { name: "bold on two lines", mrkdwn: "*one*\n*two*", doc: [{ kind: "paragraph", inlines: [t("one", { bold: true }), t("\n"), t("two", { bold: true })] }] },
  { name: "code block", mrkdwn: "```\nconst a = 1;\n```", doc: [{ kind: "code", text: "const a = 1;" }] },
  { name: "code block with markup and escapes", mrkdwn: "```\n*x* &lt;b&gt; &amp; _y_ &lt;@U1&gt;\n```", doc: [{ kind: "code", text: "*x* <b> & _y_ <@U1>" }] },
  { name: "code block multi-line", mrkdwn: "```\nline 1\n  line 2\n\nline 4\n```", doc: [{ kind: "code", text: "line 1\n  line 2\n\nline 4" }] },
  { name: "text then code block then text", mrkdwn: "before\n```\ncode\n```\nafter" },
  { name: "quote", mrkdwn: "&gt; wise words", doc: [{ kind: "quote", inlines: [t("wise words")] }] },
  { name: "quote two lines", mrkdwn: "&gt; one\n&gt; *two*", doc: [{ kind: "quote", inlines: [t("one\n"), t("two", { bold: true })] }] },
  { name: "quote then reply", mrkdwn: "&gt; question?\nanswer", doc: [{ kind: "quote", inlines: [t("question?")] }, { kind: "paragraph", inlines: [t("answer")] }] },
  { name: "bullet list", mrkdwn: "• one\n• two", doc: [{ kind: "list", style: "bullet", indent: 0, offset: 0, items: [[t("one")], [t("two")]] }] },
  { name: "ordered list", mrkdwn: "1. first\n2. second\n3. third", doc: [{ kind: "list", style: "ordered", indent: 0, offset: 0, items: [[t("first")], [t("second")], [t("third")]] }] },
  { name: "ordered list from 5", mrkdwn: "5. five\n6. six", doc: [{ kind: "list", style: "ordered", indent: 0, offset: 4, items: [[t("five")], [t("six")]] }] },
  {
    name: "nested bullets three levels",
    mrkdwn: "• a\n    ◦ b\n        ▪ c\n• d",
    doc: [
      { kind: "list", style: "bullet", indent: 0, offset: 0, items: [[t("a")]] },
      { kind: "list", style: "bullet", indent: 1, offset: 0, items: [[t("b")]] },
      { kind: "list", style: "bullet", indent: 2, offset: 0, items: [[t("c")]] },
      { kind: "list", style: "bullet", indent: 0, offset: 0, items: [[t("d")]] },
    ],
  },
  { name: "ordered with nested bullets", mrkdwn: "1. a\n    ◦ x\n    ◦ y\n2. b" },
  { name: "list items with formatting", mrkdwn: "• *bold* item\n• <https://e.test|link> and <@U9>\n• `code` :fire:" },
  { name: "list after text", mrkdwn: "todo:\n• milk\n• eggs\ndone" },
  { name: "everything", mrkdwn: "*Release* <!here>\n&gt; quoted _note_\n1. build\n2. ship :rocket:\n```\nnpm run build &amp;&amp; deploy\n```\nthanks <@U1> in <#C1>" },
  { name: "unicode and emoji chars", mrkdwn: "café ☕ 日本語 👍🏽" },
  { name: "not a mention", mrkdwn: "&lt;notalink&gt;", doc: [{ kind: "paragraph", inlines: [t("<notalink>")] }] },
];

/** Inputs people type (non-canonical) → the canonical mrkdwn they become. */
export const TYPED: { name: string; typed: string; canonical: string }[] = [
  { name: "dash list", typed: "- one\n- two", canonical: "• one\n• two" },
  { name: "raw quote marker", typed: "> hi", canonical: "&gt; hi" },
  { name: "one-line fence", typed: "```x = 1```", canonical: "```\nx = 1\n```" },
  { name: "tab indent", typed: "• a\n\t• b", canonical: "• a\n    ◦ b" },
];
