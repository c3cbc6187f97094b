import { memo, useCallback, useLayoutEffect, useRef, useState, type MouseEvent } from "react";
import type { Message, User } from "../api/types";
import { useAppState, useController } from "../app/context";
import { plainText } from "../lib/compose";
import { emojify } from "../lib/emoji";
import { displayName } from "../lib/names";
import { containsWithPopovers } from "../lib/popover";
import { navigate } from "../lib/router";
import { formatDay, formatFull, formatTime, permalinkPath, tsToDate } from "../lib/ts";
import { Avatar } from "./Avatar";
import { Emoji } from "./Emoji";
import { EmojiPicker } from "./EmojiPicker";
import { Icon } from "./Icons";
import { EditBox } from "./EditBox";
import { EphemeralNote, isEphemeral } from "./SlashCommands";
import { MessageMenu } from "./MessageMenu";
import { Attachments } from "./Attachments";
import { MessageFiles } from "./Files";
import { PermanentFailure } from "./SendFailure";

export interface MessageHandlers {
  openThread?: (ts: string) => void;
  startEdit: (ts: string) => void;
  stopEdit: () => void;
  askDelete: (message: Message) => void;
}

interface Props {
  message: Message;
  channel: string;
  continuation: boolean;
  editing: boolean;
  highlighted?: boolean;
  inThread?: boolean;
  handlers: MessageHandlers;
}

/** Same-origin links (permalinks) open inside the app instead of reloading the page. */
function followInApp(e: MouseEvent<HTMLElement>): void {
  const a = (e.target as HTMLElement).closest("a");
  if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
  const href = a.getAttribute("href") ?? "";
  let url: URL;
  try {
    url = new URL(href, window.location.href);
  } catch {
    return;
  }
  if (url.origin === window.location.origin && /^\/(archives|client)\//.test(url.pathname)) {
    e.preventDefault();
    navigate(url.pathname + url.search);
  } else if (url.origin !== window.location.origin) {
    a.setAttribute("target", "_blank");
    a.setAttribute("rel", "noopener noreferrer");
  }
}

/** Turns `:name:` codes in the rendered message's text nodes into emoji (text only, no HTML). */
function emojifyTextNodes(root: HTMLElement): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue ?? "";
    if (!text.includes(":") || (node.parentElement && node.parentElement.closest("code, pre"))) continue;
    const replaced = emojify(text);
    if (replaced !== text) node.nodeValue = replaced;
  }
}

/** Mentions show the person's current name: the server rendered the name they had when the
 * message was posted, which went stale after a rename. */
function refreshMentionNames(root: HTMLElement, users: Record<string, User>): void {
  for (const span of root.querySelectorAll<HTMLElement>("span.mention[data-user-id]")) {
    const user = users[span.dataset.userId ?? ""];
    if (!user) continue;
    const text = `@${displayName(user)}`;
    if (span.textContent !== text) span.textContent = text;
  }
}

/** "(edited)" at the end of the text's last line (its own line read as a separate item):
 * into the last paragraph, quote or list item of the rendered HTML. */
function markEdited(root: HTMLElement): void {
  root.querySelector(":scope .msg-edited")?.remove();
  let target: Element = root;
  while (target.lastElementChild && /^(P|BLOCKQUOTE|UL|OL|LI|DIV)$/.test(target.lastElementChild.tagName) && !target.lastElementChild.classList.contains("msg-edited")) {
    target = target.lastElementChild;
  }
  const marker = document.createElement("span");
  marker.className = "msg-edited";
  marker.textContent = "(edited)";
  target.append(" ", marker);
}

function HtmlBody({ html, channel, ts, edited }: { html: string; channel: string; ts: string; edited: boolean }) {
  const c = useController();
  const ref = useRef<HTMLDivElement>(null);
  const users = useAppState((s) => s.users);
  useLayoutEffect(() => {
    if (ref.current) emojifyTextNodes(ref.current);
  }, [html]);
  useLayoutEffect(() => {
    if (ref.current) refreshMentionNames(ref.current, users);
  }, [html, users]);
  useLayoutEffect(() => {
    if (ref.current && edited) markEdited(ref.current);
  }, [html, edited]);
  const onClick = (e: MouseEvent<HTMLElement>) => {
    const button = (e.target as HTMLElement).closest<HTMLButtonElement>("button[data-action-id]");
    if (!button) {
      followInApp(e);
      return;
    }
    // A Block Kit button of an app's message: tell the app (it answers through its own calls).
    const url = button.dataset.url;
    if (url) window.open(url, "_blank", "noopener,noreferrer");
    button.disabled = true;
    void c.api
      .call("interactions.blockAction", { channel, ts, action_id: button.dataset.actionId, block_id: button.dataset.blockId, value: button.dataset.value })
      .catch(() => c.toast("The app did not respond"))
      .finally(() => {
        button.disabled = false;
      });
  };
  // Server-rendered and sanitised: the only HTML the client ever injects.
  return <div ref={ref} className="msg-text" onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />;
}

function MessageBody({ message, channel }: { message: Message; channel: string }) {
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  if (message.deleted || message.subtype === "tombstone") return <p className="msg-deleted">This message was deleted.</p>;
  const edited = !!message.edited;
  if (message.html) return <HtmlBody html={message.html} channel={channel} ts={message.ts} edited={edited} />;
  return (
    <div className="msg-text msg-plain">
      {emojify(plainText(message.text ?? "", users, conversations))}
      {edited && <span className="msg-edited">(edited)</span>}
    </div>
  );
}

function Reactions({ message, channel, selfId }: { message: Message; channel: string; selfId: string }) {
  const c = useController();
  const users = useAppState((s) => s.users);
  const [picking, setPicking] = useState(false);
  if (!message.reactions?.length) return null;
  return (
    <div className="reactions" role="group" aria-label="Reactions">
      {message.reactions.map((r) => {
        const mine = r.users.includes(selfId);
        const who = r.users.map((u) => (u === selfId ? "you" : displayName(users[u], u))).join(", ");
        return (
          <button
            key={r.name}
            type="button"
            className={`reaction ${mine ? "reaction-mine" : ""}`}
            aria-pressed={mine}
            aria-label={`${r.name} reaction by ${who}, ${r.count}`}
            title={`${who} reacted with :${r.name}:`}
            onClick={() => void c.reactions.toggleReaction(channel, message, r.name)}
          >
            <Emoji name={r.name} /> <span className="reaction-count">{r.count}</span>
          </button>
        );
      })}
      <span className="picker-anchor">
        <button type="button" className="reaction reaction-add" aria-label="Add reaction" onClick={() => setPicking(true)}>
          <Icon name="smile" size={16} />
        </button>
        {picking && (
          <EmojiPicker
            onClose={() => setPicking(false)}
            onPick={(name) => {
              setPicking(false);
              void c.reactions.toggleReaction(channel, message, name);
            }}
          />
        )}
      </span>
    </div>
  );
}

function ThreadSummary({ message, onOpen }: { message: Message; onOpen: () => void }) {
  const users = useAppState((s) => s.users);
  const count = message.reply_count ?? 0;
  if (count === 0) return null;
  return (
    <button type="button" className="thread-summary" onClick={onOpen}>
      <span className="thread-avatars">
        {(message.reply_users ?? []).slice(0, 4).map((u) => (
          <Avatar key={u} id={u} user={users[u]} size={20} />
        ))}
      </span>
      <span className="thread-count">
        {count} {count === 1 ? "reply" : "replies"}
      </span>
      {message.latest_reply && (
        <span className="muted small">
          Last reply {formatDay(message.latest_reply).toLowerCase()} at {formatTime(message.latest_reply)}
        </span>
      )}
    </button>
  );
}

function Actions({ message, channel, own, inThread, handlers, menuSignal }: { message: Message; channel: string; own: boolean; inThread?: boolean; handlers: MessageHandlers; menuSignal: number }) {
  const c = useController();
  const [picking, setPicking] = useState(false);
  const pinned = message.pinned_to?.includes(channel);
  return (
    <div className={`msg-actions ${picking ? "msg-actions-open" : ""}`} role="toolbar" aria-label="Message actions">
      <span className="picker-anchor">
        <button type="button" className="icon-button" aria-label="Add reaction" title="Add reaction" onClick={() => setPicking((p) => !p)}>
          <Icon name="smile" />
        </button>
        {picking && (
          <EmojiPicker
            onClose={() => setPicking(false)}
            onPick={(name) => {
              setPicking(false);
              void c.reactions.toggleReaction(channel, message, name);
            }}
          />
        )}
      </span>
      {!inThread && handlers.openThread && (
        <button type="button" className="icon-button" aria-label="Reply in thread" title="Reply in thread" onClick={() => handlers.openThread?.(message.thread_ts ?? message.ts)}>
          <Icon name="thread" />
        </button>
      )}
      {own && (
        <button type="button" className="icon-button" aria-label="Edit message" title="Edit" onClick={() => handlers.startEdit(message.ts)}>
          <Icon name="edit" />
        </button>
      )}
      <button type="button" className={`icon-button ${pinned ? "icon-button-on" : ""}`} aria-label={pinned ? "Unpin message" : "Pin message"} title={pinned ? "Unpin" : "Pin"} onClick={() => void c.reactions.togglePin(channel, message)}>
        <Icon name="pin" />
      </button>
      <button type="button" className="icon-button" aria-label="Copy link to message" title="Copy link" onClick={() => void c.messages.copyLink(channel, message)}>
        <Icon name="link" />
      </button>
      <MessageMenu channel={channel} message={message} own={own} handlers={handlers} openSignal={menuSignal} />
      {own && (
        <button type="button" className="icon-button icon-danger" aria-label="Delete message" title="Delete" onClick={() => handlers.askDelete(message)}>
          <Icon name="trash" />
        </button>
      )}
    </div>
  );
}

function MessageItemImpl({ message, channel, continuation, editing, highlighted, inThread, handlers }: Props) {
  const c = useController();
  const selfId = useAppState((s) => s.self?.userId ?? "");
  const user = useAppState((s) => (message.user ? s.users[message.user] : undefined));
  const name = displayName(user, message.username ?? (message.bot_id ? "App" : "Unknown"));
  const gone = !!message.deleted || message.subtype === "tombstone";
  const own = !!message.user && message.user === selfId && !message.local && !gone;
  const time = formatTime(message.ts);
  const fullTime = formatFull(message.ts);
  const openThread = useCallback(() => handlers.openThread?.(message.ts), [handlers, message.ts]);
  const showThreadSummary = !inThread && message.thread_ts === message.ts;
  const broadcast = message.subtype === "thread_broadcast";
  const ephemeral = isEphemeral(message);
  const classes = ["msg", continuation ? "msg-cont" : "", message.local ? `msg-${message.local}` : "", highlighted ? "msg-highlight" : "", editing ? "msg-editing" : ""].join(" ");

  // The action toolbar exists only while the pointer or focus is on the message: rendering
  // it for every row would double the DOM the list builds while scrolling.
  const [active, setActive] = useState(false);
  // A long press (touch) opens the "⋯" menu, as on phones.
  const [menuSignal, setMenuSignal] = useState(0);
  const pressTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const endPress = () => clearTimeout(pressTimer.current);
  return (
    <article
      className={classes}
      aria-label={`${name}, ${fullTime}`}
      data-ts={message.ts}
      onTouchStart={() => {
        endPress();
        pressTimer.current = setTimeout(() => {
          setActive(true);
          setMenuSignal((n) => n + 1);
        }, 500);
      }}
      onTouchEnd={endPress}
      onTouchMove={endPress}
      onMouseEnter={() => setActive(true)}
      onMouseLeave={(e) => {
        if (!containsWithPopovers(e.currentTarget, document.activeElement)) setActive(false);
      }}
      onFocus={() => setActive(true)}
      onBlur={(e) => {
        if (!containsWithPopovers(e.currentTarget, e.relatedTarget as Node | null) && !e.currentTarget.matches(":hover")) setActive(false);
      }}
    >
      <div className="msg-gutter">
        {continuation ? (
          <a className="msg-hover-time" href={permalinkPath(channel, message.ts)} onClick={followInApp} aria-label={`Link to message at ${fullTime}`}>
            {time.replace(/\s?[AP]M$/i, "")}
          </a>
        ) : (
          // Clicking the avatar opens the card too; keyboard users have the name's button.
          <span className="msg-person" data-profile-user={message.user}>
            <Avatar id={message.user ?? message.bot_id ?? "bot"} user={user} />
          </span>
        )}
      </div>
      <div className="msg-main">
        {!continuation && (
          <div className="msg-header">
            {message.user && !gone ? (
              <button type="button" className="msg-person" data-profile-user={message.user}>
                <span className="msg-author">{name}</span>
              </button>
            ) : (
              <span className="msg-author">{gone ? "Deleted message" : name}</span>
            )}
            {user?.is_bot && <span className="badge-app">APP</span>}
            <a className="msg-time" href={permalinkPath(channel, message.ts, message.thread_ts)} onClick={followInApp} title={fullTime}>
              <time dateTime={tsToDate(message.ts).toISOString()}>{time}</time>
            </a>
          </div>
        )}
        {broadcast && <p className="muted small">replied to a thread</p>}
        {editing ? (
          <EditBox message={message} onCancel={handlers.stopEdit} onSave={(result) => {
            handlers.stopEdit();
            if (!result) return;
            if (message.local) c.messages.resendEdited(channel, message, result);
            else void c.messages.editPrepared(channel, message.ts, result);
          }} />
        ) : (
          <>
            <MessageBody message={message} channel={channel} />
            {message.pinned_to?.includes(channel) && (
              <span className="msg-pinned">
                <Icon name="pin" size={12} /> Pinned
              </span>
            )}
          </>
        )}
        {!gone && !!message.attachments?.length && <Attachments message={message} channel={channel} />}
        {!gone && !!message.files?.length && <MessageFiles files={message.files} />}
        {ephemeral && <EphemeralNote channel={channel} message={message} />}
        <Reactions message={message} channel={channel} selfId={selfId} />
        {showThreadSummary && <ThreadSummary message={message} onOpen={openThread} />}
        {message.local === "sending" && <span className="msg-status">Sending…</span>}
        {message.local === "failed" && !message.send_error && (
          <span className="msg-status msg-status-failed" role="alert">
            Not sent.{" "}
            <button type="button" className="link-button" onClick={() => c.messages.retry(channel, message)}>
              Retry
            </button>{" "}
            ·{" "}
            <button type="button" className="link-button" onClick={() => c.messages.discard(channel, message)}>
              Discard
            </button>
          </span>
        )}
        {message.local === "failed" && message.send_error && !editing && <PermanentFailure message={message} channel={channel} onEdit={() => handlers.startEdit(message.ts)} />}
      </div>
      {active && !message.local && !gone && !editing && !ephemeral && <Actions message={message} channel={channel} own={own} inThread={inThread} handlers={handlers} menuSignal={menuSignal} />}
    </article>
  );
}

export const MessageItem = memo(MessageItemImpl);
