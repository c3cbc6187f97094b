import { useEffect, useState } from "react";
import type { SearchMatch } from "../api/types";
import { useAppState, useController } from "../app/context";
import { plainText, splitHighlights, stripEmphasis } from "../lib/compose";
import { emojify } from "../lib/emoji";
import { conversationTitle, displayName } from "../lib/names";
import { formatDay, formatTime } from "../lib/ts";
import { Avatar } from "./Avatar";
import { errorText } from "./Dialogs";
import { Icon } from "./Icons";

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

export function SearchPane({ query, onClose, onOpen }: { query: string; onClose: () => void; onOpen: (m: SearchMatch) => void }) {
  const c = useController();
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  const selfId = useAppState((s) => s.self?.userId);
  const [result, setResult] = useState<{ matches: SearchMatch[]; total: number } | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    let live = true;
    setResult(null);
    setError("");
    c.search.search(query).then(
      (r) => live && setResult(r),
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [c, query]);

  return (
    <aside className="side-pane" aria-label="Search results">
      <header className="pane-header">
        <div>
          <h2 className="pane-title">Search</h2>
          <p className="muted small">“{query}”</p>
        </div>
        <button type="button" className="icon-button" aria-label="Close search" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="search-results" tabIndex={0} aria-label="Results" aria-busy={!result && !error}>
        {error && <p className="form-error pad" role="alert">{error}</p>}
        {!result && !error && <p className="muted pad">Searching…</p>}
        {result && (
          <p className="muted small pad" role="status">
            {result.total} {result.total === 1 ? "result" : "results"}
          </p>
        )}
        <ul className="search-list">
          {result?.matches.map((m) => {
            const conversation = conversations[m.channel.id];
            const where = conversation ? conversationTitle(conversation, users, selfId) : m.channel.name ?? "";
            const direct = conversation?.is_im || conversation?.is_mpim || m.channel.is_im || m.channel.is_mpim;
            const who = displayName(m.user ? users[m.user] : undefined, m.username ?? "Unknown");
            return (
              <li key={`${m.channel.id}-${m.ts}`}>
                <button type="button" className="search-hit" onClick={() => onOpen(m)} aria-label={`Message from ${who} in ${direct ? where : `#${where}`}, ${formatDay(m.ts)} ${formatTime(m.ts)}`}>
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
        {result && result.matches.length === 0 && (
          <div className="pad muted">
            <p>No messages match.</p>
            <p className="small">
              Try modifiers: <code>in:#channel</code> <code>from:@name</code> <code>before:2024-01-31</code> <code>after:yesterday</code> <code>has:link</code>
            </p>
          </div>
        )}
      </div>
    </aside>
  );
}
