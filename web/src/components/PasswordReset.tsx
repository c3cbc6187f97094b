// "Forgot password?": ask for a reset mail, then choose a new password from the mailed link.
import { useEffect, useState } from "react";
import { useController } from "../app/context";
import { AuthFrame, Field, Link, useSubmit } from "./Auth";
import { errorText } from "./Dialogs";

const RESET_ERRORS: Record<string, string> = {
  invalid_reset_token: "This reset link is not valid or was already used. Ask for a new one.",
  reset_token_expired: "This reset link has expired. Ask for a new one.",
  password_too_short: "Use at least 8 characters.",
};

function resetError(err: unknown): string {
  const code = (err as { error?: string })?.error;
  return (code && RESET_ERRORS[code]) || errorText(err);
}

export function ForgotPassword({ domain: initialDomain, email: initialEmail }: { domain: string; email: string }) {
  const c = useController();
  const [domain, setDomain] = useState(initialDomain || c.prefs.lastDomain);
  const [email, setEmail] = useState(initialEmail);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await c.api.call("auth.passwordReset.request", { domain: domain.trim().toLowerCase(), email: email.trim() });
      setSent(true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const back = <Link to={`/signin?domain=${encodeURIComponent(domain.trim().toLowerCase())}&email=${encodeURIComponent(email.trim())}`}>Back to sign in</Link>;
  if (sent) {
    return (
      <AuthFrame title="Check your email" footer={<p>{back}</p>}>
        {/* The same words whether or not the address has an account: no enumeration. */}
        <p role="status">If {email.trim()} has an account in {domain.trim()}, we have sent it a link to choose a new password. The link works once and expires soon.</p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Reset your password" subtitle="We will email you a link to choose a new one." footer={<p>{back}</p>}>
      <form className="form" onSubmit={submit}>
        <Field label="Workspace" name="domain" value={domain} onChange={(e) => setDomain(e.target.value)} placeholder="your-team" autoComplete="organization" required />
        <Field label="Email" name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" required />
        {error && <p className="form-error" role="alert">{error}</p>}
        <button type="submit" className="button button-primary button-wide" disabled={busy}>
          {busy ? "Sending…" : "Send reset link"}
        </button>
      </form>
    </AuthFrame>
  );
}

export function ResetPassword({ code }: { code: string }) {
  const c = useController();
  const [team, setTeam] = useState<string | null>(null);
  const [problem, setProblem] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  useEffect(() => {
    c.api.call("auth.passwordReset.check", { code }).then(
      (body) => setTeam(body.team.name),
      (err) => setProblem(resetError(err)),
    );
  }, [c, code]);
  const { error, busy, submit } = useSubmit(async () => {
    if (password !== confirm) throw new Error("mismatch");
    await c.session.resetPassword(code, password);
  });
  if (problem) {
    return (
      <AuthFrame title="This link cannot be used" footer={<p><Link to="/forgot-password">Send a new link</Link></p>}>
        <p className="form-error" role="alert">{problem}</p>
      </AuthFrame>
    );
  }
  const shownError = error && password !== confirm ? "The two passwords differ." : error;
  return (
    <AuthFrame title="Choose a new password" subtitle={team ? `For ${team}. You will be signed out everywhere else.` : undefined}>
      <form className="form" onSubmit={submit}>
        <Field label="New password" name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" minLength={8} required />
        <Field label="Repeat it" name="confirm" type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password" minLength={8} required />
        {shownError && <p className="form-error" role="alert">{shownError}</p>}
        <button type="submit" className="button button-primary button-wide" disabled={busy || team === null}>
          {busy ? "Saving…" : "Set password and sign in"}
        </button>
      </form>
    </AuthFrame>
  );
}
