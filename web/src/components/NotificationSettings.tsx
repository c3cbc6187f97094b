// The Notifications settings screen (global): what notifies (all / mentions / nothing),
// keywords, the do-not-disturb schedule and snooze (Slack's dnd.*), and the browser's
// permission for desktop notifications, asked here on a click, never on load.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import type { RtmEvent } from "../api/types";
import { useController } from "../app/context";
import { askPermission, notificationsSupported, onSocketEvent } from "../app/features/notify";

export interface Settings {
  level: "all" | "mentions" | "nothing";
  keywords: string[];
  dnd_schedule: { enabled: boolean; start: string; end: string };
  tz: string;
  in_dnd: boolean;
  dnd: { snooze_enabled?: boolean; snooze_endtime?: number; next_dnd_start_ts?: number; next_dnd_end_ts?: number };
}

type Call = (method: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>>;

const LEVELS: [Settings["level"], string][] = [
  ["all", "All new messages"],
  ["mentions", "Direct messages, mentions and keywords"],
  ["nothing", "Nothing"],
];
const SNOOZES: [number, string][] = [
  [20, "20 minutes"],
  [60, "1 hour"],
  [120, "2 hours"],
  [480, "8 hours"],
];

function permissionText(p: NotificationPermission | "unsupported"): string {
  if (p === "granted") return "Desktop notifications are on for this browser.";
  if (p === "denied") return "This browser blocks Parley's notifications: allow them in the site settings.";
  if (p === "unsupported") return "This browser cannot show desktop notifications.";
  return "Desktop notifications are off for this browser.";
}

function scheduleChange(params: Record<string, unknown>): Partial<Settings["dnd_schedule"]> {
  const change: Partial<Settings["dnd_schedule"]> = {};
  if (typeof params.dnd_enabled === "boolean") change.enabled = params.dnd_enabled;
  if (typeof params.dnd_start === "string") change.start = params.dnd_start;
  if (typeof params.dnd_end === "string") change.end = params.dnd_end;
  return change;
}

export function NotificationSettings() {
  const c = useController();
  const call = c.api.call.bind(c.api) as unknown as Call;
  const [settings, setSettings] = useState<Settings | null>(null);
  const [keywords, setKeywords] = useState("");
  const [permission, setPermission] = useState<NotificationPermission | "unsupported">(() => (notificationsSupported() ? Notification.permission : "unsupported"));
  const load = useCallback(() => {
    void call("client.notifications.get", {}).then((body) => {
      const s = body.settings as Settings;
      setSettings(s);
      setKeywords(s.keywords.join(", "));
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [c]);
  useEffect(load, [load]);
  useEffect(() => onSocketEvent((e: RtmEvent) => (e.type === "dnd_updated" || e.type === "pref_change") && load()), [load]);

  const save = (params: Record<string, unknown>) => {
    // Shown at once (the level and schedule fields); the server's answer follows.
    setSettings((s) => s && { ...s, ...(params.level ? { level: params.level as Settings["level"] } : {}), dnd_schedule: { ...s.dnd_schedule, ...scheduleChange(params) } });
    void call("client.notifications.set", params).then(
      (body) => setSettings(body.settings as Settings),
      () => c.toast("Could not save the notification settings"),
    );
  };
  const snooze = (minutes: number) => void call("dnd.setSnooze", { num_minutes: minutes }).then(load, () => c.toast("Could not pause notifications"));
  const resume = () => void call("dnd.endDnd", {}).then(load, () => c.toast("Could not resume notifications"));
  if (!settings) return <p className="muted view-empty">Loading…</p>;
  const snoozedUntil = settings.dnd.snooze_enabled && settings.dnd.snooze_endtime ? new Date(settings.dnd.snooze_endtime * 1000) : null;
  return (
    <div className="settings-form">
      <section aria-labelledby="notify-desktop">
        <h2 id="notify-desktop">Desktop notifications</h2>
        <p className="muted" role="status">
          {permissionText(permission)}
        </p>
        {permission === "default" && (
          <button type="button" className="button button-primary" onClick={() => void askPermission().then(setPermission)}>
            Enable desktop notifications
          </button>
        )}
      </section>
      <section aria-labelledby="notify-level">
        <h2 id="notify-level">Notify me about</h2>
        <div role="radiogroup" aria-labelledby="notify-level">
          {LEVELS.map(([value, label]) => (
            <label key={value} className="settings-choice">
              <input type="radio" name="level" value={value} checked={settings.level === value} onChange={() => save({ level: value })} /> {label}
            </label>
          ))}
        </div>
      </section>
      <form
        aria-labelledby="notify-keywords"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          save({ keywords: keywords.split(",").map((k) => k.trim()).filter(Boolean) });
        }}
      >
        <h2 id="notify-keywords">My keywords</h2>
        <label className="settings-field">
          <span>Words that notify you like a mention, separated by commas</span>
          <input type="text" value={keywords} onChange={(e) => setKeywords(e.target.value)} placeholder="deploy, on call" />
        </label>
        <button type="submit" className="button button-small">
          Save keywords
        </button>
      </form>
      <section aria-labelledby="notify-dnd">
        <h2 id="notify-dnd">Do not disturb</h2>
        <p className="muted" role="status" data-dnd-state={settings.in_dnd ? "on" : "off"}>
          {settings.in_dnd ? (snoozedUntil ? `Notifications are paused until ${snoozedUntil.toLocaleTimeString()}.` : "Do not disturb is on (your schedule).") : "Notifications are on."}
        </p>
        {settings.in_dnd ? (
          <button type="button" className="button button-small" onClick={resume}>
            Resume notifications
          </button>
        ) : (
          <div className="row wrap" role="group" aria-label="Pause notifications for">
            {SNOOZES.map(([minutes, label]) => (
              <button key={minutes} type="button" className="button button-small button-ghost" onClick={() => snooze(minutes)}>
                Pause {label}
              </button>
            ))}
          </div>
        )}
        <label className="settings-choice">
          <input type="checkbox" checked={settings.dnd_schedule.enabled} onChange={(e) => save({ dnd_enabled: e.target.checked })} /> Pause notifications every day
        </label>
        <div className="row wrap">
          <label className="settings-field">
            <span>From</span>
            <input type="time" value={settings.dnd_schedule.start} onChange={(e) => e.target.value && save({ dnd_start: e.target.value })} />
          </label>
          <label className="settings-field">
            <span>To</span>
            <input type="time" value={settings.dnd_schedule.end} onChange={(e) => e.target.value && save({ dnd_end: e.target.value })} />
          </label>
        </div>
        <p className="muted small">Times are in your time zone ({settings.tz}).</p>
      </section>
    </div>
  );
}
