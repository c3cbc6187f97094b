// The header's search box: a combobox that offers filters (in:, from:, has:, dates) and
// the channels and people that complete them, as you type.
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { useAppState, useController } from "../app/context";
import { displayName } from "../lib/names";
import { applyHint, type Directory, type Hint, hintsFor, wordAt } from "../lib/searchQuery";
import { Icon } from "./Icons";

function useDirectory(): Directory {
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  return useMemo(
    () => ({
      channels: Object.values(conversations)
        .filter((c) => !c.is_im && !c.is_mpim && !c.is_archived && c.name)
        .map((c) => ({ name: c.name as string }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      people: Object.values(users)
        .filter((u) => !u.deleted && u.name)
        .map((u) => ({ handle: u.name, name: displayName(u, u.name) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    }),
    [users, conversations],
  );
}

/** People not loaded yet are looked up on the server while a person filter is typed. */
function useRemotePeople(word: string): void {
  const c = useController();
  useEffect(() => {
    const typed = /^-?(?:from|to|in):@?(.{2,})$/i.exec(word)?.[1];
    if (!typed) return;
    const timer = setTimeout(() => {
      c.search.people(typed, 8).catch(() => undefined);
    }, 150);
    return () => clearTimeout(timer);
  }, [c, word]);
}

export function SearchBox({ query, onSearch, teamName }: { query: string; onSearch: (q: string) => void; teamName: string }) {
  const [q, setQ] = useState(query);
  const [caret, setCaret] = useState(query.length);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const directory = useDirectory();

  // The pane edits the query too (removing or adding a filter chip): show its version.
  useEffect(() => setQ(query), [query]);

  const word = wordAt(q, caret).word;
  useRemotePeople(word);
  // Hints follow a word being typed (never an empty one: Tab must still leave the box).
  const hints = open && word ? hintsFor(word, directory) : [];
  const shown = hints.length > 0;

  const choose = (hint: Hint) => {
    const next = applyHint(q, caret, hint);
    setQ(next.query);
    setCaret(next.caret);
    setActive(0);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(next.caret, next.caret);
    });
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (!shown) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : hints.length - 1;
      setActive((i) => (i + step) % hints.length);
    } else if (e.key === "Tab" && !e.shiftKey) {
      e.preventDefault();
      choose(hints[Math.min(active, hints.length - 1)]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      setOpen(false);
    }
  };

  return (
    <form
      className="search-box"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        setOpen(false);
        if (q.trim()) onSearch(q.trim());
      }}
    >
      <Icon name="search" size={16} />
      <input
        ref={input}
        className="search-input"
        role="combobox"
        aria-label="Search messages, files and people"
        aria-autocomplete="list"
        aria-expanded={shown}
        aria-controls={listId}
        aria-activedescendant={shown ? `${listId}-${Math.min(active, hints.length - 1)}` : undefined}
        placeholder={`Search ${teamName}`}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setCaret(e.target.selectionStart ?? e.target.value.length);
          setActive(0);
          setOpen(true);
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? q.length)}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} className="search-hints" role="listbox" aria-label="Search filters" hidden={!shown}>
        {hints.map((hint, i) => (
          <li
            key={hint.insert}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? "search-hint active" : "search-hint"}
            onMouseDown={(e) => {
              e.preventDefault(); // keep the focus in the box
              choose(hint);
            }}
          >
            <span className="search-hint-label">{hint.label}</span>
            <span className="search-hint-detail muted small">{hint.detail}</span>
          </li>
        ))}
      </ul>
    </form>
  );
}
