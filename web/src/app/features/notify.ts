// Desktop notifications: the server decides (its one rule: levels, keywords, mute, do not
// disturb; see docs/notifications.md) and sends `desktop_notification` to whoever is to be
// notified; this shows exactly those, unless the person is looking at that conversation.
// Permission is asked from the Notifications settings screen, never on load.
// It also fans socket events out to the open view (Threads, Activity, …) so views stay live.
import type { RtmEvent } from "../../api/types";
import { clientPath, navigate } from "../../lib/router";
import type { Core } from "./core";

type DesktopEvent = Extract<RtmEvent, { type: "desktop_notification" }>;
type Listener = (event: RtmEvent) => void;

const listeners = new Set<Listener>();

/** Views subscribe to every socket event while they are open. */
export function onSocketEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function notificationsSupported(): boolean {
  return typeof Notification !== "undefined";
}

export async function askPermission(): Promise<NotificationPermission | "unsupported"> {
  if (!notificationsSupported()) return "unsupported";
  if (Notification.permission !== "default") return Notification.permission;
  return Notification.requestPermission();
}

export class DesktopNotifier {
  constructor(private readonly core: Core) {}

  handle(event: RtmEvent): void {
    for (const listener of listeners) listener(event);
    if (event.type === "desktop_notification") this.show(event);
  }

  private show(event: DesktopEvent): void {
    const s = this.core.state;
    if (!notificationsSupported() || Notification.permission !== "granted") return;
    const channel = event.channel ?? "";
    if (channel === s.active && s.focused && !event.thread_ts) return; // already in view
    const title = event.title === event.subtitle || !event.subtitle ? (event.title ?? "Parley") : `${event.subtitle} in ${event.title}`;
    try {
      const n = new Notification(title, { body: event.content ?? "", tag: `${channel}:${event.ts ?? ""}` });
      n.onclick = () => {
        window.focus();
        if (s.team && channel) navigate(clientPath(s.team.id, channel, event.thread_ts));
      };
    } catch {
      /* some browsers only allow notifications from a service worker */
    }
  }
}
