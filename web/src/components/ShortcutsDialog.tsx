// Ctrl+/ (or /help): the keyboard shortcuts and built-in commands that really exist.
import { useEffect, useState } from "react";
import { SHOW_SHORTCUTS_EVENT } from "../app/builtins";
import { BUILTIN_COMMANDS } from "../lib/builtins";
import { Modal } from "./Dialog";
import { FORMAT_SHORTCUTS } from "./RichEditor";
import "./MessageMenu.css";

const GENERAL: [string, string][] = [
  ["Ctrl+K", "Jump to a conversation"],
  ["Alt+↑ / Alt+↓", "Previous / next conversation"],
  ["Esc", "Mark the current conversation read"],
  ["Ctrl+/", "Show this list"],
];

const COMPOSING: [string, string][] = [
  ["Enter", "Send (in a list or code block: new line; Ctrl+Enter sends)"],
  ["Shift+Enter", "New line"],
  ["↑ in an empty composer", "Edit your last message"],
  ["@ / # / :", "Mention someone, link a channel, insert an emoji"],
  [FORMAT_SHORTCUTS.bold, "Bold"],
  [FORMAT_SHORTCUTS.italic, "Italic"],
  [FORMAT_SHORTCUTS.strike, "Strikethrough"],
  [FORMAT_SHORTCUTS.code, "Inline code"],
  [FORMAT_SHORTCUTS.codeBlock, "Code block"],
  [FORMAT_SHORTCUTS.link, "Link"],
  [FORMAT_SHORTCUTS.bullet, "Bulleted list"],
  [FORMAT_SHORTCUTS.ordered, "Numbered list"],
  [FORMAT_SHORTCUTS.quote, "Quote"],
  ["- , 1. , > , ``` at a line's start", "List, numbered list, quote, code block"],
  ["*bold* _italic_ ~strike~ `code`", "Typed markup is formatted when sent"],
];

function Section({ title, rows }: { title: string; rows: [string, string][] }) {
  return (
    <table className="shortcuts-table">
      <caption className="visually-hidden">{title}</caption>
      <thead>
        <tr>
          <th scope="col">{title}</th>
          <th scope="col">
            <span className="visually-hidden">What it does</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([keys, what]) => (
          <tr key={keys}>
            <td>
              <kbd>{keys}</kbd>
            </td>
            <td>{what}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Mounted once; opens on Ctrl+/ (Cmd+/) and on `/help`. */
export function ShortcutsDialog() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "/") {
        e.preventDefault();
        setOpen((v) => !v);
      }
    };
    const onShow = () => setOpen(true);
    window.addEventListener("keydown", onKey);
    window.addEventListener(SHOW_SHORTCUTS_EVENT, onShow);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener(SHOW_SHORTCUTS_EVENT, onShow);
    };
  }, []);
  if (!open) return null;
  return (
    <Modal title="Keyboard shortcuts" onClose={() => setOpen(false)} initialFocus={[".modal-close"]}>
      <div className="shortcuts-dialog-body" tabIndex={0} role="region" aria-label="Shortcuts list">
        <Section title="Everywhere" rows={GENERAL} />
        <Section title="Writing messages" rows={COMPOSING} />
        <Section title="Slash commands" rows={BUILTIN_COMMANDS.map((b) => [`${b.command} ${b.usage_hint}`.trim(), b.description])} />
      </div>
    </Modal>
  );
}
