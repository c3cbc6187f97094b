import { lazy, Suspense, useEffect, useState } from "react";
import { AccountEnded, useEnded } from "../components/AccountEnded";
import { AcceptInvite, SignIn, SignUp } from "../components/Auth";
import { ForgotPassword, ResetPassword } from "../components/PasswordReset";
import { Workspace } from "../components/Workspace";
import { currentRoute, navigate, onRouteChange, type Route } from "../lib/router";
import { useAppState, useController } from "./context";

function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => onRouteChange(() => setRoute(currentRoute())), []);
  return route;
}

const PUBLIC_ROUTES = new Set(["signin", "signup", "invite", "forgot", "reset"]);

// The admin screens are a chunk of their own, loaded when an admin opens them: most
// sessions never do, and the first load stays small (web/scripts/check-bundle.mjs).
const Admin = lazy(() => import("../admin/Admin"));

export function App() {
  const c = useController();
  const route = useRoute();
  const signedIn = useAppState((s) => s.team !== null);
  const [checked, setChecked] = useState(false);
  const ended = useEnded();

  useEffect(() => {
    c.session.resume().then(
      () => setChecked(true),
      () => setChecked(true),
    );
  }, [c]);

  useEffect(() => {
    if (!checked || ended) return;
    if (!signedIn && !PUBLIC_ROUTES.has(route.name)) {
      // Keep a permalink or channel link to come back to after signing in.
      const back = route.name === "root" || route.name === "notFound" ? "" : window.location.pathname + window.location.search;
      if (back) sessionStorage.setItem("parley:after-signin", back);
      navigate("/signin", true);
    } else if (signedIn && (route.name === "signin" || route.name === "signup" || route.name === "root" || route.name === "notFound")) {
      const back = sessionStorage.getItem("parley:after-signin");
      sessionStorage.removeItem("parley:after-signin");
      navigate(back || "/client", true);
    }
  }, [checked, signedIn, route, ended]);

  if (!checked) {
    return (
      <div className="splash" role="status">
        <img src="/favicon.svg" alt="" width={48} height={48} />
        <span className="muted">Loading Parley…</span>
      </div>
    );
  }
  if (ended) return <AccountEnded />;
  if (route.name === "invite" && !signedIn) return <AcceptInvite code={route.code} />;
  if (route.name === "forgot") return <ForgotPassword domain={route.domain} email={route.email} />;
  if (route.name === "reset") return <ResetPassword code={route.code} />;
  if (route.name === "admin" && signedIn) {
    return (
      <Suspense fallback={<div className="splash" role="status"><span className="muted">Loading admin…</span></div>}>
        <Admin tab={route.tab} />
      </Suspense>
    );
  }
  if (!signedIn) return route.name === "signup" ? <SignUp /> : <SignIn domain={route.name === "signin" ? route.domain : ""} email={route.name === "signin" ? route.email : ""} />;
  return <Workspace route={route} />;
}
