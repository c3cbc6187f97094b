import { useEffect, useId, useMemo, useRef, useState } from "react";
import { useAppState, useController } from "../app/context";
import { findTrigger, type Trigger } from "../lib/compose";
import { searchEmoji } from "../lib/emoji";
import { characterCount, MESSAGE_COUNTER_FROM, MESSAGE_TEXT_LIMIT } from "../lib/limits";
import { docToBlocks, docToMrkdwn, isEmptyDoc } from "../lib/richtext";
import { displayName } from "../lib/names";
import { Avatar } from "./Avatar";
import { Emoji } from "./Emoji";
import { EmojiPicker } from "./EmojiPicker";
import { AttachButton, UploadTray, useComposerFiles } from "./Files";
import { Icon, type IconName } from "./Icons";
import { caretInMultilineBlock, FORMAT_SHORTCUTS, type FormatCommand, RichEditor, type RichEditorHandle } from "./RichEditor";
import { ScheduleMenu } from "./ScheduleMenu";
import { ShortcutsButton, useSlash } from "./SlashCommands";

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

const TOOLS: { icon: IconName; label: string; command: FormatCommand }[] = [
  { icon: "bold", label: "Bold", command: "bold" },
  { icon: "italic", label: "Italic", command: "italic" },
  { icon: "strike", label: "Strikethrough", command: "strike" },
  { icon: "code", label: "Code", command: "code" },
  { icon: "codeBlock", label: "Code block", command: "codeBlock" },
  { icon: "link", label: "Link", command: "link" },
  { icon: "list", label: "Bulleted list", command: "bullet" },
  { icon: "list", label: "Numbered list", command: "ordered" },
  { icon: "quote", label: "Quote", command: "quote" },
];

const OrderedListIcon = () => (
  <svg className="icon" width={16} height={16} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path d="M10 6h11M10 12h11M10 18h11M4 4v4M3 8h2M3 14.5c0-1 2-1.5 2 0s-2 2-2 3.5h2" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
  </svg>
);

export function Composer({ channel, threadTs, label, placeholder, onEditLast, autoFocus }: Props) {
  const c = useController();
  const key = c.messages.draftKey(channel, threadTs);
  // Plain text as shown (slash commands, "is there anything"), mrkdwn length for the counter.
  const [text, setText] = useState(() => c.drafts.get(key));
  const [length, setLength] = useState(0);
  const [before, setBefore] = useState("");
  const [selected, setSelected] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const [showEmoji, setShowEmoji] = useState(false);
  const [broadcast, setBroadcast] = useState(false);
  const [limitError, setLimitError] = useState(false);
  const editor = useRef<RichEditorHandle>(null);
  const listId = useId();
  const connection = useAppState((s) => s.connection);
  const files = useComposerFiles(channel, threadTs);
  const users = useAppState((s) => s.users);

  // A different conversation: its own draft.
  useEffect(() => {
    const draft = c.drafts.get(key);
    editor.current?.load(draft);
    setText(editor.current?.plain() ?? draft);
    setLength(characterCount(draft));
    setDismissed(null);
    if (autoFocus !== false) editor.current?.focus();
  }, [key, c, autoFocus]);

  const trigger = useMemo(() => {
    const t = findTrigger(before, before.length);
    return t && t.start !== dismissed ? t : null;
  }, [before, dismissed]);
  const suggestions = useSuggestions(trigger);
  const open = suggestions.length > 0;

  /** After any change in the editor: draft, counter, triggers. */
  const changed = () => {
    const ed = editor.current;
    if (!ed) return;
    const mrkdwn = ed.mrkdwn();
    c.drafts.set(key, mrkdwn);
    setText(ed.plain());
    setLength(characterCount(mrkdwn));
    setBefore(ed.textBeforeCaret());
    setLimitError(false);
  };

  const slash = useSlash(channel, text.trim() ? text.replace(/\n$/, "") : "", (next) => {
    editor.current?.load(next);
    // A picked command keeps typing here; a finished one leaves focus where it went (/help).
    if (next) editor.current?.focus();
    changed();
  });

  const pick = (s: Suggestion) => {
    if (!trigger) return;
    editor.current?.replaceBeforeCaret(before.length - trigger.start, `${s.insert} `);
    setSelected(0);
    changed();
  };

  const send = () => {
    const ed = editor.current;
    if (!ed) return;
    const plain = ed.plain().trim();
    if (slash.run(plain)) return; // `/cmd text` runs the command instead of posting
    const doc = ed.doc();
    const mrkdwn = docToMrkdwn(doc);
    if (characterCount(mrkdwn) > MESSAGE_TEXT_LIMIT) {
      setLimitError(true); // refused here: the server would answer msg_too_long
      return;
    }
    if (files.hasFiles) {
      // Staged files go out as one message, with the text as its comment.
      if (files.share(mrkdwn, (t) => ed.load(t))) {
        ed.clear();
        changed();
      }
      return;
    }
    if (isEmptyDoc(doc)) return;
    c.messages.sendPrepared(channel, { text: mrkdwn, blocks: [docToBlocks(doc)] }, threadTs, broadcast);
    ed.clear();
    changed();
    setBroadcast(false);
  };

  const insertEmoji = (name: string) => {
    editor.current?.insertText(`:${name}: `);
    setShowEmoji(false);
    changed();
  };

  const over = length > MESSAGE_TEXT_LIMIT;

  /** The editor's content as a message to schedule (null when empty, too long or a command). */
  const prepareScheduled = () => {
    const ed = editor.current;
    if (!ed) return null;
    const doc = ed.doc();
    const mrkdwn = docToMrkdwn(doc);
    if (isEmptyDoc(doc) || ed.plain().trim().startsWith("/")) return null;
    if (characterCount(mrkdwn) > MESSAGE_TEXT_LIMIT) {
      setLimitError(true);
      return null;
    }
    return { text: mrkdwn, blocks: [docToBlocks(doc)] };
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
      {limitError && (
        <p className="slash-error" role="alert">
          This message is too long: the limit is {MESSAGE_TEXT_LIMIT.toLocaleString()} characters.
        </p>
      )}
      <div className="composer-box">
        <RichEditor
          ref={editor}
          className="composer-input"
          label={label}
          placeholder={placeholder}
          initial={c.drafts.get(key)}
          ariaControls={open ? listId : slash.listId}
          ariaActiveDescendant={open ? `${listId}-${selected % suggestions.length}` : slash.activeId}
          onInput={() => {
            changed();
            setSelected(0);
            if (editor.current?.plain().trim()) c.messages.typing(channel);
          }}
          onCaret={() => setBefore(editor.current?.textBeforeCaret() ?? "")}
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
            const sendKey = e.key === "Enter" && !e.shiftKey && !e.altKey && ((e.ctrlKey || e.metaKey) || !caretInMultilineBlock(editor.current?.element() ?? null));
            if (sendKey) {
              e.preventDefault();
              send();
            } else if (e.key === "ArrowUp" && !text.trim() && onEditLast && !e.altKey) {
              e.preventDefault();
              onEditLast();
            }
          }}
        />
        <UploadTray uploadKey={files.key} />
        <div className="composer-tools" role="toolbar" aria-label="Formatting">
          {TOOLS.map((t) => (
            <button key={t.label} type="button" className={`icon-button tool-${t.command}`} aria-label={t.label} title={`${t.label} (${FORMAT_SHORTCUTS[t.command]})`} onMouseDown={(e) => e.preventDefault()} onClick={() => editor.current?.format(t.command)}>
              {t.command === "ordered" ? <OrderedListIcon /> : <Icon name={t.icon} size={16} />}
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
          {connection !== "online" && <span className="muted small">Will send when reconnected</span>}
          {length >= MESSAGE_COUNTER_FROM && (
            <span className={`composer-counter small ${over ? "composer-counter-over" : "muted"}`} aria-live="polite">
              {over ? `${(length - MESSAGE_TEXT_LIMIT).toLocaleString()} characters over the limit` : `${(MESSAGE_TEXT_LIMIT - length).toLocaleString()} characters left`}
            </span>
          )}
          <ScheduleMenu channel={channel} threadTs={threadTs} prepare={prepareScheduled} disabled={!text.trim() || over || files.hasFiles} onScheduled={() => {
            editor.current?.clear();
            changed();
          }} />
          <button type="button" className="send-button" aria-label="Send message" title="Send (Enter)" disabled={(!text.trim() && !files.hasFiles) || over} onClick={send}>
            <Icon name="send" size={16} />
          </button>
        </div>
      </div>
    </div>
  );
}
