import { type MouseEvent, useEffect, useRef, useState } from "react";
import type { Conversation } from "../api/types";
import { useAppState, useController } from "../app/context";
import { emojify } from "../lib/emoji";
import { conversationTitle, displayName, sidebarConversations } from "../lib/names";
import { clientPath, navigate } from "../lib/router";
import { unreadOf } from "../state/reducer";
import { Avatar, PresenceDot } from "./Avatar";
import { Icon } from "./Icons";
import { SidebarViews } from "./SidebarViews";
import { appIdOf, AppsSection } from "./SlashCommands";

export type DialogName = "browse" | "create" | "dm" | "profile" | "invite" | null;

interface Props {
  active: string | null;
  onDialog: (d: DialogName) => void;
  onNavigate: () => void;
  theme: "light" | "dark";
  onToggleTheme: () => void;
}

function Item({ conversation, active, onNavigate }: { conversation: Conversation; active: boolean; onNavigate: () => void }) {
  const users = useAppState((s) => s.users);
  const selfId = useAppState((s) => s.self?.userId);
  const teamId = useAppState((s) => s.team?.id ?? "");
  const unread = useAppState((s) => unreadOf(s, conversation.id));
  const muted = useAppState((s) => s.muted.includes(conversation.id));
  const presence = useAppState((s) => (conversation.user ? s.presence[conversation.user] : undefined));
  const title = conversationTitle(conversation, users, selfId);
  const href = clientPath(teamId, conversation.id);
  const bold = unread.hasUnreads && !muted && !active;
  const badge = active ? 0 : conversation.is_im || conversation.is_mpim ? Math.max(unread.mentionCount, unread.hasUnreads ? unread.unreadCount : 0) : unread.mentionCount;
  // The link's name is its content: the visible name, with the kind and the state as text
  // only screen readers get (an aria-label would hide the visible badge from the name and
  // fail "label in name" for voice control users).
  const kind = conversation.is_im || conversation.is_mpim ? "" : conversation.is_private ? "private channel " : "channel ";
  const state = `${bold ? ", unread" : ""}${badge ? `, ${badge} ${badge === 1 ? "mention" : "mentions"}` : ""}${muted ? ", muted" : ""}`;
  const follow = (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(href);
    onNavigate();
  };
  return (
    <li>
      <a href={href} onClick={follow} className={`side-item ${active ? "side-item-active" : ""} ${bold ? "side-item-unread" : ""} ${muted ? "side-item-muted" : ""}`} aria-current={active ? "page" : undefined} data-channel={conversation.id}>
        <span className="side-icon" aria-hidden="true">
          {conversation.is_im ? (
            <span className="side-presence">
              <Avatar id={conversation.user ?? conversation.id} user={conversation.user ? users[conversation.user] : undefined} size={18} />
              <PresenceDot presence={presence} />
            </span>
          ) : conversation.is_mpim ? (
            <Icon name="people" size={16} />
          ) : (
            <Icon name={conversation.is_private ? "lock" : "hash"} size={16} />
          )}
        </span>
        {kind && <span className="visually-hidden">{kind}</span>}
        <span className="side-name">{title}</span>
        {state && <span className="visually-hidden">{state}</span>}
        {muted && <Icon name="bellOff" size={14} />}
        {badge > 0 && (
          <span className="badge" aria-hidden="true">
            {badge}
          </span>
        )}
      </a>
    </li>
  );
}

function WorkspaceMenu({ onDialog, onClose }: { onDialog: (d: DialogName) => void; onClose: () => void }) {
  const c = useController();
  const team = useAppState((s) => s.team);
  const isAdmin = useAppState((s) => (s.self ? !!s.users[s.self.userId]?.is_admin : false));
  const others = c.prefs.workspaces.filter((w) => w.teamId !== team?.id);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.querySelector<HTMLElement>("button")?.focus();
    const outside = (e: globalThis.MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [onClose]);
  return (
    <div className="menu" role="menu" aria-label="Workspace menu" ref={box} onKeyDown={(e) => e.key === "Escape" && onClose()}>
      {isAdmin && (
        <button type="button" role="menuitem" className="menu-item" onClick={() => onDialog("invite")}>
          Invite people to {team?.name}
        </button>
      )}
      <button type="button" role="menuitem" className="menu-item" onClick={() => onDialog("profile")}>
        Edit profile and status
      </button>
      {isAdmin && (
        <button type="button" role="menuitem" className="menu-item" onClick={() => navigate("/admin/members")}>
          Administration: members, invitations, settings
        </button>
      )}
      {others.length > 0 && <div className="menu-heading">Switch workspace</div>}
      {others.map((w) => (
        <button key={`${w.domain}:${w.email}`} type="button" role="menuitem" className="menu-item" onClick={() => c.session.switchTo(w.domain, w.email)}>
          {w.name} <span className="muted small">{w.domain}</span>
        </button>
      ))}
      <button type="button" role="menuitem" className="menu-item" onClick={() => c.session.switchTo("", "")}>
        Sign in to another workspace
      </button>
      <button
        type="button"
        role="menuitem"
        className="menu-item"
        onClick={() =>
          void c.session.signOut().finally(() => {
            navigate("/signin", true);
          })
        }
      >
        Sign out of {team?.name}
      </button>
    </div>
  );
}

function NotificationPrompt() {
  const c = useController();
  const [visible, setVisible] = useState(() => typeof Notification !== "undefined" && Notification.permission === "default" && !c.prefs.notificationsAsked);
  if (!visible) return null;
  return (
    <div className="notify-prompt" role="region" aria-label="Desktop notifications">
      <p>Get a desktop notification for direct messages and mentions?</p>
      <div className="row">
        <button type="button" className="button button-small button-primary" onClick={() => void c.people.requestNotifications().finally(() => setVisible(false))}>
          Turn on
        </button>
        <button
          type="button"
          className="button button-small button-ghost"
          onClick={() => {
            c.prefs.notificationsAsked = true;
            setVisible(false);
          }}
        >
          Not now
        </button>
      </div>
    </div>
  );
}

function SelfFooter({ onDialog, theme, onToggleTheme }: { onDialog: (d: DialogName) => void; theme: "light" | "dark"; onToggleTheme: () => void }) {
  const c = useController();
  const me = useAppState((s) => (s.self ? s.users[s.self.userId] : undefined));
  const selfId = useAppState((s) => s.self?.userId ?? "");
  const presence = useAppState((s) => s.presence[selfId]);
  const away = presence === "away";
  const status = me?.profile?.status_text || me?.profile?.status_emoji ? `${emojify(me?.profile?.status_emoji ?? "")} ${me?.profile?.status_text ?? ""}`.trim() : "";
  return (
    <div className="side-footer">
      <button type="button" className="self-button" onClick={() => onDialog("profile")} title="Edit your profile and status">
        <Avatar id={selfId} user={me} size={30} presence={presence ?? "active"} />
        <span className="self-text">
          <span className="self-name">{displayName(me)}</span>
          <span className="self-status small">{status || (away ? "Away" : "Active")}</span>
        </span>
      </button>
      <button type="button" className="icon-button" aria-label={away ? "Set yourself active" : "Set yourself away"} title={away ? "Set yourself active" : "Set yourself away"} onClick={() => void c.people.setPresence(away ? "auto" : "away")}>
        <span className={`presence-toggle ${away ? "" : "presence-toggle-on"}`} />
      </button>
      <button type="button" className="icon-button" aria-label={theme === "dark" ? "Use light theme" : "Use dark theme"} title="Toggle theme" onClick={onToggleTheme}>
        <Icon name={theme === "dark" ? "sun" : "moon"} />
      </button>
    </div>
  );
}

export function Sidebar({ active, onDialog, onNavigate, theme, onToggleTheme }: Props) {
  const team = useAppState((s) => s.team);
  const conversations = useAppState((s) => s.conversations);
  const users = useAppState((s) => s.users);
  const selfId = useAppState((s) => s.self?.userId);
  const { channels, direct: allDirect } = sidebarConversations(conversations, users, selfId);
  // DMs with an app's bot are its Messages tab, listed under Apps.
  const direct = allDirect.filter((ch) => !(ch.is_im && ch.user && appIdOf(users[ch.user])));
  const [menu, setMenu] = useState(false);
  return (
    <div className="sidebar-inner">
      <div className="side-header">
        <button type="button" className="team-button" aria-haspopup="menu" aria-expanded={menu} onClick={() => setMenu((m) => !m)}>
          <span className="team-name">{team?.name ?? "Parley"}</span>
          <Icon name="chevronDown" size={16} />
        </button>
        <button type="button" className="icon-button" aria-label="New message" title="New message" onClick={() => onDialog("dm")}>
          <Icon name="edit" />
        </button>
        {menu && (
          <WorkspaceMenu
            onClose={() => setMenu(false)}
            onDialog={(d) => {
              setMenu(false);
              onDialog(d);
            }}
          />
        )}
      </div>
      <NotificationPrompt />
      <nav className="side-nav" aria-label="Conversations">
        <SidebarViews active={active} onNavigate={onNavigate} />
        <div className="side-section">
          <div className="side-section-header">
            <h2 id="side-channels">Channels</h2>
            <button type="button" className="icon-button icon-small" aria-label="Create a channel" title="Create a channel" onClick={() => onDialog("create")}>
              <Icon name="plus" size={16} />
            </button>
          </div>
          <ul aria-labelledby="side-channels">
            {channels.map((ch) => (
              <Item key={ch.id} conversation={ch} active={ch.id === active} onNavigate={onNavigate} />
            ))}
            <li>
              <button type="button" className="side-item side-add" onClick={() => onDialog("browse")}>
                <span className="side-icon">
                  <Icon name="search" size={16} />
                </span>
                <span className="side-name">Browse channels</span>
              </button>
            </li>
          </ul>
        </div>
        <div className="side-section">
          <div className="side-section-header">
            <h2 id="side-dms">Direct messages</h2>
            <button type="button" className="icon-button icon-small" aria-label="Start a direct message" title="Start a direct message" onClick={() => onDialog("dm")}>
              <Icon name="plus" size={16} />
            </button>
          </div>
          <ul aria-labelledby="side-dms">
            {direct.map((ch) => (
              <Item key={ch.id} conversation={ch} active={ch.id === active} onNavigate={onNavigate} />
            ))}
            {direct.length === 0 && (
              <li>
                <button type="button" className="side-item side-add" onClick={() => onDialog("dm")}>
                  <span className="side-icon">
                    <Icon name="plus" size={16} />
                  </span>
                  <span className="side-name">Message a teammate</span>
                </button>
              </li>
            )}
          </ul>
        </div>
        <AppsSection active={active} teamId={team?.id ?? ""} onNavigate={onNavigate} />
      </nav>
      <SelfFooter onDialog={onDialog} theme={theme} onToggleTheme={onToggleTheme} />
    </div>
  );
}

/** Sidebar order, for Alt+Up/Down. */
export function useSidebarOrder(): string[] {
  const conversations = useAppState((s) => s.conversations);
  const users = useAppState((s) => s.users);
  const selfId = useAppState((s) => s.self?.userId);
  const { channels, direct } = sidebarConversations(conversations, users, selfId);
  return [...channels, ...direct].map((c) => c.id);
}
