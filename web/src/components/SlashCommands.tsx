// Where apps meet the chat UI: `/command` autocomplete and running in the composer, the
// global shortcuts menu (lightning button), a message's "More actions" shortcuts, the
// sidebar's Apps list, and the "Only visible to you" note of ephemeral messages.
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState, useSyncExternalStore } from "react";
import { ApiError } from "../api/client";
import type { Message, User } from "../api/types";
import { type AppsState, matchCommands, parseCommand, type Shortcut, type SlashCommand } from "../app/apps";
import { runBuiltin } from "../app/builtins";
import { useAppState, useController } from "../app/context";
import { REMIND_COMMAND, remindErrorText, runRemind } from "../app/features/remind";
import { BUILTIN_COMMANDS, isBuiltin } from "../lib/builtins";
import { displayName } from "../lib/names";
import { navigate } from "../lib/router";
import { Avatar } from "./Avatar";
import { Popover } from "./Popover";
import "./apps.css";

export function useApps<T>(select: (s: AppsState) => T): T {
  const c = useController();
  return useSyncExternalStore(c.apps.subscribe, () => select(c.apps.getState()));
}

/** Bot users of installed apps (they carry `profile.api_app_id`). */
export function appBots(users: Record<string, User>): User[] {
  return Object.values(users)
    .filter((u) => u.is_bot && !u.deleted && (u.profile as { api_app_id?: string } | undefined)?.api_app_id)
    .sort((a, b) => displayName(a).localeCompare(displayName(b)));
}

export function appIdOf(user: User | undefined): string {
  return (user?.profile as { api_app_id?: string } | undefined)?.api_app_id ?? "";
}

function useAppNames(): Record<string, string> {
  const users = useAppState((s) => s.users);
  const names: Record<string, string> = {};
  for (const u of appBots(users)) names[appIdOf(u)] = displayName(u);
  return names;
}

function commandError(e: unknown, command: string): string {
  if (e instanceof ApiError) {
    switch (e.error) {
      case "invalid_command":
        return `${command} is not a valid command. Type / to see the commands of this workspace's apps.`;
      case "dispatch_failed":
      case "operation_timeout":
        return `${command} failed: the app did not respond.`;
      case "not_in_channel":
      case "channel_not_found":
        return `${command} cannot be used here.`;
      default:
        return `${command} failed (${e.error.replace(/_/g, " ")}).`;
    }
  }
  return `${command} failed: network error.`;
}

const BoltIcon = () => (
  <svg className="icon" width={16} height={16} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path d="M13 2 4 14h7l-1 8 9-12h-7z" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" />
  </svg>
);

const MoreIcon = () => (
  <svg className="icon" width={20} height={20} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <circle cx="5" cy="12" r="1.8" fill="currentColor" />
    <circle cx="12" cy="12" r="1.8" fill="currentColor" />
    <circle cx="19" cy="12" r="1.8" fill="currentColor" />
  </svg>
);

export interface Slash {
  /** The autocomplete list (null when hidden). */
  menu: ReactNode;
  /** An inline error about the last command (null when none). */
  error: ReactNode;
  /** Keys for the list; true when handled. */
  onKeyDown: (e: KeyboardEvent<HTMLElement>) => boolean;
  /** Runs `text` as a command when it is one; true when it was (the caller does not post). */
  run: (text: string) => boolean;
  /** The autocomplete's ids for the textarea's aria attributes. */
  listId: string | undefined;
  activeId: string | undefined;
}

/** Slash commands in a composer: `/` at the very start lists the workspace's commands. */
export function useSlash(channel: string, text: string, setText: (text: string, caret?: number) => void): Slash {
  const c = useController();
  const commands = useApps((s) => s.commands);
  const names = useAppNames();
  const [selected, setSelected] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [running, setRunning] = useState(false);
  const listId = useId();
  const typing = /^\/\S*$/.test(text) ? text : null;

  // Fresh each time a command is started (apps come and go); cached while it is typed.
  const starting = typing !== null; // also when "/ec" arrives at once (pasted, filled)
  useEffect(() => {
    if (starting) void c.apps.loadCommands(true);
  }, [starting, c]);

  useEffect(() => {
    setSelected(0);
    setError("");
  }, [text]);

  const builtins: SlashCommand[] = BUILTIN_COMMANDS.map((b) => ({ ...b, app_id: "" }));
  const matches = typing !== null && typing !== dismissed ? matchCommands([...builtins, ...(commands ?? [])], typing) : [];
  const open = matches.length > 0;

  const pick = (command: SlashCommand) => {
    setText(`${command.command} `, command.command.length + 1);
    setDismissed(`${command.command} `);
  };

  const run = (raw: string): boolean => {
    const parsed = parseCommand(raw);
    if (!parsed || raw.startsWith("//")) return false;
    if (running) return true;
    setRunning(true);
    setError("");
    if (parsed.command === REMIND_COMMAND) {
      runRemind(c, channel, parsed.text).then(
        (response) => {
          setText("");
          c.toast(response);
        },
        (e) => setError(remindErrorText(e)),
      ).finally(() => setRunning(false));
      return true;
    }
    if (isBuiltin(parsed.command)) {
      void runBuiltin(c, channel, parsed.command, parsed.text)
        .then((result) => {
          if (!result.ok) return setError(result.error);
          setText("");
          if (result.note) c.toast(result.note);
        })
        .finally(() => setRunning(false));
      return true;
    }
    c.apps.invoke(channel, parsed.command, parsed.text).then(
      () => setText(""),
      (e) => setError(commandError(e, parsed.command)),
    ).finally(() => setRunning(false));
    return true;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>): boolean => {
    if (!open) return false;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      setSelected((i) => (i + (e.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length);
      return true;
    }
    if (e.key === "Tab" || (e.key === "Enter" && !e.shiftKey && matches[selected % matches.length].command !== typing)) {
      e.preventDefault();
      pick(matches[selected % matches.length]);
      return true;
    }
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      setDismissed(typing);
      return true;
    }
    return false;
  };

  const active = selected % Math.max(matches.length, 1);
  const menu = open ? (
    <ul className="autocomplete slash-menu" role="listbox" id={listId} aria-label="Slash commands">
      {matches.map((m, i) => (
        <li
          key={m.command}
          id={`${listId}-${i}`}
          role="option"
          aria-selected={i === active}
          className={i === active ? "autocomplete-selected" : ""}
          onMouseDown={(e) => {
            e.preventDefault();
            pick(m);
          }}
        >
          <span className="slash-command">{m.command}</span>
          {m.usage_hint && <span className="slash-hint">{m.usage_hint}</span>}
          <span className="slash-description">{m.description}</span>
          <span className="slash-app small">{m.app_id ? (names[m.app_id] ?? "App") : "Built-in"}</span>
        </li>
      ))}
    </ul>
  ) : null;
  return {
    menu,
    error: error ? (
      <p className="slash-error" role="alert">
        {error}
      </p>
    ) : running ? (
      <p className="slash-running muted small" role="status">
        Running {parseCommand(text)?.command ?? "command"}…
      </p>
    ) : null,
    onKeyDown,
    run,
    listId: open ? listId : undefined,
    activeId: open ? `${listId}-${active}` : undefined,
  };
}

function ShortcutMenu({ label, shortcuts, names, onPick, onClose, className }: { label: string; shortcuts: Shortcut[] | null; names: Record<string, string>; onPick: (s: Shortcut) => void; onClose: () => void; className: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.querySelector<HTMLElement>("button")?.focus({ preventScroll: true });
    const outside = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [onClose, shortcuts]);
  const move = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const items = Array.from(box.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? []);
    const i = items.indexOf(document.activeElement as HTMLElement);
    items[(i + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length]?.focus();
  };
  return (
    <Popover popover={box}>
      <div className={`menu shortcut-menu ${className}`} role="menu" aria-label={label} ref={box} onKeyDown={move}>
        {shortcuts === null && <div className="menu-heading">Loading…</div>}
        {shortcuts?.length === 0 && <div className="menu-heading">No app shortcuts here</div>}
        {shortcuts?.map((s) => (
          <button key={`${s.app_id}:${s.callback_id}`} type="button" role="menuitem" className="menu-item shortcut-item" onClick={() => onPick(s)}>
            <span>{s.name}</span>
            <span className="muted small">{names[s.app_id] ?? "App"}</span>
          </button>
        ))}
      </div>
    </Popover>
  );
}

function shortcutError(e: unknown): string {
  return e instanceof ApiError && (e.error === "dispatch_failed" || e.error === "operation_timeout") ? "The app did not respond" : "The shortcut could not run";
}

/** The composer's lightning button: the global shortcuts of the workspace's apps. */
export function ShortcutsButton() {
  const c = useController();
  const [open, setOpen] = useState(false);
  const all = useApps((s) => s.shortcuts);
  const names = useAppNames();
  const shortcuts = all ? all.filter((s) => s.type === "global") : null;
  return (
    <span className="picker-anchor picker-up">
      <button type="button" className="icon-button" aria-label="Shortcuts" title="Shortcuts" aria-haspopup="menu" aria-expanded={open} onClick={() => {
        void c.apps.loadCommands();
        setOpen((v) => !v);
      }}>
        <BoltIcon />
      </button>
      {open && (
        <ShortcutMenu label="Shortcuts" className="shortcut-menu-up" shortcuts={shortcuts} names={names} onClose={() => setOpen(false)} onPick={(s) => {
          setOpen(false);
          c.apps.shortcut(s).catch((e) => c.toast(shortcutError(e)));
        }} />
      )}
    </span>
  );
}

/** A message's "More actions": the message shortcuts of installed apps (`message_action`). */
export function MessageShortcuts({ channel, message }: { channel: string; message: Message }) {
  const c = useController();
  const [open, setOpen] = useState(false);
  const all = useApps((s) => s.shortcuts);
  const names = useAppNames();
  const shortcuts = all ? all.filter((s) => s.type === "message") : null;
  return (
    <span className="picker-anchor">
      <button type="button" className="icon-button" aria-label="More actions" title="More actions" aria-haspopup="menu" aria-expanded={open} onClick={() => {
        void c.apps.loadCommands();
        setOpen((v) => !v);
      }}>
        <MoreIcon />
      </button>
      {open && (
        <ShortcutMenu label="More actions" className="shortcut-menu-message" shortcuts={shortcuts} names={names} onClose={() => setOpen(false)} onPick={(s) => {
          setOpen(false);
          c.apps.shortcut(s, { channel, ts: message.ts }).catch((e) => c.toast(shortcutError(e)));
        }} />
      )}
    </span>
  );
}

/** Ephemeral messages (only this person sees them, until they reload or dismiss them). */
export function EphemeralNote({ channel, message }: { channel: string; message: Message }) {
  const c = useController();
  return (
    <span className="msg-ephemeral small">
      <svg className="icon" width={14} height={14} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z" fill="none" stroke="currentColor" strokeWidth="2" />
        <circle cx="12" cy="12" r="3" fill="none" stroke="currentColor" strokeWidth="2" />
      </svg>
      <span>Only visible to you</span>
      <button
        type="button"
        className="link-button"
        aria-label="Dismiss message"
        onClick={() => c.store.dispatch({ type: "rtm", event: { type: "message", subtype: "message_deleted", channel, deleted_ts: message.ts } })}
      >
        Dismiss
      </button>
    </span>
  );
}

export function isEphemeral(message: Message): boolean {
  return message.subtype === "ephemeral" || (message as Message & { is_ephemeral?: boolean }).is_ephemeral === true;
}

/** The sidebar's "Apps" section: each installed app's Home. */
export function AppsSection({ active, teamId, onNavigate }: { active: string | null; teamId: string; onNavigate: () => void }) {
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  const unreads = useAppState((s) => s.unreads);
  const bots = appBots(users);
  const dmOf = (botId: string) => Object.values(conversations).find((ch) => ch.is_im && ch.user === botId);
  if (!bots.length) return null;
  return (
    <div className="side-section">
      <div className="side-section-header">
        <h2 id="side-apps">Apps</h2>
      </div>
      <ul aria-labelledby="side-apps">
        {bots.map((bot) => {
          const appId = appIdOf(bot);
          const href = `/client/${teamId}/${appId}`;
          const current = active === appId;
          const dm = dmOf(bot.id);
          const unread = dm && !current ? unreads[dm.id] : undefined;
          const count = unread?.hasUnreads ? Math.max(unread.unreadCount, 1) : 0;
          return (
            <li key={bot.id}>
              <a
                href={href}
                className={`side-item ${current ? "side-item-active" : ""} ${count ? "side-item-unread" : ""}`}
                aria-current={current ? "page" : undefined}
                data-app={appId}
                onClick={(e) => {
                  if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                  e.preventDefault();
                  navigate(href);
                  onNavigate();
                }}
              >
                <span className="side-icon">
                  <Avatar id={bot.id} user={bot} size={18} />
                </span>
                <span className="side-name">{displayName(bot)}</span>
                {count > 0 && (
                  <span className="badge">
                    {count}
                    <span className="visually-hidden"> unread</span>
                  </span>
                )}
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** Is this route segment an app's id (`/client/<team>/A…` shows that app's Home)? */
export function isAppId(id: string | null | undefined): id is string {
  return !!id && /^A[A-Z0-9]{2,}$/.test(id);
}
