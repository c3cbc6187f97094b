// Slack mrkdwn (as the API carries it: `&`, `<`, `>` escaped) ⇄ the composer document.
// The serializer writes one canonical form; the parser also takes what people type
// (`- item`, `> quote`, "```code```" on one line).
import { type Block, type Doc, type Inline, type ListStyle, MARK_ORDER, type Marks, normalizeInlines } from "./model";

const MARK_CHARS: Record<"bold" | "italic" | "strike", string> = { bold: "*", italic: "_", strike: "~" };
const CHAR_MARK: Record<string, "bold" | "italic" | "strike"> = { "*": "bold", _: "italic", "~": "strike" };
const BULLETS = ["•", "◦", "▪"];
const INDENT = "    ";

export function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function unescapeText(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

// --- serialize ------------------------------------------------------------------------------

type Level = 0 | 1 | 2 | 3;

function marksOf(i: Inline): Marks {
  return i.kind === "text" || i.kind === "link" ? i.marks : {};
}

function withoutMark(i: Inline, mark: keyof Marks): Inline {
  return i.kind === "text" || i.kind === "link" ? { ...i, marks: { ...i.marks, [mark]: undefined } } : i;
}

function atomToMrkdwn(i: Inline): string {
  switch (i.kind) {
    case "text":
      return i.marks.code ? `\`${escapeText(i.text)}\`` : escapeText(i.text);
    case "link": {
      const label = i.text && i.text !== i.url ? `|${escapeText(i.text)}` : "";
      return `<${escapeText(i.url)}${label}>`;
    }
    case "user":
      return `<@${i.id}>`;
    case "channel":
      return `<#${i.id}>`;
    case "usergroup":
      return `<!subteam^${i.id}>`;
    case "broadcast":
      return `<!${i.range}>`;
    case "emoji":
      return `:${i.name}:`;
  }
}

/** Spaces at the edges of a marked run go outside its markers: `*a *` would not parse back. */
function peelSpaces(group: Inline[], mark: keyof Marks): { lead: Inline[]; core: Inline[]; trail: Inline[] } {
  const core = [...group];
  const lead: Inline[] = [];
  const trail: Inline[] = [];
  const first = core[0];
  if (first?.kind === "text" && !first.marks.code) {
    const space = /^\s*/.exec(first.text)?.[0] ?? "";
    if (space) {
      lead.push(withoutMark({ ...first, text: space }, mark));
      core[0] = { ...first, text: first.text.slice(space.length) };
    }
  }
  const last = core.at(-1);
  if (last?.kind === "text" && !last.marks.code) {
    const space = /\s*$/.exec(last.text)?.[0] ?? "";
    if (space) {
      trail.push(withoutMark({ ...last, text: space }, mark));
      core[core.length - 1] = { ...last, text: last.text.slice(0, last.text.length - space.length) };
    }
  }
  return { lead, core: core.filter((i) => i.kind !== "text" || i.text), trail };
}

/** One line of inlines: bold outermost, then italic, strike, and code innermost. */
function lineToMrkdwn(inlines: Inline[], level: Level = 0): string {
  if (level === 3) return inlines.map(atomToMrkdwn).join("");
  const mark = MARK_ORDER[level] as "bold" | "italic" | "strike";
  const next = (level + 1) as Level;
  let out = "";
  for (let n = 0; n < inlines.length; ) {
    const on = !!marksOf(inlines[n])[mark];
    let end = n;
    while (end < inlines.length && !!marksOf(inlines[end])[mark] === on) end++;
    const group = inlines.slice(n, end);
    n = end;
    if (!on) {
      out += lineToMrkdwn(group, next);
      continue;
    }
    const { lead, core, trail } = peelSpaces(group, mark);
    const ch = MARK_CHARS[mark];
    out += lineToMrkdwn(lead, next);
    out += core.length ? ch + lineToMrkdwn(core, next) + ch : "";
    out += lineToMrkdwn(trail, next);
  }
  return out;
}

/** Splits inlines into lines (marks cannot span a line break in mrkdwn). */
function splitLines(inlines: Inline[]): Inline[][] {
  const lines: Inline[][] = [[]];
  for (const i of inlines) {
    if (i.kind !== "text" || !i.text.includes("\n")) {
      lines[lines.length - 1].push(i);
      continue;
    }
    i.text.split("\n").forEach((part, k) => {
      if (k > 0) lines.push([]);
      if (part) lines[lines.length - 1].push({ ...i, text: part });
    });
  }
  return lines;
}

export function inlinesToMrkdwn(inlines: Inline[]): string {
  return splitLines(normalizeInlines(inlines))
    .map((line) => lineToMrkdwn(line))
    .join("\n");
}

function listMarker(style: ListStyle, indent: number, n: number): string {
  return style === "ordered" ? `${n}.` : BULLETS[indent % BULLETS.length];
}

function blockToMrkdwn(block: Block): string {
  switch (block.kind) {
    case "paragraph":
      return inlinesToMrkdwn(block.inlines);
    case "quote":
      return inlinesToMrkdwn(block.inlines)
        .split("\n")
        .map((l) => `&gt; ${l}`)
        .join("\n");
    case "code":
      return "```\n" + escapeText(block.text) + "\n```";
    case "list":
      return block.items.map((item, n) => `${INDENT.repeat(block.indent)}${listMarker(block.style, block.indent, block.offset + n + 1)} ${inlinesToMrkdwn(item)}`).join("\n");
  }
}

export function docToMrkdwn(doc: Doc): string {
  return doc.map(blockToMrkdwn).join("\n");
}

// --- parse: inline --------------------------------------------------------------------------

const BROADCASTS = new Set(["here", "channel", "everyone"]);

/** `<…>` forms: mentions, broadcasts, user groups, links. Null when not one of them. */
function angleToken(inner: string, marks: Marks): Inline | null {
  const [target, label = ""] = splitOnce(inner, "|");
  if (/^@[UW][A-Z0-9]+$/.test(target)) return { kind: "user", id: target.slice(1) };
  if (/^#[CGD][A-Z0-9]+$/.test(target)) return { kind: "channel", id: target.slice(1) };
  if (target.startsWith("!subteam^")) return { kind: "usergroup", id: target.slice(9) };
  if (target.startsWith("!") && BROADCASTS.has(target.slice(1))) return { kind: "broadcast", range: target.slice(1) as "here" };
  if (/^(https?:\/\/|mailto:)\S+$/.test(target)) {
    const url = unescapeText(target);
    return { kind: "link", url, text: label ? unescapeText(label) : url, marks: { ...marks, code: undefined } };
  }
  return null;
}

function splitOnce(s: string, sep: string): [string, string?] {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

const BOUNDARY_BEFORE = /[\s([{"'“‘\-–—/]/;
const BOUNDARY_AFTER = /[\s)\]}"'”’.,!?:;\-–—/]/;

function opensAt(s: string, i: number): boolean {
  const before = i === 0 ? " " : s[i - 1];
  const after = s[i + 1];
  return (BOUNDARY_BEFORE.test(before) || "*_~`".includes(before)) && after !== undefined && !/\s/.test(after);
}

/** The closing marker for the one opened at `open`, on the same line. */
function findCloser(s: string, open: number): number {
  const ch = s[open];
  for (let j = open + 2; j < s.length; j++) {
    if (s[j] === "\n") return -1;
    if (s[j] !== ch) continue;
    const after = j + 1 >= s.length ? " " : s[j + 1];
    if (!/\s/.test(s[j - 1]) && (BOUNDARY_AFTER.test(after) || "*_~`".includes(after))) return j;
  }
  return -1;
}

export function mrkdwnToInlines(s: string, marks: Marks = {}): Inline[] {
  const out: Inline[] = [];
  let text = "";
  const flush = () => {
    if (text) out.push({ kind: "text", text: unescapeText(text), marks: { ...marks } });
    text = "";
  };
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (ch === "<") {
      const close = s.indexOf(">", i);
      const token = close > i ? angleToken(s.slice(i + 1, close), marks) : null;
      if (token) {
        flush();
        out.push(token);
        i = close + 1;
        continue;
      }
    }
    if (ch === "`" && !marks.code) {
      const close = s.indexOf("`", i + 1);
      if (close > i + 1 && !s.slice(i + 1, close).includes("\n")) {
        flush();
        out.push({ kind: "text", text: unescapeText(s.slice(i + 1, close)), marks: { ...marks, code: true } });
        i = close + 1;
        continue;
      }
    }
    if (ch in CHAR_MARK && !marks[CHAR_MARK[ch]] && opensAt(s, i)) {
      const close = findCloser(s, i);
      if (close > 0) {
        flush();
        out.push(...mrkdwnToInlines(s.slice(i + 1, close), { ...marks, [CHAR_MARK[ch]]: true }));
        i = close + 1;
        continue;
      }
    }
    if (ch === ":") {
      const m = /^:([a-z0-9_+'-]+(?:::skin-tone-[2-6])?):/.exec(s.slice(i));
      const before = i === 0 ? " " : s[i - 1];
      if (m && !/[A-Za-z0-9]/.test(before)) {
        flush();
        out.push({ kind: "emoji", name: m[1] });
        i += m[0].length;
        continue;
      }
    }
    text += ch;
    i++;
  }
  flush();
  return normalizeInlines(out);
}

// --- parse: lines ---------------------------------------------------------------------------

const LIST_LINE = /^((?: {4}|\t)*)([•◦▪\-*]|\d+\.) (.*)$/;
const QUOTE_LINE = /^(?:&gt;|>) ?(.*)$/;

interface ListLine {
  indent: number;
  style: ListStyle;
  number: number;
  body: string;
}

function listLine(line: string): ListLine | null {
  const m = LIST_LINE.exec(line);
  if (!m) return null;
  const indent = m[1].replace(/\t/g, INDENT).length / INDENT.length;
  const ordered = /^\d/.test(m[2]);
  return { indent, style: ordered ? "ordered" : "bullet", number: ordered ? parseInt(m[2], 10) : 0, body: m[3] };
}

export function mrkdwnToDoc(source: string): Doc {
  const doc: Doc = [];
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  let paragraph: string[] = [];
  const flushParagraph = () => {
    if (paragraph.length) doc.push({ kind: "paragraph", inlines: mrkdwnToInlines(paragraph.join("\n")) });
    paragraph = [];
  };
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (line.startsWith("```")) {
      // A fence: up to the next ``` (on this line or a later one).
      const rest = [line.slice(3), ...lines.slice(n + 1)].join("\n");
      const close = rest.indexOf("```");
      if (close >= 0) {
        flushParagraph();
        const body = rest.slice(0, close).replace(/^\n/, "").replace(/\n$/, "");
        doc.push({ kind: "code", text: unescapeText(body) });
        const consumed = rest.slice(0, close + 3).split("\n").length - 1;
        n += consumed;
        const after = lines[n].slice(lines[n].lastIndexOf("```") + 3);
        if (after.trim()) paragraph.push(after);
        continue;
      }
    }
    const quote = QUOTE_LINE.exec(line);
    if (quote) {
      flushParagraph();
      const last = doc.at(-1);
      const inlines = mrkdwnToInlines(quote[1]);
      if (last?.kind === "quote" && lines[n - 1] !== undefined && QUOTE_LINE.test(lines[n - 1])) {
        last.inlines = normalizeInlines([...last.inlines, { kind: "text", text: "\n", marks: {} }, ...inlines]);
      } else {
        doc.push({ kind: "quote", inlines });
      }
      continue;
    }
    const item = listLine(line);
    if (item) {
      flushParagraph();
      const last = doc.at(-1);
      const inlines = mrkdwnToInlines(item.body);
      const previousWasList = n > 0 && listLine(lines[n - 1]) !== null;
      if (previousWasList && last?.kind === "list" && last.indent === item.indent && last.style === item.style) {
        last.items.push(inlines);
      } else {
        doc.push({ kind: "list", style: item.style, indent: item.indent, offset: item.style === "ordered" ? item.number - 1 : 0, items: [inlines] });
      }
      continue;
    }
    paragraph.push(line);
  }
  flushParagraph();
  return doc;
}
