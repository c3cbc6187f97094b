// The composer's document: a small tree that maps one-to-one onto Slack's rich_text block
// (sections, lists, quotes, preformatted) and onto mrkdwn text. Pure data, no DOM.

export interface Marks {
  bold?: boolean;
  italic?: boolean;
  strike?: boolean;
  code?: boolean;
}

export type Inline =
  | { kind: "text"; text: string; marks: Marks }
  | { kind: "link"; url: string; text: string; marks: Marks }
  | { kind: "user"; id: string }
  | { kind: "channel"; id: string }
  | { kind: "usergroup"; id: string }
  | { kind: "broadcast"; range: "here" | "channel" | "everyone" }
  | { kind: "emoji"; name: string };

export type ListStyle = "bullet" | "ordered";

export type Block =
  | { kind: "paragraph"; inlines: Inline[] }
  | { kind: "quote"; inlines: Inline[] }
  | { kind: "code"; text: string }
  | { kind: "list"; style: ListStyle; indent: number; offset: number; items: Inline[][] };

export type Doc = Block[];

/** Mark order from outside in, so `*_x_*` and the rich_text style agree. */
export const MARK_ORDER: readonly (keyof Marks)[] = ["bold", "italic", "strike", "code"];

export function cleanMarks(marks: Marks): Marks {
  const out: Marks = {};
  for (const key of MARK_ORDER) if (marks[key]) out[key] = true;
  return out;
}

export function sameMarks(a: Marks, b: Marks): boolean {
  return MARK_ORDER.every((k) => !!a[k] === !!b[k]);
}

/** Joins neighbouring text runs of the same marks and drops empty ones (one canonical form). */
export function normalizeInlines(inlines: Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const inline of inlines) {
    if (inline.kind === "text") {
      if (!inline.text) continue;
      const last = out.at(-1);
      if (last?.kind === "text" && sameMarks(last.marks, inline.marks)) {
        out[out.length - 1] = { ...last, text: last.text + inline.text };
        continue;
      }
      out.push({ kind: "text", text: inline.text, marks: cleanMarks(inline.marks) });
    } else if (inline.kind === "link") {
      out.push({ ...inline, marks: cleanMarks(inline.marks) });
    } else {
      out.push(inline);
    }
  }
  return out;
}

/** The visible characters of inlines, as a person counts them (mentions as their markup). */
export function inlineText(inlines: Inline[]): string {
  return inlines
    .map((i) => {
      switch (i.kind) {
        case "text":
          return i.text;
        case "link":
          return i.text || i.url;
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
    })
    .join("");
}

export function isEmptyDoc(doc: Doc): boolean {
  return doc.every((b) => (b.kind === "code" ? !b.text.trim() : b.kind === "list" ? b.items.every((i) => !inlineText(i).trim()) : !inlineText(b.inlines).trim()));
}
