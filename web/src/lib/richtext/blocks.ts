// Slack's rich_text block ⇄ the composer document.
import { type Block, cleanMarks, type Doc, type Inline, type Marks, normalizeInlines } from "./model";

export interface RichElement {
  type: string;
  text?: string;
  url?: string;
  user_id?: string;
  channel_id?: string;
  usergroup_id?: string;
  range?: string;
  name?: string;
  style?: Marks | string;
  elements?: RichElement[];
  indent?: number;
  offset?: number;
}

export interface RichTextBlock {
  [key: string]: unknown;
  type: "rich_text";
  block_id?: string;
  elements: RichElement[];
}

function styleOf(marks: Marks): { style?: Marks } {
  const clean = cleanMarks(marks);
  return Object.keys(clean).length ? { style: clean } : {};
}

function inlineToElement(inline: Inline): RichElement {
  switch (inline.kind) {
    case "text":
      return { type: "text", text: inline.text, ...styleOf(inline.marks) };
    case "link":
      return { type: "link", url: inline.url, ...(inline.text && inline.text !== inline.url ? { text: inline.text } : {}), ...styleOf(inline.marks) };
    case "user":
      return { type: "user", user_id: inline.id };
    case "channel":
      return { type: "channel", channel_id: inline.id };
    case "usergroup":
      return { type: "usergroup", usergroup_id: inline.id };
    case "broadcast":
      return { type: "broadcast", range: inline.range };
    case "emoji":
      return { type: "emoji", name: inline.name };
  }
}

function section(inlines: Inline[]): RichElement {
  return { type: "rich_text_section", elements: normalizeInlines(inlines).map(inlineToElement) };
}

function blockToElement(block: Block): RichElement {
  switch (block.kind) {
    case "paragraph":
      return section(block.inlines);
    case "quote":
      return { type: "rich_text_quote", elements: normalizeInlines(block.inlines).map(inlineToElement) };
    case "code":
      return { type: "rich_text_preformatted", elements: [{ type: "text", text: block.text }] };
    case "list":
      return {
        type: "rich_text_list",
        style: block.style,
        indent: block.indent,
        ...(block.offset ? { offset: block.offset } : {}),
        elements: block.items.map(section),
      };
  }
}

export function docToBlocks(doc: Doc, blockId?: string): RichTextBlock {
  return { type: "rich_text", ...(blockId ? { block_id: blockId } : {}), elements: doc.map(blockToElement) };
}

function marksOf(style: RichElement["style"]): Marks {
  return typeof style === "object" && style ? cleanMarks(style) : {};
}

function elementToInline(e: RichElement): Inline | null {
  switch (e.type) {
    case "text":
      return { kind: "text", text: e.text ?? "", marks: marksOf(e.style) };
    case "link":
      return { kind: "link", url: e.url ?? "", text: e.text || e.url || "", marks: marksOf(e.style) };
    case "user":
      return e.user_id ? { kind: "user", id: e.user_id } : null;
    case "channel":
      return e.channel_id ? { kind: "channel", id: e.channel_id } : null;
    case "usergroup":
      return e.usergroup_id ? { kind: "usergroup", id: e.usergroup_id } : null;
    case "broadcast":
      return e.range === "here" || e.range === "channel" || e.range === "everyone" ? { kind: "broadcast", range: e.range } : null;
    case "emoji":
      return e.name ? { kind: "emoji", name: e.name } : null;
    default:
      return null;
  }
}

function inlinesOf(elements: RichElement[] | undefined): Inline[] {
  return normalizeInlines((elements ?? []).map(elementToInline).filter((i): i is Inline => i !== null));
}

export function blocksToDoc(block: RichTextBlock): Doc {
  const doc: Doc = [];
  for (const e of block.elements ?? []) {
    if (e.type === "rich_text_section") doc.push({ kind: "paragraph", inlines: inlinesOf(e.elements) });
    else if (e.type === "rich_text_quote") doc.push({ kind: "quote", inlines: inlinesOf(e.elements) });
    else if (e.type === "rich_text_preformatted") doc.push({ kind: "code", text: (e.elements ?? []).map((x) => x.text ?? x.url ?? "").join("") });
    else if (e.type === "rich_text_list")
      doc.push({
        kind: "list",
        style: e.style === "ordered" ? "ordered" : "bullet",
        indent: e.indent ?? 0,
        offset: e.offset ?? 0,
        items: (e.elements ?? []).map((s) => inlinesOf(s.elements)),
      });
  }
  return doc;
}

/** The first rich_text block of a message, if it has one (what the editor opens to edit). */
export function findRichText(blocks: unknown): RichTextBlock | null {
  if (!Array.isArray(blocks)) return null;
  const found = blocks.find((b): b is RichTextBlock => !!b && typeof b === "object" && (b as { type?: unknown }).type === "rich_text" && Array.isArray((b as { elements?: unknown }).elements));
  return found ?? null;
}
