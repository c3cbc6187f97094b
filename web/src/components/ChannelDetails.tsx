// Channel details (Slack's "About this channel" panel): opened from the channel header, with
// tabs About, Members, Pins, Files and Settings. Every change goes through the Web API; the
// header and this panel follow the socket events it causes (rename, topic, joins, archive).
import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useMemo, useState } from "react";
import type { Conversation, SlackFile, User } from "../api/types";
import { useAppState, useController } from "../app/context";
import { displayName } from "../lib/names";
import { navigate } from "../lib/router";
import { tsToDate } from "../lib/ts";
import { Avatar } from "./Avatar";
import { AddPeopleDialog, ConfirmDialog, errorText, Modal } from "./Dialogs";
import "./ChannelDetails.css";

export type DetailsTab = "about" | "members" | "pins" | "files" | "settings";

const TABS: [DetailsTab, string][] = [
  ["about", "About"],
  ["members", "Members"],
  ["pins", "Pins"],
  ["files", "Files"],
  ["settings", "Settings"],
];

interface PinnedItem {
  type?: string;
  created?: number;
  created_by?: string;
  message?: { ts?: string; user?: string; text?: string };
  file?: { id?: string; name?: string; title?: string };
}

/** Who may rename, archive and convert: admins and the channel's creator (#general: admins). */
function useCanManage(conversation: Conversation | undefined): boolean {
  return useAppState((s) => {
    const me = s.self ? s.users[s.self.userId] : undefined;
    if (!conversation || !me) return false;
    if (me.is_admin || me.is_owner) return true;
    return !conversation.is_general && conversation.creator === me.id;
  });
}

function useChannelInfo(channel: string): { info: Conversation | undefined; reload: () => void } {
  const c = useController();
  const cached = useAppState((s) => s.conversations[channel]);
  const [info, setInfo] = useState<Conversation | undefined>(undefined);
  const reload = useCallback(() => {
    c.api.call("conversations.info", { channel, include_num_members: true }).then(
      (body) => setInfo(body.channel),
      () => undefined,
    );
  }, [c, channel]);
  useEffect(reload, [reload]);
  useEffect(
    () =>
      c.onRtm((event) => {
        if ("channel" in event && (event.channel === channel || (typeof event.channel === "object" && event.channel?.id === channel))) reload();
      }),
    [c, channel, reload],
  );
  // The store's copy moves live (name, topic, member count); the fetched one adds the rest.
  return { info: info ? { ...info, ...cached, purpose: info.purpose } : cached, reload };
}

export function ChannelDetails({ channel, initialTab = "about", onClose }: { channel: string; initialTab?: DetailsTab; onClose: () => void }) {
  const [tab, setTab] = useState<DetailsTab>(initialTab);
  const { info, reload } = useChannelInfo(channel);
  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    e.preventDefault();
    const i = TABS.findIndex(([id]) => id === tab);
    const next = TABS[(i + (e.key === "ArrowRight" ? 1 : TABS.length - 1)) % TABS.length][0];
    setTab(next);
    document.getElementById(`details-tab-${next}`)?.focus();
  };
  const title = `${info?.is_private ? "🔒" : "#"} ${info?.name ?? ""}`;
  return (
    <Modal title={title} onClose={onClose} wide className="channel-details" data={{ "data-channel-details": channel }} initialFocus={[`#details-tab-${initialTab}`]}>
      <div className="details-tabs" role="tablist" aria-label="Channel details" onKeyDown={onTabKey}>
        {TABS.map(([id, label]) => (
          <button key={id} id={`details-tab-${id}`} type="button" role="tab" className="details-tab" aria-selected={tab === id} aria-controls={`details-panel-${id}`} tabIndex={tab === id ? 0 : -1} onClick={() => setTab(id)}>
            {label}
            {id === "members" && info?.num_members !== undefined ? ` ${info.num_members}` : ""}
          </button>
        ))}
      </div>
      <div className="details-panel" role="tabpanel" id={`details-panel-${tab}`} aria-labelledby={`details-tab-${tab}`}>
        {info && tab === "about" && <AboutTab info={info} onChanged={reload} />}
        {info && tab === "members" && <MembersTab info={info} />}
        {tab === "pins" && <PinsTab channel={channel} />}
        {tab === "files" && <FilesTab channel={channel} />}
        {info && tab === "settings" && <SettingsTab info={info} onClose={onClose} onChanged={reload} />}
      </div>
    </Modal>
  );
}

function EditableText({ label, value, placeholder, maxLength, disabled, onSave }: { label: string; value: string; placeholder: string; maxLength: number; disabled?: boolean; onSave: (v: string) => Promise<unknown> }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave(draft.trim()).then(
      () => {
        setEditing(false);
        setError("");
      },
      (err) => setError(errorText(err)),
    );
  };
  if (!editing)
    return (
      <div className="details-field">
        <div className="details-field-head">
          <h3>{label}</h3>
          {!disabled && (
            <button
              type="button"
              className="link-button"
              aria-label={`Edit ${label.toLowerCase()}`}
              onClick={() => {
                setDraft(value);
                setEditing(true);
              }}
            >
              Edit
            </button>
          )}
        </div>
        <p className={value ? "" : "muted"}>{value || placeholder}</p>
      </div>
    );
  return (
    <form className="details-field form" onSubmit={submit}>
      <label className="field">
        <span>{label}</span>
        <input className="input" value={draft} onChange={(e) => setDraft(e.target.value)} maxLength={maxLength} autoFocus />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" className="button button-secondary" onClick={() => setEditing(false)}>
          Cancel
        </button>
        <button type="submit" className="button button-primary">
          Save
        </button>
      </div>
    </form>
  );
}

function AboutTab({ info, onChanged }: { info: Conversation; onChanged: () => void }) {
  const c = useController();
  const creator = useAppState((s) => (info.creator ? s.users[info.creator] : undefined));
  const canManage = useCanManage(info);
  const readOnly = !!info.is_archived || !info.is_member;
  const created = info.created ? new Date(info.created * 1000).toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" }) : "";
  return (
    <div className="details-about">
      <EditableText
        label="Channel name"
        value={info.name ?? ""}
        placeholder=""
        maxLength={80}
        disabled={!canManage || !!info.is_archived}
        onSave={(name) => c.api.call("conversations.rename", { channel: info.id, name }).then(onChanged)}
      />
      <EditableText label="Topic" value={info.topic?.value ?? ""} placeholder="Add a topic" maxLength={250} disabled={readOnly} onSave={(topic) => c.conversations.setTopic(info.id, topic).then(onChanged)} />
      <EditableText
        label="Description"
        value={info.purpose?.value ?? ""}
        placeholder="Add a description"
        maxLength={250}
        disabled={readOnly}
        onSave={(purpose) => c.api.call("conversations.setPurpose", { channel: info.id, purpose }).then(onChanged)}
      />
      <div className="details-field">
        <h3>Managed by</h3>
        <p>{creator ? displayName(creator) : "Workspace admins"}</p>
        {created && <p className="muted small">Created on {created}</p>}
      </div>
      {info.is_member && !info.is_general && (
        <button
          type="button"
          className="button button-secondary details-leave"
          onClick={() =>
            void c.conversations.leave(info.id).then(
              () => navigate("/client", true),
              (e) => c.toast(errorText(e)),
            )
          }
        >
          Leave channel
        </button>
      )}
    </div>
  );
}

function MembersTab({ info }: { info: Conversation }) {
  const c = useController();
  const users = useAppState((s) => s.users);
  const selfId = useAppState((s) => s.self?.userId);
  const canManage = useCanManage(info);
  const [members, setMembers] = useState<string[] | null>(null);
  const [query, setQuery] = useState("");
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<User | null>(null);
  const load = useCallback(() => {
    c.conversations.members(info.id).then(setMembers, () => setMembers([]));
  }, [c, info.id]);
  useEffect(load, [load, info.num_members]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (members ?? [])
      .map((id) => users[id] ?? ({ id, name: id } as User))
      .filter((u) => !q || displayName(u).toLowerCase().includes(q) || (u.name ?? "").toLowerCase().includes(q) || (u.real_name ?? "").toLowerCase().includes(q))
      .sort((a, b) => displayName(a).localeCompare(displayName(b)));
  }, [members, users, query]);
  // Slack: anyone may remove from a private channel; in a public one, its managers.
  const mayRemove = canManage || !!info.is_private;
  return (
    <div className="details-members">
      <div className="details-members-bar">
        <input className="input" type="search" aria-label="Find members" placeholder="Find members" value={query} onChange={(e) => setQuery(e.target.value)} />
        {!info.is_archived && (
          <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
            Add people
          </button>
        )}
      </div>
      {members === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <ul className="details-member-list" aria-label="Members">
          {shown.map((u) => (
            <li key={u.id} className="details-member">
              <button type="button" className="details-member-person" data-profile-user={u.id}>
                <Avatar id={u.id} user={u} size={32} />
                <span>
                  {displayName(u, u.id)}
                  {u.id === selfId ? " (you)" : ""}
                </span>
              </button>
              {mayRemove && u.id !== selfId && !info.is_general && (
                <button type="button" className="button button-small button-ghost" aria-label={`Remove ${displayName(u, u.id)} from channel`} onClick={() => setRemoving(u)}>
                  Remove
                </button>
              )}
            </li>
          ))}
          {shown.length === 0 && <li className="muted">No one matches “{query}”.</li>}
        </ul>
      )}
      {adding && (
        <AddPeopleDialog
          channel={info.id}
          onClose={() => {
            setAdding(false);
            load();
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove ${displayName(removing)}?`}
          body={`They will no longer be a member of #${info.name ?? ""}.`}
          confirm="Remove"
          danger
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            const who = removing;
            setRemoving(null);
            c.api.call("conversations.kick", { channel: info.id, user: who.id }).then(load, (e) => c.toast(errorText(e)));
          }}
        />
      )}
    </div>
  );
}

function PinsTab({ channel }: { channel: string }) {
  const c = useController();
  const users = useAppState((s) => s.users);
  const [items, setItems] = useState<PinnedItem[] | null>(null);
  const load = useCallback(() => {
    c.api.call("pins.list", { channel }).then(
      (body) => setItems(((body as { items?: PinnedItem[] }).items ?? []) as PinnedItem[]),
      () => setItems([]),
    );
  }, [c, channel]);
  useEffect(load, [load]);
  useEffect(() => c.onRtm((e) => (e.type === "pin_added" || e.type === "pin_removed" ? load() : undefined)), [c, load]);
  if (items === null) return <p className="muted">Loading…</p>;
  if (items.length === 0) return <p className="muted">Nothing is pinned yet. Pin a message from its menu to keep it here.</p>;
  return (
    <ul className="details-pins" aria-label="Pinned items">
      {items.map((item, i) => (
        <li key={item.message?.ts ?? item.file?.id ?? i} className="details-pin">
          {item.message ? (
            <>
              <div className="details-pin-head">
                <strong>{displayName(item.message.user ? users[item.message.user] : undefined, "Someone")}</strong>
                {item.message.ts && <time className="muted small">{tsToDate(item.message.ts).toLocaleString()}</time>}
              </div>
              <p className="details-pin-text">{item.message.text}</p>
            </>
          ) : (
            <p>{item.file?.title || item.file?.name}</p>
          )}
        </li>
      ))}
    </ul>
  );
}

function FilesTab({ channel }: { channel: string }) {
  const c = useController();
  const [files, setFiles] = useState<SlackFile[] | null>(null);
  useEffect(() => {
    c.api.call("files.list", { channel, count: 100 }).then(
      (body) => setFiles((body.files ?? []) as SlackFile[]),
      () => setFiles([]),
    );
  }, [c, channel]);
  if (files === null) return <p className="muted">Loading…</p>;
  if (files.length === 0) return <p className="muted">No files have been shared here yet.</p>;
  return (
    <ul className="details-files" aria-label="Files">
      {files.map((f) => (
        <li key={f.id} className="details-file">
          <a href={f.url_private ?? "#"} target="_blank" rel="noreferrer">
            {f.title || f.name}
          </a>
          <span className="muted small">
            {f.pretty_type ?? f.filetype} · {f.created ? new Date(f.created * 1000).toLocaleDateString() : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}

function SettingsTab({ info, onClose, onChanged }: { info: Conversation; onClose: () => void; onChanged: () => void }) {
  const c = useController();
  const canManage = useCanManage(info);
  const [confirm, setConfirm] = useState<"archive" | "private" | null>(null);
  const [error, setError] = useState("");
  const run = (p: Promise<unknown>) =>
    p.then(
      () => {
        setError("");
        onChanged();
        // The button pressed may be gone now (converted): keep focus in the dialog.
        document.getElementById("details-tab-settings")?.focus();
      },
      (e) => setError(errorText(e)),
    );
  if (!canManage) return <p className="muted">Only the channel's creator and workspace admins can change these settings.</p>;
  return (
    <div className="details-settings">
      {info.is_archived ? (
        <button type="button" className="button button-secondary" onClick={() => void run(c.api.call("conversations.unarchive", { channel: info.id }))}>
          Unarchive channel
        </button>
      ) : (
        !info.is_general && (
          <button type="button" className="button button-danger" onClick={() => setConfirm("archive")}>
            Archive channel
          </button>
        )
      )}
      {!info.is_private && !info.is_general && !info.is_archived && (
        <button type="button" className="button button-secondary" onClick={() => setConfirm("private")}>
          Change to a private channel
        </button>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {confirm === "archive" && (
        <ConfirmDialog
          title={`Archive #${info.name ?? ""}?`}
          body="No one will be able to send messages to it; its history stays searchable. You can unarchive it later."
          confirm="Archive"
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            void run(c.api.call("conversations.archive", { channel: info.id })).then(onClose);
          }}
        />
      )}
      {confirm === "private" && (
        <ConfirmDialog
          title={`Change #${info.name ?? ""} to private?`}
          body="Only its current members will see it and its history. This cannot be undone here."
          confirm="Change to private"
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            void run(c.api.call("admin.conversations.convertToPrivate", { channel_id: info.id }));
          }}
        />
      )}
    </div>
  );
}
