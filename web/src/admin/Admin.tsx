// The admin screens (/admin/<tab>): members, invitations, workspace settings. A lazily
// loaded chunk (App.tsx): only admins open it, so it stays out of everyone's first load.
import { useRef } from "react";
import { useAppState, useController } from "../app/context";
import { navigate } from "../lib/router";
import { CustomEmoji } from "./CustomEmoji";
import { Invitations } from "./Invitations";
import { Members } from "./Members";
import { WorkspaceSettings } from "./WorkspaceSettings";
import "./admin.css";

const TABS = [
  { id: "members", label: "Members" },
  { id: "invitations", label: "Invitations" },
  { id: "settings", label: "Workspace settings" },
  { id: "emoji", label: "Emoji" },
] as const;

export default function Admin({ tab }: { tab: string }) {
  const c = useController();
  const team = useAppState((s) => s.team);
  const isAdmin = useAppState((s) => (s.self ? !!s.users[s.self.userId]?.is_admin : false));
  const current = TABS.find((t) => t.id === tab)?.id ?? "members";
  const teamChanged = useRef(false);
  const back = () => {
    const path = team ? `/client/${team.id}` : "/client";
    // A renamed workspace or new icon: reload so the sidebar and header show them.
    if (teamChanged.current) window.location.assign(path);
    else navigate(path);
  };
  return (
    <div className="admin">
      <header className="admin-header">
        <button type="button" className="button button-secondary button-small" onClick={back}>
          ← Back to {team?.name ?? "workspace"}
        </button>
        <h1>Administration</h1>
      </header>
      {!isAdmin ? (
        <main className="admin-main">
          <p role="alert">Only workspace admins and owners can open these screens.</p>
        </main>
      ) : (
        <>
          <nav className="admin-tabs" aria-label="Administration">
            {TABS.map((t) => (
              <a
                key={t.id}
                href={`/admin/${t.id}`}
                className={`admin-tab ${t.id === current ? "admin-tab-current" : ""}`}
                aria-current={t.id === current ? "page" : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/admin/${t.id}`);
                }}
              >
                {t.label}
              </a>
            ))}
          </nav>
          <main className="admin-main">
            {current === "members" && <Members api={c.api} />}
            {current === "invitations" && <Invitations api={c.api} />}
            {current === "emoji" && <CustomEmoji api={c.api} />}
            {current === "settings" && <WorkspaceSettings api={c.api} onTeamChanged={() => (teamChanged.current = true)} />}
          </main>
        </>
      )}
    </div>
  );
}
