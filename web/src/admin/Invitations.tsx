// Invitations: invite by email (one or many, as member or guest) or create a link; the list
// with each one's state and inviter; resend and revoke.
import { useCallback, useEffect, useState } from "react";
import type { ApiClient, ResultOf } from "../api/client";
import { useAppState } from "../app/context";
import { errorText } from "../components/Dialogs";

type Invite = ResultOf<"admin.invites.list">["invites"][number];
type Link = { label: string; url: string };

const STATE_LABEL: Record<string, string> = { pending: "Pending", accepted: "Accepted", revoked: "Revoked", expired: "Expired" };

function when(unix: number | null | undefined): string {
  return unix ? new Date(unix * 1000).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" }) : "";
}

function CopyLink({ link }: { link: Link }) {
  const [copied, setCopied] = useState(false);
  return (
    <li className="admin-link">
      <span className="small">{link.label}</span>
      <input className="input" readOnly value={link.url} aria-label={`Invitation link for ${link.label}`} onFocus={(e) => e.target.select()} />
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={() =>
          void navigator.clipboard?.writeText(link.url).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </li>
  );
}

export function Invitations({ api }: { api: ApiClient }) {
  const users = useAppState((s) => s.users);
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const [mailOn, setMailOn] = useState(true);
  const [emails, setEmails] = useState("");
  const [role, setRole] = useState("member");
  const [links, setLinks] = useState<Link[]>([]);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api.call("admin.invites.list").then(
      (body) => {
        setInvites(body.invites);
        setMailOn(body.email_configured);
      },
      (e) => setError(errorText(e)),
    );
  }, [api]);
  useEffect(load, [load]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError("");
    try {
      await work();
      load();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const sendByEmail = () =>
    run(async () => {
      const body = await api.call("admin.invites.create", { emails, role });
      const created = body.invites ?? [];
      setLinks(created.filter((i) => !i.email_sent).map((i) => ({ label: i.invite.email ?? "Anyone with the link", url: i.url })));
      setStatus(body.email_configured ? `Sent ${created.length} invitation${created.length === 1 ? "" : "s"}.` : `Created ${created.length} invitation${created.length === 1 ? "" : "s"}: share the links below.`);
      setEmails("");
    });

  const createLink = () =>
    run(async () => {
      const body = await api.call("admin.invites.create", { role });
      setLinks([{ label: "Anyone with the link (works once)", url: body.url }]);
      setStatus("Created an invitation link.");
    });

  const resend = (invite: Invite) =>
    run(async () => {
      const body = await api.call("admin.invites.resend", { invite_id: invite.id });
      if (!body.email_sent) setLinks([{ label: invite.email ?? "Anyone with the link", url: body.url }]);
      else setLinks([]);
      setStatus(body.email_sent ? `Sent the invitation to ${invite.email} again.` : "Made a new link (the old one no longer works).");
    });

  const revoke = (invite: Invite) =>
    run(async () => {
      await api.call("admin.invites.revoke", { invite_id: invite.id });
      setStatus("Invitation revoked.");
    });

  return (
    <section aria-labelledby="invites-title">
      <h2 id="invites-title">Invitations</h2>
      {!mailOn && (
        <p className="admin-notice" role="note">
          Email is not configured on this server (PARLEY_SMTP_URL); share the links yourself.
        </p>
      )}
      <form
        className="admin-card form"
        onSubmit={(e) => {
          e.preventDefault();
          void sendByEmail();
        }}
      >
        <label className="field">
          <span>Email addresses (separate with commas or new lines)</span>
          <textarea className="input" name="emails" rows={3} value={emails} onChange={(e) => setEmails(e.target.value)} required placeholder="ann@example.com, bob@example.com" />
        </label>
        <label className="field admin-inline">
          <span>Invite as</span>
          <select className="input" value={role} onChange={(e) => setRole(e.target.value)} name="role">
            <option value="member">Member</option>
            <option value="guest">Guest</option>
          </select>
        </label>
        <div className="admin-actions">
          <button type="submit" className="button button-primary" disabled={busy || !emails.trim()}>
            {mailOn ? "Send invitations" : "Create invitations"}
          </button>
          <button type="button" className="button button-secondary" disabled={busy} onClick={() => void createLink()}>
            Create an invite link
          </button>
        </div>
      </form>
      <p role="status" className="admin-status">{status}</p>
      {error && <p className="form-error" role="alert">{error}</p>}
      {links.length > 0 && (
        <ul className="admin-links" aria-label="Links to share">
          {links.map((l) => (
            <CopyLink key={l.url} link={l} />
          ))}
        </ul>
      )}
      <h3>Sent and pending</h3>
      {invites === null ? (
        <p className="muted">Loading invitations…</p>
      ) : invites.length === 0 ? (
        <p className="muted">No invitations yet.</p>
      ) : (
        <ul className="admin-list" aria-label="Invitations">
          {invites.map((i) => {
            const inviter = users[i.invited_by];
            const open = i.state === "pending" || i.state === "expired";
            return (
              <li key={i.id} className="admin-row" data-invite={i.id}>
                <div className="admin-who">
                  <strong>{i.email ?? "Invite link"}</strong>
                  <span className="muted small">
                    {i.role === "guest" ? "Guest" : i.role === "admin" ? "Admin" : "Member"} · invited by {inviter?.profile?.real_name || inviter?.name || i.invited_by} · {when(i.date_created)}
                  </span>
                </div>
                <span className={`admin-pill admin-pill-${i.state}`}>{STATE_LABEL[i.state] ?? i.state}</span>
                {open && (
                  <div className="admin-row-actions">
                    <button type="button" className="button button-secondary button-small" disabled={busy} onClick={() => void resend(i)} aria-label={`Resend invitation to ${i.email ?? "link"}`}>
                      Resend
                    </button>
                    <button type="button" className="button button-danger button-small" disabled={busy} onClick={() => void revoke(i)} aria-label={`Revoke invitation to ${i.email ?? "link"}`}>
                      Revoke
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
