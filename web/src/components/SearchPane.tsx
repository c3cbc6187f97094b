import { useEffect, useMemo, useState } from "react";
import type { SearchMatch, SlackFile, User } from "../api/types";
import { useAppState, useController } from "../app/context";
import type { SearchResults } from "../app/features/search";
import { plainText, splitHighlights, stripEmphasis } from "../lib/compose";
import { emojify } from "../lib/emoji";
import { conversationTitle, displayName } from "../lib/names";
import { type Chip, chipLabel, splitQuery, withChip, withoutChip } from "../lib/searchQuery";
import { formatDay, formatTime } from "../lib/ts";
import { Avatar } from "./Avatar";
import { errorText } from "./Dialogs";
import { FileRow } from "./Files";
import { Icon } from "./Icons";
import "./Search.css";

type Tab = "messages" | "files" | "people";

function Highlighted({ text }: { text: string }) {
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  // Decode Slack markup around the highlight markers, then mark the matches (as text, not HTML).
  const parts = splitHighlights(emojify(stripEmphasis(text)));
  return (
    <p className="search-text">
      {parts.map((p, i) => (p.mark ? <mark key={i}>{plainText(p.text, users, conversations)}</mark> : <span key={i}>{plainText(p.text, users, conversations)}</span>))}
    </p>
  );
}

function MessageHits({ matches, onOpen }: { matches: SearchMatch[]; onOpen: (m: SearchMatch) => void }) {
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  const selfId = useAppState((s) => s.self?.userId);
  return (
    <ul className="search-list">
      {matches.map((m) => {
        const conversation = conversations[m.channel.id];
        const where = conversation ? conversationTitle(conversation, users, selfId) : m.channel.name ?? "";
        const direct = conversation?.is_im || conversation?.is_mpim || m.channel.is_im || m.channel.is_mpim;
        const who = displayName(m.user ? users[m.user] : undefined, m.username ?? "Unknown");
        return (
          <li key={`${m.channel.id}-${m.ts}`}>
            <button type="button" className="search-hit" onClick={() => onOpen(m)}>
              <span className="search-meta small">
                <span className="search-where">{direct ? where : `#${where}`}</span>
                <span className="muted">
                  {formatDay(m.ts)} · {formatTime(m.ts)}
                </span>
              </span>
              <span className="search-body">
                <Avatar id={m.user ?? "x"} user={m.user ? users[m.user] : undefined} size={28} />
                <span>
                  <strong className="small">{who}</strong>
                  <Highlighted text={m.text} />
                </span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function PeopleHits({ people, onMessage }: { people: User[]; onMessage: (u: User) => void }) {
  return (
    <ul className="search-list search-people">
      {people.map((u) => (
        <li key={u.id}>
          <button type="button" className="search-person" onClick={() => onMessage(u)} title={`Message ${displayName(u, u.name)}`}>
            <Avatar id={u.id} user={u} size={36} />
            <span className="search-person-text">
              <strong>{displayName(u, u.name)}</strong>
              <span className="muted small">
                @{u.name}
                {u.profile?.title ? ` · ${u.profile.title}` : ""}
                {u.deleted ? " · deactivated" : ""}
              </span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

const DATE_CHOICES: [string, string][] = [
  ["on:today", "Today"],
  ["on:yesterday", "Yesterday"],
  ["during:week", "This week"],
  ["during:month", "This month"],
  ["during:year", "This year"],
];
const HAS_CHOICES: [string, string][] = [
  ["has:link", "A link"],
  ["has:reaction", "A reaction"],
  ["has:pin", "A pin"],
  ["is:thread", "In a thread"],
  ["is:saved", "Saved by you"],
];

/** Filters as removable chips, and menus that add one (in, from, date, has). */
function Filters({ query, onQuery }: { query: string; onQuery: (q: string) => void }) {
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  const chips = splitQuery(query).chips;
  const channels = useMemo(
    () =>
      Object.values(conversations)
        .filter((c) => !c.is_im && !c.is_mpim && c.name)
        .map((c) => c.name as string)
        .sort(),
    [conversations],
  );
  const people = useMemo(
    () =>
      Object.values(users)
        .filter((u) => !u.deleted && u.name && !u.is_bot)
        .sort((a, b) => displayName(a).localeCompare(displayName(b))),
    [users],
  );
  const add = (token: string) => token && onQuery(withChip(query, token));
  const menu = (label: string, choices: [string, string][]) => (
    <select className="search-filter-menu" aria-label={`Filter: ${label}`} value="" onChange={(e) => add(e.target.value)}>
      <option value="">{label}</option>
      {choices.map(([token, text]) => (
        <option key={token} value={token}>
          {text}
        </option>
      ))}
    </select>
  );
  return (
    <div className="search-filters">
      {chips.length > 0 && (
        <ul className="search-chips" aria-label="Filters in use">
          {chips.map((chip: Chip) => (
            <li key={chip.raw}>
              <button type="button" className="search-chip" onClick={() => onQuery(withoutChip(query, chip.raw))} aria-label={`Remove filter ${chipLabel(chip)}`}>
                {chipLabel(chip)}
                <Icon name="close" size={12} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="search-filter-menus">
        {menu(
          "In",
          channels.map((name) => [`in:#${name}`, `#${name}`]),
        )}
        {menu(
          "From",
          people.map((u) => [`from:@${u.name}`, displayName(u, u.name)]),
        )}
        {menu("Date", DATE_CHOICES)}
        {menu("Has", HAS_CHOICES)}
      </div>
    </div>
  );
}

interface SearchPaneProps {
  query: string;
  onQuery: (q: string) => void;
  onClose: () => void;
  onOpen: (m: SearchMatch) => void;
  onOpenConversation: (id: string) => void;
}

export function SearchPane({ query, onQuery, onClose, onOpen, onOpenConversation }: SearchPaneProps) {
  const c = useController();
  const [tab, setTab] = useState<Tab>("messages");
  const [result, setResult] = useState<SearchResults | null>(null);
  const [people, setPeople] = useState<{ people: User[]; total: number } | null>(null);
  const [error, setError] = useState("");
  const words = splitQuery(query).words;

  useEffect(() => {
    let live = true;
    setResult(null);
    setError("");
    c.search.all(query).then(
      (r) => live && setResult(r),
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [c, query]);

  // People are found by their names: the query's words without its filters.
  useEffect(() => {
    let live = true;
    setPeople(null);
    if (!words.trim()) {
      setPeople({ people: [], total: 0 });
      return;
    }
    c.search.people(words).then(
      (r) => live && setPeople(r),
      () => live && setPeople({ people: [], total: 0 }),
    );
    return () => {
      live = false;
    };
  }, [c, words]);

  const openDm = (u: User) => {
    c.conversations.openDirect([u.id]).then(
      (dm) => onOpenConversation(dm.id),
      (e) => c.toast(errorText(e)),
    );
  };

  const counts: Record<Tab, number | undefined> = {
    messages: result?.messageTotal,
    files: result?.fileTotal,
    people: people?.total,
  };
  const busy = tab === "people" ? !people : !result && !error;
  return (
    <aside className="side-pane search-pane" aria-label="Search results">
      <header className="pane-header">
        <div>
          <h2 className="pane-title">Search</h2>
          <p className="muted small">“{query}”</p>
        </div>
        <button type="button" className="icon-button" aria-label="Close search" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <Filters query={query} onQuery={onQuery} />
      <div className="search-tabs" role="tablist" aria-label="Result types">
        {(["messages", "files", "people"] as Tab[]).map((t) => (
          <button key={t} type="button" role="tab" id={`search-tab-${t}`} aria-controls="search-panel" aria-selected={tab === t} className={tab === t ? "search-tab active" : "search-tab"} onClick={() => setTab(t)}>
            {t[0].toUpperCase() + t.slice(1)}
            {counts[t] !== undefined && <span className="search-count">{counts[t]}</span>}
          </button>
        ))}
      </div>
      <div className="search-results" id="search-panel" role="tabpanel" aria-labelledby={`search-tab-${tab}`} tabIndex={0} aria-busy={busy}>
        {error && tab !== "people" && (
          <p className="form-error pad" role="alert">
            {error}
          </p>
        )}
        {busy && <p className="muted pad">Searching…</p>}
        {tab === "messages" && result && (
          <>
            <p className="muted small pad" role="status">
              {result.messageTotal} {result.messageTotal === 1 ? "message" : "messages"}
            </p>
            <MessageHits matches={result.messages} onOpen={onOpen} />
            {result.messages.length === 0 && <NoResults what="messages" />}
          </>
        )}
        {tab === "files" && result && (
          <>
            <p className="muted small pad" role="status">
              {result.fileTotal} {result.fileTotal === 1 ? "file" : "files"}
            </p>
            <ul className="file-list">
              {result.files.map((f: SlackFile) => (
                <FileRow key={f.id} file={f} />
              ))}
            </ul>
            {result.files.length === 0 && <NoResults what="files" />}
          </>
        )}
        {tab === "people" && people && (
          <>
            <p className="muted small pad" role="status">
              {people.total} {people.total === 1 ? "person" : "people"}
            </p>
            <PeopleHits people={people.people} onMessage={openDm} />
            {people.people.length === 0 && (
              <p className="pad muted">{words.trim() ? "No one's name, title or email begins with those words." : "Type a name to find people."}</p>
            )}
          </>
        )}
      </div>
    </aside>
  );
}

function NoResults({ what }: { what: string }) {
  return (
    <div className="pad muted">
      <p>No {what} match.</p>
      <p className="small">
        Try modifiers: <code>in:#channel</code> <code>from:@name</code> <code>before:2024-01-31</code> <code>after:yesterday</code> <code>has:link</code>
        {what === "files" && " — files are found by their name and title."}
      </p>
    </div>
  );
}
