// How people and conversations are named on screen, and the sidebar's order.
import type { Conversation, User } from "../api/types";

export function displayName(user: User | undefined, fallback = "Unknown"): string {
  if (!user) return fallback;
  return user.profile?.display_name || user.profile?.real_name || user.real_name || user.name || fallback;
}

/** Handles in an MPIM name (`mpdm-alice--bob--carol-1`). */
function mpimHandles(name: string): string[] {
  return name.replace(/^mpdm-/, "").replace(/-\d+$/, "").split("--");
}

export function conversationTitle(c: Conversation | undefined, users: Record<string, User>, selfId?: string): string {
  if (!c) return "";
  if (c.is_im) return displayName(c.user ? users[c.user] : undefined, "Direct message") + (c.user === selfId ? " (you)" : "");
  if (c.is_mpim && c.name) {
    const byHandle = new Map(Object.values(users).map((u) => [u.name, u]));
    const others = mpimHandles(c.name).filter((h) => byHandle.get(h)?.id !== selfId);
    return others.map((h) => displayName(byHandle.get(h), h)).join(", ");
  }
  return c.name ?? c.id;
}

export type SidebarSection = "channels" | "direct";

export function sectionOf(c: Conversation): SidebarSection {
  return c.is_im || c.is_mpim ? "direct" : "channels";
}

/** Conversations the sidebar shows: the ones you are in, not archived, by name. */
export function sidebarConversations(conversations: Record<string, Conversation>, users: Record<string, User>, selfId?: string): { channels: Conversation[]; direct: Conversation[] } {
  const channels: Conversation[] = [];
  const direct: Conversation[] = [];
  for (const c of Object.values(conversations)) {
    if (c.is_archived) continue;
    if (c.is_im || c.is_mpim) {
      if (c.is_im && c.user && users[c.user]?.deleted) continue;
      direct.push(c);
    } else if (c.is_member) channels.push(c);
  }
  const title = (c: Conversation) => conversationTitle(c, users, selfId).toLowerCase();
  channels.sort((a, b) => title(a).localeCompare(title(b)));
  direct.sort((a, b) => title(a).localeCompare(title(b)));
  return { channels, direct };
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  const letters = words.length === 1 ? words[0].slice(0, 2) : words[0][0] + words[words.length - 1][0];
  return letters.toUpperCase();
}

/** A stable, readable background colour for an avatar (white text stays AA-legible). */
export function avatarColor(id: string): string {
  const palette = ["#5b4bdb", "#0b7a75", "#b3261e", "#8a4b08", "#1f6f3f", "#2459a8", "#8f2d89", "#4d5b6a"];
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return palette[h % palette.length];
}

/** Only same-origin images may load (CSP img-src 'self'); others fall back to initials. */
export function safeImage(url: string | undefined): string | undefined {
  if (!url) return undefined;
  if (url.startsWith("/") && !url.startsWith("//")) return url;
  try {
    return new URL(url).origin === window.location.origin ? url : undefined;
  } catch {
    return undefined;
  }
}
