// Why this browser's session ended without the person signing out: their account was
// deactivated (with the admin's reason, if any) or the session expired. The app shows it
// in place of the workspace (components/AccountEnded.tsx) instead of reconnecting forever.
import { ApiError } from "../../api/client";

export interface Ended {
  kind: "deactivated" | "expired";
  teamName: string;
  reason?: string;
}

type Listener = () => void;

/** Errors that end the session for good (a retry or a reconnect cannot help). */
export function endedBy(e: unknown, teamName = ""): Ended | null {
  if (!(e instanceof ApiError)) return null;
  const team = typeof e.body.team_name === "string" && e.body.team_name ? e.body.team_name : teamName;
  if (e.error === "account_inactive") {
    const reason = typeof e.body.reason === "string" && e.body.reason.trim() ? e.body.reason.trim() : undefined;
    return { kind: "deactivated", teamName: team, reason };
  }
  if (e.error === "token_expired") return { kind: "expired", teamName: team };
  return null;
}

/** The words for an ended session (the sign-in form says the same). */
export function endedText(ended: Ended): string {
  const where = ended.teamName ? ` on ${ended.teamName}` : "";
  if (ended.kind === "expired") return "Your session expired. Sign in again to continue.";
  return `Your account${where} was deactivated.`;
}

export class EndedNotice {
  private value: Ended | null = null;
  private readonly listeners = new Set<Listener>();

  get = (): Ended | null => this.value;

  set(value: Ended | null): void {
    this.value = value;
    this.listeners.forEach((l) => l());
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
