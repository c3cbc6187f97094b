// A message's "⋯" menu: mark unread, remind me, copy link/text, forward, pin, save, edit,
// delete, then the message shortcuts of installed apps. Opened by the button, or by a long
// press on the message on touch screens (MessageItem calls `openMessageMenu`).
import { Popover } from "./Popover";
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from "react";
import { ApiError } from "../api/client";
import type { Message } from "../api/types";
import { useAppState, useController } from "../app/context";
import { copyText, forwardMessage, isSaved, markUnread, remindAbout, toggleSaved } from "../app/messageActions";
import { displayName } from "../lib/names";
import { remindOptions } from "../lib/share";
import { Modal } from "./Dialog";
import type { MessageHandlers } from "./MessageItem";
import { useApps } from "./SlashCommands";
import "./MessageMenu.css";

const MoreIcon = () => (
  <svg className="icon" width={20} height={20} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <circle cx="5" cy="12" r="1.8" fill="currentColor" />
    <circle cx="12" cy="12" r="1.8" fill="currentColor" />
    <circle cx="19" cy="12" r="1.8" fill="currentColor" />
  </svg>
);

interface Props {
  channel: string;
  message: Message;
  own: boolean;
  handlers: MessageHandlers;
  /** Changes when a long press asks for the menu. */
  openSignal?: number;
}

function moveFocus(e: KeyboardEvent<HTMLElement>, box: HTMLElement | null): void {
  if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
  e.preventDefault();
  const items = Array.from(box?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? []);
  const i = items.indexOf(document.activeElement as HTMLElement);
  items[(i + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length]?.focus();
}

export function MessageMenu({ channel, message, own, handlers, openSignal = 0 }: Props) {
  const c = useController();
  const [open, setOpen] = useState(false);
  const [reminding, setReminding] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const all = useApps((s) => s.shortcuts);
  const appShortcuts = all ? all.filter((s) => s.type === "message") : [];
  const pinned = message.pinned_to?.includes(channel);
  const saved = isSaved(channel, message);

  useEffect(() => {
    if (openSignal > 0) setOpen(true);
  }, [openSignal]);

  useEffect(() => {
    if (!open) return;
    box.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
    const outside = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) close();
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [open, reminding]);

  const close = () => {
    setOpen(false);
    setReminding(false);
  };
  const act = (run: () => Promise<string | void> | void) => {
    close();
    const done = run();
    if (done) void done.then((note) => note && c.toast(note));
  };

  return (
    <span className="picker-anchor">
      <button
        type="button"
        className="icon-button"
        aria-label="More actions"
        title="More actions"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => {
          void c.apps.loadCommands();
          setOpen((v) => !v);
          setReminding(false);
        }}
      >
        <MoreIcon />
      </button>
      {open && (
        <Popover popover={box} align="end">
        <div
          className="menu shortcut-menu shortcut-menu-message message-menu"
          role="menu"
          aria-label="More actions"
          ref={box}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.stopPropagation();
              if (reminding) setReminding(false);
              else close();
              return;
            }
            moveFocus(e, box.current);
          }}
        >
          {reminding ? (
            <>
              <div className="menu-heading">Remind me about this</div>
              {remindOptions(new Date()).map((o) => (
                <button key={o.label} type="button" role="menuitem" className="menu-item" onClick={() => act(() => remindAbout(c, channel, message, o.time))}>
                  {o.label}
                </button>
              ))}
              <button type="button" role="menuitem" className="menu-item muted" onClick={() => setReminding(false)}>
                Back
              </button>
            </>
          ) : (
            <>
              <button type="button" role="menuitem" className="menu-item" onClick={() => act(() => markUnread(c, channel, message))}>
                Mark unread
              </button>
              <button type="button" role="menuitem" className="menu-item" aria-haspopup="menu" onClick={() => setReminding(true)}>
                Remind me about this…
              </button>
              <hr className="menu-sep" />
              <button type="button" role="menuitem" className="menu-item" onClick={() => act(() => c.messages.copyLink(channel, message))}>
                Copy link
              </button>
              <button type="button" role="menuitem" className="menu-item" onClick={() => act(() => copyText(c, message))}>
                Copy text
              </button>
              <button type="button" role="menuitem" className="menu-item" onClick={() => act(() => openForward(channel, message))}>
                Forward message…
              </button>
              <hr className="menu-sep" />
              <button type="button" role="menuitem" className="menu-item" onClick={() => act(() => c.reactions.togglePin(channel, message))}>
                {pinned ? "Unpin from channel" : "Pin to channel"}
              </button>
              <button type="button" role="menuitem" className="menu-item" onClick={() => act(() => toggleSaved(c, channel, message))}>
                {saved ? "Remove from saved items" : "Save for later"}
              </button>
              {own && (
                <>
                  <hr className="menu-sep" />
                  <button type="button" role="menuitem" className="menu-item" onClick={() => act(() => handlers.startEdit(message.ts))}>
                    Edit message
                  </button>
                  <button type="button" role="menuitem" className="menu-item menu-danger" onClick={() => act(() => handlers.askDelete(message))}>
                    Delete message…
                  </button>
                </>
              )}
              {appShortcuts.length > 0 && (
                <>
                  <hr className="menu-sep" />
                  <div className="menu-heading">App shortcuts</div>
                  {appShortcuts.map((s) => (
                    <button key={`${s.app_id}:${s.callback_id}`} type="button" role="menuitem" className="menu-item shortcut-item" onClick={() => act(() => void c.apps.shortcut(s, { channel, ts: message.ts }).catch(() => c.toast("The shortcut could not run")))}>
                      <span>{s.name}</span>
                    </button>
                  ))}
                </>
              )}
            </>
          )}
        </div>
        </Popover>
      )}
    </span>
  );
}

/** Pick a conversation, add a note, share: the original travels as an attachment. */
const FORWARD_EVENT = "parley:forward";

/** Opens the forward dialog for a message. It lives above the message list (ForwardHost):
 * the message's own actions unmount as soon as the pointer leaves it, which the menu,
 * drawn above the app, makes it do. */
function openForward(channel: string, message: Message): void {
  window.dispatchEvent(new CustomEvent(FORWARD_EVENT, { detail: { channel, message } }));
}

/** Where the forward dialog is drawn; mounted once by the workspace. */
export function ForwardHost() {
  const [target, setTarget] = useState<{ channel: string; message: Message } | null>(null);
  useEffect(() => {
    const open = (e: Event) => setTarget((e as CustomEvent<{ channel: string; message: Message }>).detail);
    window.addEventListener(FORWARD_EVENT, open);
    return () => window.removeEventListener(FORWARD_EVENT, open);
  }, []);
  return target ? <ForwardDialog channel={target.channel} message={target.message} onClose={() => setTarget(null)} /> : null;
}

export function ForwardDialog({ channel, message, onClose }: { channel: string; message: Message; onClose: () => void }) {
  const c = useController();
  const conversations = useAppState((s) => s.conversations);
  const users = useAppState((s) => s.users);
  const [query, setQuery] = useState("");
  const [target, setTarget] = useState<string>("");
  const [note, setNote] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const choices = useMemo(() => {
    const q = query.trim().toLowerCase().replace(/^[#@]/, "");
    return Object.values(conversations)
      .filter((ch) => ch.is_member !== false && !ch.is_archived)
      .map((ch) => ({ id: ch.id, label: ch.is_im ? `@${displayName(users[ch.user ?? ""], ch.user ?? "")}` : `#${ch.name ?? ch.id}` }))
      .filter((ch) => !q || ch.label.toLowerCase().includes(q))
      .sort((a, b) => a.label.localeCompare(b.label))
      .slice(0, 50);
  }, [conversations, users, query]);

  return (
    <Modal
      title="Forward message"
      onClose={onClose}
      onSubmit={(e) => {
        e.preventDefault();
        if (!target || busy) return;
        setBusy(true);
        forwardMessage(c, channel, message, target, note.trim()).then(
          () => {
            c.toast("Message forwarded");
            onClose();
          },
          (err) => {
            setBusy(false);
            setError(`Could not forward: ${err instanceof ApiError ? err.error.replace(/_/g, " ") : "network error"}`);
          },
        );
      }}
    >
      <label className="field">
        <span>Share with</span>
        <input className="input" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search for a channel or person" aria-label="Search conversations" />
      </label>
      <div className="forward-choices" role="radiogroup" aria-label="Conversation">
        {choices.map((ch) => (
          <label key={ch.id} className={`forward-choice ${target === ch.id ? "forward-choice-on" : ""}`}>
            <input type="radio" name="forward-target" value={ch.id} checked={target === ch.id} onChange={() => setTarget(ch.id)} />
            {ch.label}
          </label>
        ))}
        {choices.length === 0 && <p className="muted small">No conversation matches.</p>}
      </div>
      <label className="field">
        <span>Add a message (optional)</span>
        <textarea className="input" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <blockquote className="forward-preview small">{message.text}</blockquote>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" className="button button-secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={!target || busy}>
          Forward
        </button>
      </div>
    </Modal>
  );
}
