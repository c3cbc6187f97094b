// The editor's DOM (a contenteditable) ⇄ the composer document. Only the shapes the editor
// makes are given meaning: lines (div/p/br), b/i/s/code/a, blockquote, pre, ul/ol/li, and
// non-editable chips for mentions and emoji. Anything else contributes its text.
import { type Block, type Doc, type Inline, type ListStyle, type Marks, normalizeInlines } from "./model";
import { mrkdwnToInlines } from "./mrkdwn";

export interface DomNames {
  /** Plain text typed by a person → escaped mrkdwn (mentions by name become `<@U…>`). */
  encodeText: (text: string) => string;
  userName: (id: string) => string;
  channelName: (id: string) => string;
  groupHandle: (id: string) => string;
  emojiChar: (name: string) => string | null;
}

const MARK_TAGS: Record<string, keyof Marks> = { B: "bold", STRONG: "bold", I: "italic", EM: "italic", S: "strike", STRIKE: "strike", DEL: "strike", CODE: "code" };
const LINE_TAGS = new Set(["DIV", "P", "H1", "H2", "H3", "H4", "H5", "H6"]);

class Collector {
  inlines: Inline[] = [];
  constructor(private readonly names: DomNames) {}

  endsLine(): boolean {
    const last = this.inlines.at(-1);
    return !last || (last.kind === "text" && last.text.endsWith("\n"));
  }

  text(text: string, marks: Marks, raw: boolean): void {
    if (!text) return;
    // Typed markup (`*bold*`, `@name`) counts, except inside code.
    if (raw || marks.code) this.inlines.push({ kind: "text", text, marks: { ...marks } });
    else this.inlines.push(...mrkdwnToInlines(this.names.encodeText(text), marks));
  }

  take(): Inline[] {
    const out = normalizeInlines(this.inlines);
    const last = out.at(-1);
    if (last?.kind === "text" && last.text.endsWith("\n")) {
      const text = last.text.slice(0, -1);
      if (text) out[out.length - 1] = { ...last, text };
      else out.pop();
    }
    this.inlines = [];
    return out;
  }
}

function chip(el: HTMLElement): Inline | null {
  const d = el.dataset;
  if (d.userId) return { kind: "user", id: d.userId };
  if (d.channelId) return { kind: "channel", id: d.channelId };
  if (d.usergroupId) return { kind: "usergroup", id: d.usergroupId };
  if (d.broadcast === "here" || d.broadcast === "channel" || d.broadcast === "everyone") return { kind: "broadcast", range: d.broadcast };
  if (d.emoji) return { kind: "emoji", name: d.emoji };
  return null;
}

/** Browsers' editing commands sometimes style with CSS (`<span style="font-style: italic">`,
 * or "normal" to end a run): what the person sees is what is sent. */
function styleMarks(el: HTMLElement, marks: Marks): Marks {
  const st = el.style;
  if (!st || !st.length) return marks;
  const out = { ...marks };
  if (st.fontWeight) out.bold = st.fontWeight === "bold" || Number(st.fontWeight) >= 600 || undefined;
  if (st.fontStyle) out.italic = st.fontStyle === "italic" || undefined;
  const deco = st.textDecorationLine || st.textDecoration;
  if (deco) out.strike = deco.includes("line-through") || undefined;
  return out;
}

/** Inline content of `node` into `out`; blocks met on the way go to `blocks` (flushing `out`). */
function walkInline(node: Node, marks: Marks, out: Collector, raw: boolean, onBlock?: (el: HTMLElement) => boolean): void {
  if (node.nodeType === Node.TEXT_NODE) {
    out.text((node.nodeValue ?? "").replace(/\u200b/g, ""), marks, raw);
    return;
  }
  if (!(node instanceof HTMLElement)) return;
  const found = chip(node);
  if (found) {
    out.inlines.push(found);
    return;
  }
  if (onBlock?.(node)) return;
  const tag = node.tagName;
  if (tag === "BR") {
    // The placeholder <br> of an empty line is not a line break of its own.
    const parent = node.parentElement;
    const placeholder = node === parent?.lastChild && parent !== null && LINE_TAGS.has(parent.tagName);
    if (!placeholder) out.inlines.push({ kind: "text", text: "\n", marks: {} });
    return;
  }
  if (tag === "A" && node.getAttribute("href")) {
    const url = node.getAttribute("href") ?? "";
    out.inlines.push({ kind: "link", url, text: node.textContent || url, marks: { ...marks, code: undefined } });
    return;
  }
  const isLine = LINE_TAGS.has(tag) || tag === "LI";
  if (isLine && !out.endsLine()) out.inlines.push({ kind: "text", text: "\n", marks: {} });
  const mark = MARK_TAGS[tag];
  const inner = styleMarks(node, mark ? { ...marks, [mark]: true } : marks);
  for (const child of Array.from(node.childNodes)) walkInline(child, inner, out, raw, onBlock);
  if (isLine) out.inlines.push({ kind: "text", text: "\n", marks: {} });
}

function rawText(el: HTMLElement, names: DomNames): string {
  const c = new Collector(names);
  for (const child of Array.from(el.childNodes)) walkInline(child, {}, c, true);
  return c
    .take()
    .map((i) => (i.kind === "text" ? i.text : i.kind === "link" ? i.text : ""))
    .join("");
}

function walkList(el: HTMLElement, indent: number, doc: Doc, names: DomNames): void {
  const style: ListStyle = el.tagName === "OL" ? "ordered" : "bullet";
  const start = style === "ordered" ? Math.max(1, Number(el.getAttribute("start") ?? "1")) - 1 : 0;
  let current: Extract<Block, { kind: "list" }> | null = null;
  let count = start;
  const nested = (child: Element) => {
    current = null;
    walkList(child as HTMLElement, indent + 1, doc, names);
  };
  for (const child of Array.from(el.children)) {
    if (child.tagName === "UL" || child.tagName === "OL") {
      nested(child);
      continue;
    }
    const c = new Collector(names);
    const inner: Element[] = [];
    for (const node of Array.from(child.childNodes)) {
      if (node instanceof HTMLElement && (node.tagName === "UL" || node.tagName === "OL")) inner.push(node);
      else walkInline(node, {}, c, false);
    }
    if (!current) {
      current = { kind: "list", style, indent, offset: style === "ordered" ? count : 0, items: [] };
      doc.push(current);
    }
    current.items.push(c.take());
    count++;
    for (const list of inner) nested(list);
  }
}

export function domToDoc(root: HTMLElement, names: DomNames): Doc {
  const doc: Doc = [];
  const paragraph = new Collector(names);
  const flush = () => {
    const inlines = paragraph.take();
    if (inlines.length) doc.push({ kind: "paragraph", inlines });
  };
  const onBlock = (el: HTMLElement): boolean => {
    if (el.tagName === "BLOCKQUOTE") {
      flush();
      const q = new Collector(names);
      for (const child of Array.from(el.childNodes)) walkInline(child, {}, q, false);
      doc.push({ kind: "quote", inlines: q.take() });
      return true;
    }
    if (el.tagName === "PRE") {
      flush();
      doc.push({ kind: "code", text: rawText(el, names).replace(/\n$/, "") });
      return true;
    }
    if (el.tagName === "UL" || el.tagName === "OL") {
      flush();
      walkList(el, 0, doc, names);
      return true;
    }
    return false;
  };
  for (const child of Array.from(root.childNodes)) walkInline(child, {}, paragraph, false, onBlock);
  flush();
  return trimDoc(doc);
}

/** Drops blank lines at the start and end (a message does not begin or end with them). */
export function trimDoc(doc: Doc): Doc {
  const out = doc.filter((b) => !(b.kind === "paragraph" && b.inlines.every((i) => i.kind === "text" && !i.text.trim())));
  const first = out[0];
  if (first?.kind === "paragraph") {
    const head = first.inlines[0];
    if (head?.kind === "text") first.inlines[0] = { ...head, text: head.text.replace(/^\s*\n/, "") };
  }
  const last = out.at(-1);
  if (last?.kind === "paragraph") {
    const tail = last.inlines.at(-1);
    if (tail?.kind === "text") last.inlines[last.inlines.length - 1] = { ...tail, text: tail.text.replace(/\s+$/, "") };
    last.inlines = normalizeInlines(last.inlines);
  }
  return out;
}

// --- doc → DOM ------------------------------------------------------------------------------

function chipElement(d: Document, data: Record<string, string>, label: string, className: string): HTMLElement {
  const span = d.createElement("span");
  span.className = className;
  span.contentEditable = "false";
  for (const [k, v] of Object.entries(data)) span.dataset[k] = v;
  span.textContent = label;
  return span;
}

function inlineNode(d: Document, inline: Inline, names: DomNames): Node {
  switch (inline.kind) {
    case "text":
    case "link": {
      let node: Node;
      if (inline.kind === "link") {
        const a = d.createElement("a");
        a.href = inline.url;
        a.textContent = inline.text || inline.url;
        node = a;
      } else {
        node = d.createTextNode(inline.text);
      }
      for (const [mark, tag] of [["code", "code"], ["strike", "s"], ["italic", "i"], ["bold", "b"]] as const) {
        if (!inline.marks[mark]) continue;
        const wrap = d.createElement(tag);
        wrap.appendChild(node);
        node = wrap;
      }
      return node;
    }
    case "user":
      return chipElement(d, { userId: inline.id }, `@${names.userName(inline.id)}`, "rt-mention");
    case "channel":
      return chipElement(d, { channelId: inline.id }, `#${names.channelName(inline.id)}`, "rt-mention");
    case "usergroup":
      return chipElement(d, { usergroupId: inline.id }, `@${names.groupHandle(inline.id)}`, "rt-mention");
    case "broadcast":
      return chipElement(d, { broadcast: inline.range }, `@${inline.range}`, "rt-mention");
    case "emoji": {
      const char = names.emojiChar(inline.name);
      return char ? chipElement(d, { emoji: inline.name }, char, "rt-emoji") : d.createTextNode(`:${inline.name}:`);
    }
  }
}

/** Inlines as lines: one <div> per line (an empty line holds a <br>). */
function appendLines(d: Document, parent: HTMLElement, inlines: Inline[], names: DomNames, asDivs: boolean): void {
  let line = d.createElement("div");
  const lines = [line];
  for (const inline of inlines) {
    if (inline.kind === "text" && inline.text.includes("\n")) {
      inline.text.split("\n").forEach((part, k) => {
        if (k > 0) {
          line = d.createElement("div");
          lines.push(line);
        }
        if (part) line.appendChild(inlineNode(d, { ...inline, text: part }, names));
      });
    } else {
      line.appendChild(inlineNode(d, inline, names));
    }
  }
  for (const l of lines) {
    if (!l.firstChild) l.appendChild(d.createElement("br"));
    if (asDivs) parent.appendChild(l);
    else {
      if (parent.firstChild) parent.appendChild(d.createElement("br"));
      for (const child of Array.from(l.childNodes)) if (!(child instanceof HTMLBRElement) || l.childNodes.length > 1) parent.appendChild(child);
    }
  }
}

export function docToDom(d: Document, doc: Doc, names: DomNames): DocumentFragment {
  const frag = d.createDocumentFragment();
  const stack: { indent: number; list: HTMLElement }[] = [];
  for (const block of doc) {
    if (block.kind !== "list") stack.length = 0;
    if (block.kind === "paragraph") appendLines(d, frag as unknown as HTMLElement, block.inlines, names, true);
    else if (block.kind === "quote") {
      const q = d.createElement("blockquote");
      appendLines(d, q, block.inlines, names, true);
      frag.appendChild(q);
    } else if (block.kind === "code") {
      const pre = d.createElement("pre");
      pre.textContent = block.text;
      frag.appendChild(pre);
    } else {
      while (stack.length && stack[stack.length - 1].indent >= block.indent) stack.pop();
      const list = d.createElement(block.style === "ordered" ? "ol" : "ul");
      if (block.style === "ordered" && block.offset) list.setAttribute("start", String(block.offset + 1));
      for (const item of block.items) {
        const li = d.createElement("li");
        appendLines(d, li, item, names, false);
        list.appendChild(li);
      }
      const parent = stack.at(-1);
      if (parent) (parent.list.lastElementChild ?? parent.list).appendChild(list);
      else frag.appendChild(list);
      stack.push({ indent: block.indent, list });
    }
  }
  return frag;
}
