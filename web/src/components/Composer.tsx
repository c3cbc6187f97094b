import { useEffect, useId, useMemo, useRef, useState } from "react";
import { useAppState, useController } from "../app/context";
import { applyCompletion, findTrigger, prefixLines, type Trigger, wrapSelection } from "../lib/compose";
import { searchEmoji } from "../lib/emoji";
import { displayName } from "../lib/names";
import { Avatar } from "./Avatar";
import { Emoji } from "./Emoji";
import { EmojiPicker } from "./EmojiPicker";
import { AttachButton, UploadTray, useComposerFiles } from "./Files";
import { Icon, type IconName } from "./Icons";
import { ShortcutsButton, useSlash } from "./SlashCommands";
import { useTextLimit } from "./TextLimit";

interface Suggestion {
  id: string;
  insert: string;
  label: string;
  detail?: string;
  kind: Trigger["kind"];
}

interface Props {
  channel: string;
  threadTs?: string;
  label: string;
  placeholder: string;
  onEditLast?: () => void;
  autoFocus?: boolean;
}

const SPECIAL_MENTIONS = [
  { name: "here", detail: "Notify everyone online in this conversation" },
  { name: "channel", detail: "Notify everyone in this conversation" },
];

function useSuggestions(trigger: Trigger | null): Suggestion[] {
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  const custom = useAppState((s) => s.customEmoji);
  return useMemo(() => {
    if (!trigger) return [];
    const q = trigger.query.toLowerCase();
    if (trigger.kind === "user") {
      const people = Object.values(users)
        .filter((u) => !u.deleted)
        .filter((u) => [u.name, u.profile?.display_name, u.profile?.real_name, u.real_name].some((n) => n?.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)) || n?.toLowerCase().startsWith(q)))
        .slice(0, 8)
        .map((u): Suggestion => ({ id: u.id, insert: `@${u.name}`, label: displayName(u), detail: `@${u.name}`, kind: "user" }));
      const special = SPECIAL_MENTIONS.filter((m) => m.name.startsWith(q)).map((m): Suggestion => ({ id: m.name, insert: `@${m.name}`, label: `@${m.name}`, detail: m.detail, kind: "user" }));
      return [...people, ...special].slice(0, 8);
    }
    if (trigger.kind === "channel") {
      return Object.values(conversations)
        .filter((c) => c.name && !c.is_im && !c.is_mpim && !c.is_archived && c.name.toLowerCase().includes(q))
        .sort((a, b) => Number(!a.name?.startsWith(q)) - Number(!b.name?.startsWith(q)))
        .slice(0, 8)
        .map((c): Suggestion => ({ id: c.id, insert: `#${c.name}`, label: `#${c.name}`, detail: c.is_private ? "private" : undefined, kind: "channel" }));
    }
    return searchEmoji(q, custom).map((name): Suggestion => ({ id: name, insert: `:${name}:`, label: `:${name}:`, kind: "emoji" }));
  }, [trigger, users, conversations, custom]);
}

const TOOLS: { icon: IconName; label: string; apply: (t: string, s: number, e: number) => { text: string; start: number; end: number } }[] = [
  { icon: "bold", label: "Bold", apply: (t, s, e) => wrapSelection(t, s, e, "*") },
  { icon: "italic", label: "Italic", apply: (t, s, e) => wrapSelection(t, s, e, "_") },
  { icon: "strike", label: "Strikethrough", apply: (t, s, e) => wrapSelection(t, s, e, "~") },
  { icon: "code", label: "Code", apply: (t, s, e) => wrapSelection(t, s, e, "`") },
  { icon: "codeBlock", label: "Code block", apply: (t, s, e) => wrapSelection(t, s, e, "```\n", "\n```") },
  { icon: "link", label: "Link", apply: (t, s, e) => wrapSelection(t, s, e, "<https://|", ">") },
  { icon: "list", label: "Bulleted list", apply: (t, s, e) => prefixLines(t, s, e, "• ") },
  { icon: "quote", label: "Quote", apply: (t, s, e) => prefixLines(t, s, e, "> ") },
];

export function Composer({ channel, threadTs, label, placeholder, onEditLast, autoFocus }: Props) {
  const c = useController();
  const key = c.messages.draftKey(channel, threadTs);
  const [text, setText] = useState(() => c.drafts.get(key));
  const [caret, setCaret] = useState(0);
  const [selected, setSelected] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const [showEmoji, setShowEmoji] = useState(false);
  const [broadcast, setBroadcast] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const connection = useAppState((s) => s.connection);
  const files = useComposerFiles(channel, threadTs);
  const users = useAppState((s) => s.users);
  const limit = useTextLimit(text);

  // A different conversation: its own draft.
  useEffect(() => {
    setText(c.drafts.get(key));
    setDismissed(null);
    if (autoFocus !== false) area.current?.focus();
  }, [key, c, autoFocus]);

  const trigger = useMemo(() => {
    const t = findTrigger(text, caret);
    return t && t.start !== dismissed ? t : null;
  }, [text, caret, dismissed]);
  const suggestions = useSuggestions(trigger);
  const open = suggestions.length > 0;
  const slash = useSlash(channel, text, (next, nextCaret) => update(next, nextCaret));

  const update = (next: string, nextCaret?: number) => {
    setText(next);
    c.drafts.set(key, next);
    if (nextCaret !== undefined) {
      setCaret(nextCaret);
      requestAnimationFrame(() => {
        const el = area.current;
        // Typed into since (fast typing after a completion): the caret is already right.
        if (!el || el.value !== next) return;
        el.focus();
        el.setSelectionRange(nextCaret, nextCaret);
      });
    }
  };

  const pick = (s: Suggestion) => {
    if (!trigger) return;
    const r = applyCompletion(text, caret, trigger, s.insert);
    update(r.text, r.caret);
    setSelected(0);
  };

  const send = () => {
    if (limit.over) return; // the counter says why; the server would refuse it
    if (slash.run(text)) return; // `/cmd text` runs the app's command instead of posting
    if (files.hasFiles) {
      // Staged files go out as one message, with the text as its comment.
      if (files.share(text.trim(), setText)) update("");
      return;
    }
    if (!text.trim()) return;
    c.messages.send(channel, text.trim(), threadTs, broadcast);
    update("");
    setBroadcast(false);
  };

  const tool = (apply: (t: string, s: number, e: number) => { text: string; start: number; end: number }) => {
    const el = area.current;
    if (!el) return;
    const r = apply(text, el.selectionStart, el.selectionEnd);
    update(r.text);
    requestAnimationFrame(() => {
      if (el.value !== r.text) return; // typed into since: leave the caret where it is
      el.focus();
      el.setSelectionRange(r.start, r.end);
    });
  };

  const insertEmoji = (name: string) => {
    const el = area.current;
    const at = el ? el.selectionStart : text.length;
    const insert = `:${name}: `;
    update(text.slice(0, at) + insert + text.slice(at), at + insert.length);
    setShowEmoji(false);
  };

  return (
    <div className="composer">
      {open && (
        <ul className="autocomplete" role="listbox" id={listId} aria-label="Suggestions">
          {suggestions.map((s, i) => (
            <li
              key={s.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === selected % suggestions.length}
              className={i === selected % suggestions.length ? "autocomplete-selected" : ""}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(s);
              }}
            >
              {s.kind === "user" && s.id.startsWith("U") && <Avatar id={s.id} user={users[s.id]} size={20} />}
              {s.kind === "emoji" && <Emoji name={s.id} />}
              <span className="autocomplete-label">{s.label}</span>
              {s.detail && <span className="muted small">{s.detail}</span>}
            </li>
          ))}
        </ul>
      )}
      {slash.menu}
      {slash.error}
      <div className="composer-box">
        <textarea
          ref={area}
          className="composer-input"
          aria-label={label}
          placeholder={placeholder}
          value={text}
          rows={1}
          aria-autocomplete="list"
          aria-controls={open ? listId : slash.listId}
          aria-activedescendant={open ? `${listId}-${selected % suggestions.length}` : slash.activeId}
          onChange={(e) => {
            update(e.target.value);
            setCaret(e.target.selectionStart);
            setSelected(0);
            if (e.target.value.trim()) c.messages.typing(channel);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onPaste={files.onPaste}
          onKeyDown={(e) => {
            if (e.nativeEvent.isComposing) return;
            if (slash.onKeyDown(e)) return;
            if (open) {
              if (e.key === "ArrowDown" || e.key === "ArrowUp") {
                e.preventDefault();
                setSelected((i) => (i + (e.key === "ArrowDown" ? 1 : suggestions.length - 1)) % suggestions.length);
                return;
              }
              if (e.key === "Enter" || e.key === "Tab") {
                e.preventDefault();
                pick(suggestions[selected % suggestions.length]);
                return;
              }
              if (e.key === "Escape") {
                e.preventDefault();
                e.stopPropagation();
                setDismissed(trigger?.start ?? null);
                return;
              }
            }
            if (e.key === "Enter" && !e.shiftKey && !e.altKey) {
              e.preventDefault();
              send();
            } else if (e.key === "ArrowUp" && !text && onEditLast && !e.altKey) {
              e.preventDefault();
              onEditLast();
            }
          }}
        />
        <UploadTray uploadKey={files.key} />
        <div className="composer-tools" role="toolbar" aria-label="Formatting">
          {TOOLS.map((t) => (
            <button key={t.label} type="button" className="icon-button" aria-label={t.label} title={t.label} onMouseDown={(e) => e.preventDefault()} onClick={() => tool(t.apply)}>
              <Icon name={t.icon} size={16} />
            </button>
          ))}
          <span className="picker-anchor picker-up">
            <button type="button" className="icon-button" aria-label="Insert emoji" title="Emoji" onClick={() => setShowEmoji((v) => !v)}>
              <Icon name="smile" size={16} />
            </button>
            {showEmoji && <EmojiPicker label="Insert emoji" onPick={insertEmoji} onClose={() => setShowEmoji(false)} />}
          </span>
          <AttachButton onFiles={files.add} />
          <ShortcutsButton />
          {threadTs && (
            <label className="broadcast small">
              <input type="checkbox" checked={broadcast} onChange={(e) => setBroadcast(e.target.checked)} /> Also send to channel
            </label>
          )}
          <span className="spacer" />
          {limit.counter}
          {connection !== "online" && <span className="muted small">Will send when reconnected</span>}
          <button type="button" className="send-button" aria-label="Send message" title="Send (Enter)" disabled={(!text.trim() && !files.hasFiles) || limit.over} onClick={send}>
            <Icon name="send" size={16} />
          </button>
        </div>
      </div>
    </div>
  );
}
