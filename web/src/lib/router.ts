// Client routes. The server answers every one of these paths with the app (SPA fallback).
import { tsFromPermalinkSegment } from "./ts";

export type Route =
  | { name: "root" }
  | { name: "signin"; domain: string; email: string }
  | { name: "signup" }
  | { name: "invite"; code: string }
  | { name: "forgot"; domain: string; email: string }
  | { name: "reset"; code: string }
  | { name: "admin"; tab: string }
  | { name: "client"; channel: string | null; threadTs: string | null }
  | { name: "permalink"; channel: string; ts: string; threadTs: string | null }
  | { name: "notFound" };

export function parseRoute(pathname: string, search: string): Route {
  const params = new URLSearchParams(search);
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: "root" };
  switch (parts[0]) {
    case "signin":
      return { name: "signin", domain: params.get("domain") ?? "", email: params.get("email") ?? "" };
    case "signup":
      return { name: "signup" };
    case "invite":
      return parts[1] ? { name: "invite", code: parts[1] } : { name: "notFound" };
    case "forgot-password":
      return { name: "forgot", domain: params.get("domain") ?? "", email: params.get("email") ?? "" };
    case "reset-password":
      return parts[1] ? { name: "reset", code: parts[1] } : { name: "notFound" };
    case "admin":
      return { name: "admin", tab: parts[1] ?? "members" };
    case "client":
      // /client/<team>/<channel>[/thread/<ts>]
      return {
        name: "client",
        channel: parts[2] ?? null,
        threadTs: parts[3] === "thread" && parts[4] ? parts[4] : null,
      };
    case "archives": {
      const ts = parts[2] ? tsFromPermalinkSegment(parts[2]) : null;
      if (!parts[1] || !ts) return parts[1] ? { name: "client", channel: parts[1], threadTs: null } : { name: "notFound" };
      return { name: "permalink", channel: parts[1], ts, threadTs: params.get("thread_ts") };
    }
    default:
      return { name: "notFound" };
  }
}

export function clientPath(teamId: string, channel: string, threadTs?: string | null): string {
  return `/client/${teamId}/${channel}${threadTs ? `/thread/${threadTs}` : ""}`;
}

type Listener = () => void;
const listeners = new Set<Listener>();

export function currentRoute(): Route {
  return parseRoute(window.location.pathname, window.location.search);
}

export function navigate(path: string, replace = false): void {
  if (path === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  listeners.forEach((l) => l());
}

export function onRouteChange(listener: Listener): () => void {
  listeners.add(listener);
  const pop = () => listener();
  window.addEventListener("popstate", pop);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", pop);
  };
}
