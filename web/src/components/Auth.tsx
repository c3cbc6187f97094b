import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import { useController } from "../app/context";
import { navigate } from "../lib/router";
import { errorText } from "./Dialogs";

export function AuthFrame({ title, subtitle, children, footer }: { title: string; subtitle?: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="auth">
      <main className="auth-card" aria-labelledby="auth-title">
        <div className="brand">
          <img src="/favicon.svg" alt="" width={36} height={36} />
          <span>Parley</span>
        </div>
        <h1 id="auth-title">{title}</h1>
        {subtitle && <p className="muted">{subtitle}</p>}
        {children}
        {footer && <div className="auth-footer">{footer}</div>}
      </main>
    </div>
  );
}

export function Field({ label, ...input }: { label: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className="field">
      <span>{label}</span>
      <input className="input" {...input} />
    </label>
  );
}

export function useSubmit(action: () => Promise<void>) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await action();
      navigate("/client", true);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  return { error, busy, submit };
}

export function Link({ to, children }: { to: string; children: ReactNode }) {
  return (
    <a
      href={to}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function SignIn({ domain: initialDomain, email: initialEmail, notice }: { domain: string; email: string; notice?: string }) {
  const c = useController();
  const [domain, setDomain] = useState(initialDomain || c.prefs.lastDomain);
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState("");
  const { error, busy, submit } = useSubmit(() => c.session.signIn(domain.trim().toLowerCase(), email.trim(), password));
  const remembered = c.prefs.workspaces;
  return (
    <AuthFrame
      title="Sign in to your workspace"
      subtitle={initialDomain ? "Switching workspace signs this browser into the other one." : undefined}
      footer={
        <p>
          New to Parley? <Link to="/signup">Create a workspace</Link>
        </p>
      }
    >
      {notice && (
        <p className="auth-notice" role="status">
          {notice}
        </p>
      )}
      {remembered.length > 0 && (
        <div className="remembered" role="group" aria-label="Your workspaces">
          {remembered.map((w) => (
            <button
              type="button"
              key={`${w.domain}:${w.email}`}
              className={`remembered-item ${w.domain === domain && w.email === email ? "remembered-active" : ""}`}
              onClick={() => {
                setDomain(w.domain);
                setEmail(w.email);
              }}
            >
              <strong>{w.name}</strong> <span className="muted small">{w.domain} · {w.email}</span>
            </button>
          ))}
        </div>
      )}
      <form className="form" onSubmit={submit}>
        <Field label="Workspace" name="domain" value={domain} onChange={(e) => setDomain(e.target.value)} placeholder="your-team" autoComplete="organization" required />
        <Field label="Email" name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" required />
        <Field label="Password" name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
        {error && <p className="form-error" role="alert">{error}</p>}
        <button type="submit" className="button button-primary button-wide" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p className="auth-aside">
          <Link to={`/forgot-password?domain=${encodeURIComponent(domain.trim().toLowerCase())}&email=${encodeURIComponent(email.trim())}`}>Forgot password?</Link>
        </p>
      </form>
    </AuthFrame>
  );
}

export function SignUp() {
  const c = useController();
  const [form, setForm] = useState({ team_name: "", domain: "", real_name: "", email: "", password: "" });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const { error, busy, submit } = useSubmit(() => c.session.signUp({ ...form, domain: form.domain.trim().toLowerCase() }));
  return (
    <AuthFrame
      title="Create a workspace"
      subtitle="A home for your team's conversations."
      footer={
        <p>
          Already have one? <Link to="/signin">Sign in</Link>
        </p>
      }
    >
      <form className="form" onSubmit={submit}>
        <Field label="Workspace name" name="team_name" value={form.team_name} onChange={set("team_name")} placeholder="Acme Inc." required maxLength={100} />
        <Field label="Workspace URL" name="domain" value={form.domain} onChange={set("domain")} placeholder="acme" pattern="[a-zA-Z0-9][a-zA-Z0-9\-]*" title="Letters, numbers and hyphens" required maxLength={64} />
        <Field label="Your name" name="real_name" value={form.real_name} onChange={set("real_name")} autoComplete="name" maxLength={100} />
        <Field label="Email" name="email" type="email" value={form.email} onChange={set("email")} autoComplete="username" required />
        <Field label="Password" name="password" type="password" value={form.password} onChange={set("password")} autoComplete="new-password" minLength={8} required />
        {error && <p className="form-error" role="alert">{error}</p>}
        <button type="submit" className="button button-primary button-wide" disabled={busy}>
          {busy ? "Creating…" : "Create workspace"}
        </button>
      </form>
    </AuthFrame>
  );
}

export function AcceptInvite({ code }: { code: string }) {
  const c = useController();
  const [form, setForm] = useState({ real_name: "", email: "", password: "" });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const { error, busy, submit } = useSubmit(() => c.session.acceptInvite({ code, ...form }));
  const [invite, setInvite] = useState<{ team: string; inviter: string } | null>(null);
  const [problem, setProblem] = useState("");
  useEffect(() => {
    c.api.call("auth.inviteInfo", { code }).then(
      (info) => {
        setInvite({ team: info.team.name, inviter: info.inviter.name });
        if (info.email) setForm((f) => ({ ...f, email: f.email || info.email || "" }));
      },
      (err) => setProblem(errorText(err)),
    );
  }, [c, code]);
  const title = invite ? `Join ${invite.team} on Parley` : "Join your team";
  const subtitle = invite ? (invite.inviter ? `${invite.inviter} invited you to ${invite.team}.` : `You have been invited to ${invite.team}.`) : "You have been invited to a Parley workspace.";
  if (problem) {
    return (
      <AuthFrame title="This invitation cannot be used" footer={<p>Ask whoever invited you for a new link, or <Link to="/signin">sign in</Link>.</p>}>
        <p className="form-error" role="alert">{problem}</p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title={title} subtitle={subtitle}>
      <form className="form" onSubmit={submit}>
        <Field label="Your name" name="real_name" value={form.real_name} onChange={set("real_name")} autoComplete="name" maxLength={100} />
        <Field label="Email" name="email" type="email" value={form.email} onChange={set("email")} autoComplete="username" required />
        <Field label="Password" name="password" type="password" value={form.password} onChange={set("password")} autoComplete="new-password" minLength={8} required />
        {error && <p className="form-error" role="alert">{error}</p>}
        <button type="submit" className="button button-primary button-wide" disabled={busy}>
          {busy ? "Joining…" : "Join workspace"}
        </button>
      </form>
    </AuthFrame>
  );
}
