// A person's profile card, opened by clicking a name or an avatar anywhere (a message's
// author, an @mention, a member list): any element with `data-profile-user="U…"`, or a
// rendered mention `.mention[data-user-id]`. Shows photo, names, title, pronouns, local time,
// status, presence and the workspace's custom fields, with "Message" (opens the DM) and
// "View full profile".
import { useEffect, useState } from "react";
import type { User } from "../api/types";
import { useAppState, useController } from "../app/context";
import { emojify } from "../lib/emoji";
import { displayName, safeImage } from "../lib/names";
import { localTime } from "../lib/profile";
import { clientPath, navigate } from "../lib/router";
import { Avatar } from "./Avatar";
import { errorText, Modal } from "./Dialogs";
import "./ProfileCard.css";

export interface ProfileFieldDef {
  id: string;
  label: string;
  hint?: string;
  type?: string;
  ordering?: number;
  is_hidden?: boolean;
}

type FieldValues = Record<string, { value?: string; alt?: string }>;

/** Opens the card for whoever a click on the page names; renders it. Mount once. */
export function ProfileCardHost() {
  const [userId, setUserId] = useState<string | null>(null);
  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      const target = e.target as HTMLElement | null;
      const named = target?.closest<HTMLElement>("[data-profile-user], .mention[data-user-id]");
      const id = named?.dataset.profileUser ?? named?.dataset.userId;
      if (!id) return;
      e.preventDefault();
      setUserId(id);
    };
    document.addEventListener("click", onClick);
    return () => document.removeEventListener("click", onClick);
  }, []);
  if (!userId) return null;
  return <ProfileCard key={userId} userId={userId} onClose={() => setUserId(null)} />;
}

function useProfileExtras(userId: string): { fields: ProfileFieldDef[]; values: FieldValues; pronouns: string } {
  const c = useController();
  const [fields, setFields] = useState<ProfileFieldDef[]>([]);
  const [values, setValues] = useState<FieldValues>({});
  const [pronouns, setPronouns] = useState("");
  useEffect(() => {
    let live = true;
    c.api.call("team.profile.get", { visibility: "visible" }).then(
      (body) => live && setFields(((body as { profile?: { fields?: ProfileFieldDef[] } }).profile?.fields ?? []) as ProfileFieldDef[]),
      () => undefined,
    );
    c.api.call("users.profile.get", { user: userId }).then(
      (body) => {
        if (!live) return;
        const profile = body.profile as { fields?: FieldValues; pronouns?: string };
        setValues(profile.fields ?? {});
        setPronouns(profile.pronouns ?? "");
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [c, userId]);
  return { fields, values, pronouns };
}

function usePresence(userId: string): string | undefined {
  const c = useController();
  const known = useAppState((s) => s.presence[userId]);
  const [fetched, setFetched] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (known !== undefined) return;
    c.api.call("users.getPresence", { user: userId }).then(
      (p) => setFetched(p.presence),
      () => undefined,
    );
  }, [c, userId, known]);
  return known ?? fetched;
}

function FieldValue({ def, value, users }: { def: ProfileFieldDef; value: { value?: string; alt?: string }; users: Record<string, User> }) {
  const text = value.value ?? "";
  if (def.type === "link" && /^https?:\/\//.test(text))
    return (
      <a href={text} target="_blank" rel="noreferrer noopener">
        {value.alt || text}
      </a>
    );
  if (def.type === "user") return <span>{displayName(users[text], text)}</span>;
  return <span>{text}</span>;
}

export function ProfileCard({ userId, onClose }: { userId: string; onClose: () => void }) {
  const c = useController();
  const user = useAppState((s) => s.users[userId]);
  const users = useAppState((s) => s.users);
  const team = useAppState((s) => s.team);
  const selfId = useAppState((s) => s.self?.userId);
  const presence = usePresence(userId);
  const { fields, values, pronouns } = useProfileExtras(userId);
  const [full, setFull] = useState(false);
  const [error, setError] = useState("");
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  useEffect(() => {
    if (!user) void c.lookups.user(userId);
  }, [c, user, userId]);

  const p = user?.profile ?? {};
  const name = displayName(user, userId);
  const realName = p.real_name || user?.real_name || "";
  const photo = safeImage((p as Record<string, string | undefined>).image_192 ?? p.image_48);
  const status = p.status_emoji || p.status_text ? `${emojify(p.status_emoji ?? "")} ${p.status_text ?? ""}`.trim() : "";
  const time = localTime(user?.tz, now);
  const active = presence === "active";
  const filled = fields.filter((f) => values[f.id]?.value);
  const message = () => {
    c.conversations.openDirect([userId]).then(
      (channel) => {
        onClose();
        if (team) navigate(clientPath(team.id, channel.id));
      },
      (e) => setError(errorText(e)),
    );
  };
  return (
    <Modal title={name} onClose={onClose} className="profile-card" data={{ "data-profile-card": userId }} initialFocus={[".profile-card-actions button"]}>
      <div className="profile-card-body">
        <div className="profile-card-photo">{photo ? <img src={photo} alt={`Profile photo of ${name}`} width={160} height={160} /> : <Avatar id={userId} user={user} size={160} />}</div>
        <div className="profile-card-facts">
          {realName && realName !== name && <p className="profile-card-realname">{realName}</p>}
          {pronouns && <p className="muted">{pronouns}</p>}
          {p.title && <p className="profile-card-title">{p.title}</p>}
          {status && <p className="profile-card-status">{status}</p>}
          <p className="profile-card-presence">
            <span className={`presence ${active ? "presence-active" : "presence-away"}`} aria-hidden="true" /> {user?.deleted ? "Deactivated" : active ? "Active" : "Away"}
          </p>
          {time && (
            <p className="muted" data-local-time>
              {time} local time
            </p>
          )}
        </div>
      </div>
      {filled.length > 0 && (
        <dl className="profile-card-fields">
          {filled.map((f) => (
            <div key={f.id} className="profile-card-field">
              <dt>{f.label}</dt>
              <dd>
                <FieldValue def={f} value={values[f.id]} users={users} />
              </dd>
            </div>
          ))}
        </dl>
      )}
      {full && (
        <dl className="profile-card-fields profile-card-full">
          <div className="profile-card-field">
            <dt>Username</dt>
            <dd>@{user?.name}</dd>
          </div>
          {p.email && (
            <div className="profile-card-field">
              <dt>Email</dt>
              <dd>
                <a href={`mailto:${p.email}`}>{p.email}</a>
              </dd>
            </div>
          )}
          {p.phone && (
            <div className="profile-card-field">
              <dt>Phone</dt>
              <dd>{p.phone}</dd>
            </div>
          )}
          {user?.tz && (
            <div className="profile-card-field">
              <dt>Time zone</dt>
              <dd>{user.tz}</dd>
            </div>
          )}
          <div className="profile-card-field">
            <dt>Role</dt>
            <dd>{user?.is_owner ? "Owner" : user?.is_admin ? "Admin" : user?.is_restricted ? "Guest" : user?.is_bot ? "App" : "Member"}</dd>
          </div>
        </dl>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions profile-card-actions">
        {!user?.deleted && (
          <button type="button" className="button button-primary" onClick={message}>
            {userId === selfId ? "Message yourself" : "Message"}
          </button>
        )}
        <button type="button" className="button button-secondary" aria-expanded={full} onClick={() => setFull((f) => !f)}>
          {full ? "Show less" : "View full profile"}
        </button>
      </div>
    </Modal>
  );
}
