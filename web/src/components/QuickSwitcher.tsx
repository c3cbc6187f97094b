import { useMemo, useState } from "react";
import { useAppState } from "../app/context";
import { conversationTitle } from "../lib/names";
import { unreadOf } from "../state/reducer";
import { Modal } from "./Dialogs";
import { Icon } from "./Icons";

interface Choice {
  id: string;
  title: string;
  kind: "channel" | "private" | "direct";
  unread: boolean;
  /** A person with no DM yet: opening starts one. */
  userId?: string;
}

/** Ctrl/Cmd+K: jump to any conversation or person by typing part of the name. */
export function QuickSwitcher({ onClose, onOpen, onOpenUser }: { onClose: () => void; onOpen: (id: string) => void; onOpenUser: (userId: string) => void }) {
  const state = useAppState((s) => s);
  const [query, setQuery] = useState("");
  const [index, setIndex] = useState(0);
  const choices = useMemo(() => {
    const selfId = state.self?.userId;
    const out: Choice[] = [];
    const dmWith = new Set<string>();
    for (const c of Object.values(state.conversations)) {
      if (c.is_archived || (!c.is_member && !c.is_im && !c.is_mpim)) continue;
      if (c.is_im && c.user) dmWith.add(c.user);
      out.push({ id: c.id, title: conversationTitle(c, state.users, selfId), kind: c.is_im || c.is_mpim ? "direct" : c.is_private ? "private" : "channel", unread: unreadOf(state, c.id).hasUnreads });
    }
    for (const u of Object.values(state.users)) {
      if (u.deleted || u.is_bot || dmWith.has(u.id)) continue;
      out.push({ id: `user:${u.id}`, title: u.profile?.display_name || u.real_name || u.name, kind: "direct", unread: false, userId: u.id });
    }
    const q = query.trim().toLowerCase().replace(/^[#@]/, "");
    const scored = out
      .map((c) => ({ c, at: c.title.toLowerCase().indexOf(q) }))
      .filter((x) => !q || x.at >= 0)
      .sort((a, b) => Number(b.c.unread) - Number(a.c.unread) || (a.at === 0 ? 0 : 1) - (b.at === 0 ? 0 : 1) || a.c.title.localeCompare(b.c.title));
    return scored.slice(0, 12).map((x) => x.c);
  }, [state, query]);
  const choose = (c: Choice | undefined) => {
    if (!c) return;
    if (c.userId) onOpenUser(c.userId);
    else onOpen(c.id);
  };
  return (
    <Modal title="Jump to a conversation" onClose={onClose}>
      <input
        className="input switcher-input"
        aria-label="Conversation name"
        placeholder="Type a channel or person…"
        value={query}
        role="combobox"
        aria-expanded="true"
        aria-controls="switcher-list"
        aria-activedescendant={choices[index] ? `switch-${choices[index].id}` : undefined}
        onChange={(e) => {
          setQuery(e.target.value);
          setIndex(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setIndex((i) => Math.min(i + 1, choices.length - 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setIndex((i) => Math.max(i - 1, 0));
          } else if (e.key === "Enter") {
            e.preventDefault();
            choose(choices[index]);
          }
        }}
      />
      <ul className="switcher-list" role="listbox" id="switcher-list" aria-label="Conversations">
        {choices.map((c, i) => (
          <li key={c.id} id={`switch-${c.id}`} role="option" aria-selected={i === index} className={`switcher-item ${i === index ? "switcher-selected" : ""} ${c.unread ? "side-item-unread" : ""}`} onMouseDown={(e) => e.preventDefault()} onClick={() => choose(c)}>
            <Icon name={c.kind === "direct" ? "message" : c.kind === "private" ? "lock" : "hash"} size={16} />
            <span>{c.title}</span>
          </li>
        ))}
        {choices.length === 0 && <li className="muted">Nothing matches.</li>}
      </ul>
      <p className="muted small">↑↓ to move · Enter to open · Esc to close</p>
    </Modal>
  );
}
