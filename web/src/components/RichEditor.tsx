// The WYSIWYG message editor: a contenteditable whose DOM is read into the richtext
// document (lib/richtext) when sending. Formatting uses the browser's editing commands
// (undo/redo for free); typed markup (`*bold*`, `- item`, `> quote`, "```") works too.
import { type ClipboardEvent, type KeyboardEvent, type Ref, useCallback, useEffect, useImperativeHandle, useMemo, useRef } from "react";
import { useAppState } from "../app/context";
import { encodeMessage } from "../lib/compose";
import { emojiGlyph } from "../lib/emoji";
import { type Doc, docToDom, docToMrkdwn, domToDoc, type DomNames, mrkdwnToDoc } from "../lib/richtext";
import "./RichEditor.css";

export type FormatCommand = "bold" | "italic" | "strike" | "code" | "link" | "bullet" | "ordered" | "quote" | "codeBlock";

export interface RichEditorHandle {
  /** The document as it stands (trimmed). */
  doc: () => Doc;
  /** Escaped mrkdwn of the document (what `text` carries). */
  mrkdwn: () => string;
  /** Plain text as shown (for slash commands and "is it empty"). */
  plain: () => string;
  /** Replaces the content with this mrkdwn (drafts, editing a message). */
  load: (mrkdwn: string) => void;
  clear: () => void;
  focus: () => void;
  format: (command: FormatCommand) => void;
  /** Inserts text at the caret (emoji from the picker). */
  insertText: (text: string) => void;
  /** Text of the caret's line before the caret (autocomplete triggers). */
  textBeforeCaret: () => string;
  /** Replaces the last `count` characters before the caret with `text` (completions). */
  replaceBeforeCaret: (count: number, text: string) => void;
  element: () => HTMLDivElement | null;
}

interface Props {
  ref?: Ref<RichEditorHandle>;
  label: string;
  placeholder: string;
  initial?: string;
  className?: string;
  onInput?: () => void;
  onKeyDown?: (e: KeyboardEvent<HTMLDivElement>) => void;
  onPaste?: (e: ClipboardEvent<HTMLDivElement>) => void;
  onCaret?: () => void;
  ariaControls?: string;
  ariaActiveDescendant?: string;
}

export function useDomNames(): DomNames {
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  const custom = useAppState((s) => s.customEmoji);
  return useMemo(
    () => ({
      encodeText: (text: string) => encodeMessage(text, Object.values(users), Object.values(conversations)),
      userName: (id: string) => (users[id] ? users[id].name : id),
      channelName: (id: string) => conversations[id]?.name ?? id,
      groupHandle: (id: string) => id,
      emojiChar: (name: string) => {
        const g = emojiGlyph(name, custom);
        return g.kind === "unicode" ? g.char : null;
      },
    }),
    [users, conversations, custom],
  );
}

/** The shortcuts, shown in the toolbar titles and the Ctrl+/ dialog. */
export const FORMAT_SHORTCUTS: Record<FormatCommand, string> = {
  bold: "Ctrl+B",
  italic: "Ctrl+I",
  strike: "Ctrl+Shift+X",
  code: "Ctrl+Shift+C",
  link: "Ctrl+Shift+U",
  bullet: "Ctrl+Shift+8",
  ordered: "Ctrl+Shift+7",
  quote: "Ctrl+Shift+9",
  codeBlock: "Ctrl+Alt+Shift+C",
};

function shortcutCommand(e: KeyboardEvent): FormatCommand | null {
  if (!(e.ctrlKey || e.metaKey)) return null;
  const k = e.key.toLowerCase();
  if (!e.shiftKey && !e.altKey) return k === "b" ? "bold" : k === "i" ? "italic" : null;
  if (e.shiftKey && e.altKey) return e.code === "KeyC" ? "codeBlock" : null;
  if (!e.shiftKey) return null;
  switch (e.code) {
    case "KeyX":
      return "strike";
    case "KeyC":
      return "code";
    case "KeyU":
      return "link";
    case "Digit8":
      return "bullet";
    case "Digit7":
      return "ordered";
    case "Digit9":
      return "quote";
    default:
      return null;
  }
}

function exec(command: string, value?: string): void {
  // execCommand is the one editing API that keeps the browser's undo stack.
  document.execCommand(command, false, value);
}

function closestIn(root: HTMLElement, node: Node | null, selector: string): HTMLElement | null {
  const el = node instanceof HTMLElement ? node : node?.parentElement;
  const found = el?.closest<HTMLElement>(selector) ?? null;
  return found && root.contains(found) ? found : null;
}

function selectionIn(root: HTMLElement): Selection | null {
  const sel = window.getSelection();
  return sel && sel.rangeCount && root.contains(sel.anchorNode) ? sel : null;
}

/** Wraps the selection in <code> (no editing command does), or unwraps it. */
function toggleInlineCode(root: HTMLElement): void {
  const sel = selectionIn(root);
  if (!sel) return;
  const code = closestIn(root, sel.anchorNode, "code");
  if (code) {
    code.replaceWith(...Array.from(code.childNodes));
    return;
  }
  const range = sel.getRangeAt(0);
  const text = range.toString() || "code";
  const el = document.createElement("code");
  el.textContent = text;
  range.deleteContents();
  range.insertNode(el);
  // Typing continues after the code span, not inside it.
  const after = document.createTextNode("\u200b");
  el.after(after);
  sel.removeAllRanges();
  const r = document.createRange();
  r.setStart(after, 1);
  sel.addRange(r);
}

function applyFormat(root: HTMLElement, command: FormatCommand): void {
  root.focus();
  switch (command) {
    case "bold":
      return exec("bold");
    case "italic":
      return exec("italic");
    case "strike":
      return exec("strikeThrough");
    case "code":
      return toggleInlineCode(root);
    case "bullet":
      return exec("insertUnorderedList");
    case "ordered":
      return exec("insertOrderedList");
    case "quote": {
      const inQuote = closestIn(root, window.getSelection()?.anchorNode ?? null, "blockquote");
      return exec("formatBlock", inQuote ? "div" : "blockquote");
    }
    case "codeBlock": {
      const inPre = closestIn(root, window.getSelection()?.anchorNode ?? null, "pre");
      return exec("formatBlock", inPre ? "div" : "pre");
    }
    case "link": {
      const sel = selectionIn(root);
      const existing = closestIn(root, sel?.anchorNode ?? null, "a");
      if (existing) return exec("unlink");
      const url = window.prompt("Link address", "https://");
      if (!url || !/^(https?:\/\/|mailto:)\S+$/.test(url.trim())) return;
      if (sel && !sel.isCollapsed) return exec("createLink", url.trim());
      exec("insertHTML", `<a href="${url.trim().replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}">${url.trim().replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</a>&nbsp;`);
    }
  }
}

/** `- `, `1. `, `> ` or "```" typed at the start of a line become a list, quote or code block. */
function blockShortcut(root: HTMLElement): boolean {
  // One text node per run of text (the selection follows normalize(), per the DOM spec).
  selectionIn(root)?.anchorNode?.parentElement?.normalize();
  const sel = selectionIn(root);
  const node = sel?.anchorNode;
  if (!sel || !sel.isCollapsed || !(node instanceof Text)) return false;
  const line = node.parentElement;
  if (!line || !(line === root || (line.tagName === "DIV" && line.parentElement === root))) return false;
  // Shift+Enter in pre-wrap text inserts "\n": the line starts after the last one.
  const lineStart = node.data.lastIndexOf("\n", sel.anchorOffset - 1) + 1;
  const prev = node.previousSibling;
  if (lineStart === 0 && prev && prev.nodeName !== "BR" && !(prev.textContent ?? "").endsWith("\n")) return false;
  const before = node.data.slice(lineStart, sel.anchorOffset).replace(/\u00a0/g, " ");
  const command: FormatCommand | null = /^[-*•] $/.test(before) ? "bullet" : /^1\. $/.test(before) ? "ordered" : /^> $/.test(before) ? "quote" : before === "```" ? "codeBlock" : null;
  if (!command) return false;
  const range = document.createRange();
  range.setStart(node, lineStart);
  range.setEnd(node, sel.anchorOffset);
  sel.removeAllRanges();
  sel.addRange(range);
  exec("delete");
  applyFormat(root, command);
  return true;
}

export function RichEditor({ ref, label, placeholder, initial, className, onInput, onKeyDown, onPaste, onCaret, ariaControls, ariaActiveDescendant }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const names = useDomNames();
  const namesRef = useRef(names);
  namesRef.current = names;

  const markEmpty = useCallback(() => {
    const el = box.current;
    if (el) el.classList.toggle("rich-empty", !el.textContent && !el.querySelector("li, pre, blockquote, [data-emoji], [data-user-id]"));
  }, []);

  const load = useCallback(
    (mrkdwn: string) => {
      const el = box.current;
      if (!el) return;
      el.replaceChildren(docToDom(document, mrkdwnToDoc(mrkdwn), namesRef.current));
      markEmpty();
    },
    [markEmpty],
  );

  useImperativeHandle(
    ref,
    (): RichEditorHandle => ({
      doc: () => (box.current ? domToDoc(box.current, namesRef.current) : []),
      mrkdwn: () => (box.current ? docToMrkdwn(domToDoc(box.current, namesRef.current)) : ""),
      plain: () => (box.current?.innerText ?? "").replace(/\u200b/g, ""),
      load,
      clear: () => load(""),
      focus: () => {
        const el = box.current;
        if (!el) return;
        el.focus();
        const sel = window.getSelection();
        // After load() the old caret is gone (the selection falls back to the box): go to the end.
        if (sel && (!el.contains(sel.anchorNode) || sel.anchorNode === el)) {
          sel.selectAllChildren(el);
          sel.collapseToEnd();
        }
      },
      format: (command) => {
        if (box.current) applyFormat(box.current, command);
        markEmpty();
        onInput?.();
      },
      insertText: (text) => {
        const el = box.current;
        if (!el) return;
        if (!selectionIn(el)) {
          el.focus();
          window.getSelection()?.selectAllChildren(el);
          window.getSelection()?.collapseToEnd();
        }
        exec("insertText", text);
      },
      textBeforeCaret: () => {
        const el = box.current;
        const sel = el ? selectionIn(el) : null;
        if (!sel || !sel.isCollapsed || !(sel.anchorNode instanceof Text)) return "";
        return sel.anchorNode.data.slice(0, sel.anchorOffset);
      },
      replaceBeforeCaret: (count, text) => {
        const el = box.current;
        const sel = el ? selectionIn(el) : null;
        if (!sel || !(sel.anchorNode instanceof Text)) return;
        const range = document.createRange();
        range.setStart(sel.anchorNode, Math.max(0, sel.anchorOffset - count));
        range.setEnd(sel.anchorNode, sel.anchorOffset);
        sel.removeAllRanges();
        sel.addRange(range);
        exec("insertText", text);
      },
      element: () => box.current,
    }),
    [load, markEmpty, onInput],
  );

  // The first content (a draft, or the message being edited): loaded once per mount.
  const initialRef = useRef(initial);
  useEffect(() => {
    load(initialRef.current ?? "");
  }, [load]);

  return (
    <div
      ref={box}
      className={`rich-input ${className ?? ""}`}
      contentEditable
      suppressContentEditableWarning
      role="textbox"
      aria-multiline="true"
      aria-label={label}
      aria-autocomplete="list"
      aria-controls={ariaControls}
      aria-activedescendant={ariaActiveDescendant}
      data-placeholder={placeholder}
      spellCheck
      onInput={() => {
        if (box.current) blockShortcut(box.current);
        markEmpty();
        onInput?.();
      }}
      onKeyUp={onCaret}
      onMouseUp={onCaret}
      onPaste={(e) => {
        onPaste?.(e);
        if (e.defaultPrevented) return;
        // Pasted text arrives as text: no foreign HTML, styles or scripts in the editor.
        const text = e.clipboardData.getData("text/plain");
        e.preventDefault();
        if (text) exec("insertText", text);
      }}
      onKeyDown={(e) => {
        const command = shortcutCommand(e);
        if (command && box.current) {
          e.preventDefault();
          applyFormat(box.current, command);
          markEmpty();
          onInput?.();
          return;
        }
        onKeyDown?.(e);
      }}
    />
  );
}

/** Is the caret in a list item or code block (where Enter adds a line instead of sending)? */
export function caretInMultilineBlock(el: HTMLElement | null): boolean {
  if (!el) return false;
  const sel = selectionIn(el);
  return !!sel && !!closestIn(el, sel.anchorNode, "li, pre");
}
