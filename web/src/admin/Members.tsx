// Members: search by name or email, change roles, deactivate (with a reason shown to the
// person) and reactivate.
import { useCallback, useEffect, useMemo, useState } from "react";
import type { ApiClient } from "../api/client";
import type { User } from "../api/types";
import { useAppState } from "../app/context";
import { collect } from "../app/features/core";
import { Avatar } from "../components/Avatar";
import { errorText, Modal } from "../components/Dialogs";

type Role = "owner" | "admin" | "member" | "guest";
const ROLES: Role[] = ["owner", "admin", "member", "guest"];

export function roleOf(user: User): Role {
  if (user.is_owner) return "owner";
  if (user.is_admin) return "admin";
  if (user.is_restricted) return "guest";
  return "member";
}

function displayName(user: User): string {
  return user.profile?.real_name || user.real_name || user.name;
}

export function Members({ api }: { api: ApiClient }) {
  const selfId = useAppState((s) => s.self?.userId ?? "");
  const iAmOwner = useAppState((s) => (s.self ? !!s.users[s.self.userId]?.is_owner : false));
  const [people, setPeople] = useState<User[] | null>(null);
  const [query, setQuery] = useState("");
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const [deactivating, setDeactivating] = useState<User | null>(null);

  const load = useCallback(() => {
    collect(api, "users.list", "members", { limit: 1000 }).then(
      (all) => setPeople(all.filter((u) => !u.is_bot && u.id !== "USLACKBOT")),
      (e) => setError(errorText(e)),
    );
  }, [api]);
  useEffect(load, [load]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (people ?? []).filter((u) => !q || displayName(u).toLowerCase().includes(q) || u.name.toLowerCase().includes(q) || (u.profile?.email ?? "").toLowerCase().includes(q));
  }, [people, query]);

  const act = (work: Promise<unknown>, done: string) =>
    work.then(
      () => {
        setStatus(done);
        setError("");
        load();
      },
      (e) => setError(errorText(e)),
    );

  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <label className="field admin-search">
        <span>Search members</span>
        <input className="input" type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Name or email" />
      </label>
      {error && <p className="form-error" role="alert">{error}</p>}
      <p className="sr-only" role="status">{status}</p>
      {people === null ? (
        <p className="muted">Loading members…</p>
      ) : (
        <ul className="admin-list" aria-label="Members">
          {shown.map((u) => {
            const role = roleOf(u);
            const locked = u.id === selfId || !!(u as User & { is_primary_owner?: boolean }).is_primary_owner || (role === "owner" && !iAmOwner);
            return (
              <li key={u.id} className={`admin-row ${u.deleted ? "admin-row-inactive" : ""}`} data-user={u.id}>
                <Avatar user={u} id={u.id} size={32} />
                <div className="admin-who">
                  <strong>{displayName(u)}</strong>
                  <span className="muted small">{u.profile?.email ?? `@${u.name}`}</span>
                  {u.deleted && <span className="admin-pill">Deactivated</span>}
                </div>
                <label className="admin-role">
                  <span className="sr-only">Role of {displayName(u)}</span>
                  <select
                    className="input"
                    value={role}
                    disabled={locked || !!u.deleted}
                    onChange={(e) => void act(api.call("admin.users.setRole", { user_id: u.id, role: e.target.value }), `${displayName(u)} is now ${e.target.value}.`)}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r} disabled={r === "owner" && !iAmOwner}>
                        {r[0].toUpperCase() + r.slice(1)}
                      </option>
                    ))}
                  </select>
                </label>
                {u.deleted ? (
                  <button type="button" className="button button-secondary button-small" onClick={() => void act(api.call("admin.users.setActive", { user_id: u.id, active: true }), `${displayName(u)} is active again.`)}>
                    Reactivate
                  </button>
                ) : (
                  <button type="button" className="button button-danger button-small" disabled={locked} onClick={() => setDeactivating(u)}>
                    Deactivate
                  </button>
                )}
              </li>
            );
          })}
          {shown.length === 0 && <li className="muted">No member matches “{query}”.</li>}
        </ul>
      )}
      {deactivating && (
        <DeactivateDialog
          user={deactivating}
          onCancel={() => setDeactivating(null)}
          onConfirm={(reason) => {
            const who = deactivating;
            setDeactivating(null);
            void act(api.call("admin.users.setActive", { user_id: who.id, active: false, reason }), `${displayName(who)} was deactivated.`);
          }}
        />
      )}
    </section>
  );
}

function DeactivateDialog({ user, onCancel, onConfirm }: { user: User; onCancel: () => void; onConfirm: (reason: string) => void }) {
  const [reason, setReason] = useState("");
  return (
    <Modal
      title={`Deactivate ${displayName(user)}?`}
      onClose={onCancel}
      onSubmit={(e) => {
        e.preventDefault();
        onConfirm(reason.trim());
      }}
    >
      <p>They are signed out everywhere and can no longer sign in. Their messages stay.</p>
      <label className="field">
        <span>Reason (shown to them)</span>
        <textarea className="input" name="reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} />
      </label>
      <div className="modal-actions">
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-danger">
          Deactivate
        </button>
      </div>
    </Modal>
  );
}
