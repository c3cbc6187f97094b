// The screen shown when the session ended without signing out: a deactivated account (with
// the admin's reason) or an expired session. Replaces "Reconnecting…" forever.
import { useSyncExternalStore } from "react";
import { useController } from "../app/context";
import { endedText } from "../app/features/ended";
import { navigate } from "../lib/router";
import { SignIn } from "./Auth";

export function useEnded() {
  const c = useController();
  return useSyncExternalStore(c.ended.subscribe, c.ended.get);
}

export function AccountEnded() {
  const c = useController();
  const ended = useEnded();
  if (!ended) return null;
  if (ended.kind === "expired") return <SignIn domain="" email="" notice={endedText(ended)} />;
  return (
    <div className="auth">
      <main className="auth-card" aria-labelledby="ended-title">
        <div className="brand">
          <img src="/favicon.svg" alt="" width={36} height={36} />
          <span>Parley</span>
        </div>
        <h1 id="ended-title">{ended.kind === "deactivated" ? "Account deactivated" : "Session expired"}</h1>
        <p>{endedText(ended)}</p>
        {ended.reason && (
          <p>
            <strong>Reason given:</strong> {ended.reason}
          </p>
        )}
        {ended.kind === "deactivated" && <p className="muted">If you think this is a mistake, ask an admin of the workspace.</p>}
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            c.ended.set(null);
            navigate("/signin", true);
          }}
        >
          {ended.kind === "deactivated" ? "Go to sign in" : "Sign in"}
        </button>
      </main>
    </div>
  );
}
