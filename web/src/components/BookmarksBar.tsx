// The bookmarks bar under a channel's header (bookmarks.*): links anyone in the channel can
// add, edit and remove; kept live by the bookmark_added / _updated / _removed events.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { useController } from "../app/context";
import { errorText, Modal } from "./Dialogs";
import { Icon } from "./Icons";

interface Bookmark {
  id: string;
  title: string;
  link: string;
  emoji?: string;
}

function safeLink(link: string): string | undefined {
  try {
    const url = new URL(link);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function BookmarksBar({ channel, editable }: { channel: string; editable: boolean }) {
  const c = useController();
  const [bookmarks, setBookmarks] = useState<Bookmark[]>([]);
  const [editing, setEditing] = useState<Bookmark | "new" | null>(null);
  const load = useCallback(() => {
    c.api.call("bookmarks.list", { channel_id: channel }).then(
      (body) => setBookmarks(((body as { bookmarks?: Bookmark[] }).bookmarks ?? []) as Bookmark[]),
      () => setBookmarks([]),
    );
  }, [c, channel]);
  useEffect(load, [load]);
  useEffect(
    () =>
      c.onRtm((event) => {
        if (event.type.startsWith("bookmark_") && (event as { channel_id?: string }).channel_id === channel) load();
      }),
    [c, channel, load],
  );
  if (!bookmarks.length && !editable) return null;
  return (
    <nav className="bookmarks-bar" aria-label="Bookmarks">
      <ul>
        {bookmarks.map((b) => (
          <li key={b.id} className="bookmark">
            <a href={safeLink(b.link)} target="_blank" rel="noreferrer noopener">
              {b.title}
            </a>
            {editable && (
              <button type="button" className="icon-button bookmark-edit" aria-label={`Edit bookmark ${b.title}`} onClick={() => setEditing(b)}>
                <Icon name="edit" size={14} />
              </button>
            )}
          </li>
        ))}
      </ul>
      {editable && (
        <button type="button" className="link-button bookmark-add" onClick={() => setEditing("new")}>
          + Add a bookmark
        </button>
      )}
      {editing && <BookmarkDialog channel={channel} bookmark={editing === "new" ? null : editing} onDone={() => setEditing(null)} onSaved={load} />}
    </nav>
  );
}

function BookmarkDialog({ channel, bookmark, onDone, onSaved }: { channel: string; bookmark: Bookmark | null; onDone: () => void; onSaved: () => void }) {
  const c = useController();
  const [title, setTitle] = useState(bookmark?.title ?? "");
  const [link, setLink] = useState(bookmark?.link ?? "");
  const [error, setError] = useState("");
  const finish = () => {
    onSaved();
    onDone();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!safeLink(link.trim())) {
      setError("Enter a link starting with https:// or http://");
      return;
    }
    const saved = bookmark
      ? c.api.call("bookmarks.edit", { channel_id: channel, bookmark_id: bookmark.id, title: title.trim(), link: link.trim() })
      : c.api.call("bookmarks.add", { channel_id: channel, title: title.trim() || link.trim(), type: "link", link: link.trim() });
    saved.then(finish, (err) => setError(errorText(err)));
  };
  const remove = () => {
    if (!bookmark) return;
    c.api.call("bookmarks.remove", { channel_id: channel, bookmark_id: bookmark.id }).then(finish, (err) => setError(errorText(err)));
  };
  return (
    <Modal title={bookmark ? "Edit bookmark" : "Add a bookmark"} onClose={onDone}>
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span>Link</span>
          <input className="input" type="url" value={link} onChange={(e) => setLink(e.target.value)} placeholder="https://" maxLength={8192} required />
        </label>
        <label className="field">
          <span>Name</span>
          <input className="input" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={1000} />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="modal-actions">
          {bookmark && (
            <button type="button" className="button button-danger" onClick={remove}>
              Remove
            </button>
          )}
          <button type="button" className="button button-secondary" onClick={onDone}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            {bookmark ? "Save" : "Add"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
