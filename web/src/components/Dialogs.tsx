import { type FormEvent, useEffect, useMemo, useState } from "react";
import { Modal } from "./Dialog";
import { ApiError } from "../api/client";
import type { Conversation, User } from "../api/types";
import { useAppState, useController } from "../app/context";
import { endedBy, endedText } from "../app/features/ended";
import { emojify } from "../lib/emoji";
import { displayName } from "../lib/names";
import { Avatar } from "./Avatar";
import { Icon } from "./Icons";

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const known: Record<string, string> = {
      name_taken: "A channel with that name already exists.",
      invalid_name_specials: "Names can only contain lowercase letters, numbers, hyphens and underscores.",
      invalid_name: "That name is not allowed.",
      invalid_name_maxlength: "That name is too long (80 characters at most).",
      invalid_credentials: "That email and password do not match.",
      domain_taken: "That workspace URL is already taken.",
      invalid_domain: "Use lowercase letters, numbers and hyphens for the workspace URL.",
      invalid_email: "That email address does not look right.",
      invite_not_found: "This invitation link is not valid.",
      invite_expired: "This invitation has expired.",
      invite_already_used: "This invitation has already been used.",
      not_an_admin: "Only admins can do that.",
      ratelimited: "Too many attempts; wait a moment and try again.",
    };
    const ended = endedBy(e);
    if (ended) return endedText(ended) + (ended.reason ? ` Reason given: ${ended.reason}` : "");
    return known[e.error] ?? `Something went wrong (${e.error.replace(/_/g, " ")}).`;
  }
  return "Network error: check your connection and try again.";
}

export { Modal } from "./Dialog";
import { PhotoEditor } from "./PhotoEditor";

export function ConfirmDialog({ title, body, confirm, danger, onConfirm, onCancel }: { title: string; body: string; confirm: string; danger?: boolean; onConfirm: () => void; onCancel: () => void }) {
  return (
    <Modal title={title} onClose={onCancel}>
      <p>{body}</p>
      <div className="modal-actions">
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className={`button ${danger ? "button-danger" : "button-primary"}`} onClick={onConfirm}>
          {confirm}
        </button>
      </div>
    </Modal>
  );
}

export function ChannelBrowser({ onClose, onOpen, onCreate }: { onClose: () => void; onOpen: (id: string) => void; onCreate: () => void }) {
  const c = useController();
  const [channels, setChannels] = useState<Conversation[] | null>(null);
  const [query, setQuery] = useState("");
  const [error, setError] = useState("");
  const mine = useAppState((s) => s.conversations);
  useEffect(() => {
    c.conversations.listPublicChannels().then(setChannels, (e) => setError(errorText(e)));
  }, [c]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (channels ?? []).filter((ch) => !q || ch.name?.includes(q) || ch.purpose?.value?.toLowerCase().includes(q) || ch.topic?.value?.toLowerCase().includes(q));
  }, [channels, query]);
  return (
    <Modal title="Browse channels" onClose={onClose} wide>
      <div className="row">
        <input className="input grow" placeholder="Search by channel name or description" aria-label="Search channels" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="button" className="button button-secondary" onClick={onCreate}>
          Create channel
        </button>
      </div>
      {error && <p className="form-error" role="alert">{error}</p>}
      {!channels && !error && <p className="muted">Loading channels…</p>}
      <ul className="browse-list" aria-label="Channels">
        {shown.map((ch) => {
          const member = mine[ch.id]?.is_member ?? ch.is_member;
          return (
            <li key={ch.id} className="browse-item">
              <button type="button" className="browse-open" onClick={() => onOpen(ch.id)}>
                <span className="browse-name">
                  <Icon name={ch.is_private ? "lock" : "hash"} size={15} /> {ch.name}
                </span>
                <span className="muted small">
                  {member ? "Joined · " : ""}
                  {ch.num_members ?? 0} {ch.num_members === 1 ? "member" : "members"}
                  {ch.purpose?.value ? ` · ${ch.purpose.value}` : ""}
                </span>
              </button>
              {!member && (
                <button
                  type="button"
                  className="button button-secondary"
                  aria-label={`Join ${ch.name}`}
                  onClick={() =>
                    c.conversations.join(ch.id).then(
                      () => onOpen(ch.id),
                      (e) => setError(errorText(e)),
                    )
                  }
                >
                  Join
                </button>
              )}
            </li>
          );
        })}
        {channels && shown.length === 0 && <li className="muted">No channels match.</li>}
      </ul>
    </Modal>
  );
}

export function CreateChannelDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const c = useController();
  const [name, setName] = useState("");
  const [isPrivate, setPrivate] = useState(false);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      const ch = await c.conversations.createChannel(name.trim().toLowerCase().replace(/\s+/g, "-"), isPrivate);
      onCreated(ch.id);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  return (
    <Modal title="Create a channel" onClose={onClose}>
      <form onSubmit={submit} className="form">
        <label className="field">
          <span>Name</span>
          <span className="input-prefix">
            <Icon name={isPrivate ? "lock" : "hash"} size={15} />
            <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. plan-budget" maxLength={80} required />
          </span>
        </label>
        <p className="muted small">Channels are where conversations happen around a topic. Use lowercase, without spaces.</p>
        <label className="check">
          <input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} />
          <span>
            <strong>Make private</strong> — only people you invite can see it
          </span>
        </label>
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy || !name.trim()}>
            Create
          </button>
        </div>
      </form>
    </Modal>
  );
}

function PeoplePicker({ users, selected, onToggle, exclude }: { users: User[]; selected: string[]; onToggle: (id: string) => void; exclude: Set<string> }) {
  const [query, setQuery] = useState("");
  const presence = useAppState((s) => s.presence);
  const q = query.trim().toLowerCase();
  const shown = users.filter((u) => !u.deleted && !exclude.has(u.id) && (!q || displayName(u).toLowerCase().includes(q) || u.name.toLowerCase().includes(q))).slice(0, 50);
  return (
    <>
      <input className="input" placeholder="Find people by name" aria-label="Find people" value={query} onChange={(e) => setQuery(e.target.value)} />
      <ul className="people-list" aria-label="People">
        {shown.map((u) => (
          <li key={u.id}>
            <label className="person">
              <input type="checkbox" checked={selected.includes(u.id)} onChange={() => onToggle(u.id)} />
              <Avatar id={u.id} user={u} size={28} presence={presence[u.id]} />
              <span>
                {displayName(u)} <span className="muted small">@{u.name}</span>
              </span>
            </label>
          </li>
        ))}
        {shown.length === 0 && <li className="muted">Nobody matches.</li>}
      </ul>
    </>
  );
}

export function StartDmDialog({ onClose, onOpened }: { onClose: () => void; onOpened: (id: string) => void }) {
  const c = useController();
  const users = useAppState((s) => s.users);
  const selfId = useAppState((s) => s.self?.userId ?? "");
  const [selected, setSelected] = useState<string[]>([]);
  const [error, setError] = useState("");
  const list = useMemo(() => Object.values(users).filter((u) => !u.is_bot).sort((a, b) => displayName(a).localeCompare(displayName(b))), [users]);
  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id].slice(0, 8)));
  return (
    <Modal title="New message" onClose={onClose}>
      <PeoplePicker users={list} selected={selected} onToggle={toggle} exclude={new Set([selfId])} />
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="modal-actions">
        <button type="button" className="button button-secondary" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={selected.length === 0}
          onClick={() =>
            c.conversations.openDirect(selected).then(
              (ch) => onOpened(ch.id),
              (e) => setError(errorText(e)),
            )
          }
        >
          {selected.length > 1 ? "Start group message" : "Start message"}
        </button>
      </div>
    </Modal>
  );
}

export function AddPeopleDialog({ channel, onClose }: { channel: string; onClose: () => void }) {
  const c = useController();
  const users = useAppState((s) => s.users);
  const [members, setMembers] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<string[]>([]);
  const [error, setError] = useState("");
  useEffect(() => {
    c.conversations.members(channel).then((m) => setMembers(new Set(m)), () => undefined);
  }, [c, channel]);
  const list = useMemo(() => Object.values(users).sort((a, b) => displayName(a).localeCompare(displayName(b))), [users]);
  return (
    <Modal title="Add people" onClose={onClose}>
      <p className="muted small">{members.size} {members.size === 1 ? "member" : "members"} already here.</p>
      <PeoplePicker users={list} selected={selected} onToggle={(id) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]))} exclude={members} />
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="modal-actions">
        <button type="button" className="button button-secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button-primary" disabled={selected.length === 0} onClick={() => c.conversations.invite(channel, selected).then(onClose, (e) => setError(errorText(e)))}>
          Add
        </button>
      </div>
    </Modal>
  );
}

const EXPIRY: { label: string; seconds: number | null }[] = [
  { label: "Don't clear", seconds: null },
  { label: "30 minutes", seconds: 30 * 60 },
  { label: "1 hour", seconds: 60 * 60 },
  { label: "4 hours", seconds: 4 * 60 * 60 },
  { label: "Today", seconds: -1 },
];

function expiryFrom(choice: number | null): number {
  if (choice === null) return 0;
  if (choice === -1) {
    const end = new Date();
    end.setHours(23, 59, 59, 0);
    return Math.floor(end.getTime() / 1000);
  }
  return Math.floor(Date.now() / 1000) + choice;
}

export function ProfileDialog({ onClose }: { onClose: () => void }) {
  const c = useController();
  const me = useAppState((s) => (s.self ? s.users[s.self.userId] : undefined));
  const p = me?.profile ?? {};
  const [form, setForm] = useState({
    real_name: p.real_name ?? me?.real_name ?? "",
    display_name: p.display_name ?? "",
    title: p.title ?? "",
    status_emoji: p.status_emoji ?? "",
    status_text: p.status_text ?? "",
  });
  const [expiry, setExpiry] = useState<number | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const emoji = form.status_emoji.trim();
      await c.people.saveProfile({
        ...form,
        status_emoji: emoji && !emoji.startsWith(":") ? `:${emoji.replace(/:/g, "")}:` : emoji,
        status_expiration: form.status_text || emoji ? expiryFrom(expiry) : 0,
      });
      c.toast("Profile saved");
      onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  return (
    <Modal title="Edit your profile" onClose={onClose}>
      <PhotoEditor />
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span>Full name</span>
          <input className="input" value={form.real_name} onChange={set("real_name")} maxLength={100} />
        </label>
        <label className="field">
          <span>Display name</span>
          <input className="input" value={form.display_name} onChange={set("display_name")} maxLength={80} />
        </label>
        <label className="field">
          <span>Title</span>
          <input className="input" value={form.title} onChange={set("title")} placeholder="What you do" maxLength={100} />
        </label>
        <fieldset className="fieldset">
          <legend>Status</legend>
          <div className="row">
            <label className="field status-emoji">
              <span>Emoji</span>
              <input className="input" value={form.status_emoji} onChange={set("status_emoji")} placeholder=":palm_tree:" maxLength={64} />
            </label>
            <label className="field grow">
              <span>What's your status?</span>
              <input className="input" value={form.status_text} onChange={set("status_text")} placeholder="In a meeting" maxLength={100} />
            </label>
          </div>
          <label className="field">
            <span>Clear after</span>
            <select className="input" value={String(expiry)} onChange={(e) => setExpiry(e.target.value === "null" ? null : Number(e.target.value))}>
              {EXPIRY.map((x) => (
                <option key={x.label} value={String(x.seconds)}>
                  {x.label}
                </option>
              ))}
            </select>
          </label>
          {(form.status_emoji || form.status_text) && (
            <p className="muted small">
              Preview: {emojify(form.status_emoji || "")} {form.status_text}
            </p>
          )}
        </fieldset>
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={() => setForm((f) => ({ ...f, status_emoji: "", status_text: "" }))}>
            Clear status
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function InviteDialog({ onClose }: { onClose: () => void }) {
  const c = useController();
  const [email, setEmail] = useState("");
  const [url, setUrl] = useState("");
  const [error, setError] = useState("");
  return (
    <Modal title="Invite people" onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          setError("");
          c.people.createInvite(email.trim() || undefined).then(setUrl, (err) => setError(errorText(err)));
        }}
      >
        <label className="field">
          <span>Email (optional: leave empty for a link anyone can use once)</span>
          <input className="input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="name@example.com" />
        </label>
        {error && <p className="form-error" role="alert">{error}</p>}
        {url && (
          <div className="invite-url">
            <label className="field">
              <span>Invitation link</span>
              <input className="input" readOnly value={url} onFocus={(e) => e.target.select()} />
            </label>
            <button type="button" className="button button-secondary" onClick={() => navigator.clipboard?.writeText(url).then(() => c.toast("Link copied"))}>
              Copy
            </button>
          </div>
        )}
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Done
          </button>
          <button type="submit" className="button button-primary">
            Create link
          </button>
        </div>
      </form>
    </Modal>
  );
}
