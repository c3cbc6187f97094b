// Workspace settings: name, icon (an uploaded image, scaled down here), default channels,
// and who may create channels or invite people.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import type { ApiClient, ResultOf } from "../api/client";
import type { Conversation } from "../api/types";
import { collect } from "../app/features/core";
import { errorText } from "../components/Dialogs";

type Settings = ResultOf<"admin.teams.settings.info">["team"];
const ICON_SIZE = 132;

/** The chosen image, centred and scaled to a square PNG data URL (the server keeps ≤ 256 KB). */
async function iconDataUrl(file: File): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = ICON_SIZE;
  const side = Math.min(bitmap.width, bitmap.height);
  const context = canvas.getContext("2d");
  if (!context) throw new Error("no canvas");
  context.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, ICON_SIZE, ICON_SIZE);
  return canvas.toDataURL("image/png");
}

function Policy({ name, legend, value, onChange }: { name: string; legend: string; value: string; onChange: (v: string) => void }) {
  // Shown as chosen at once; the saved value comes back with the next load.
  const [chosen, setChosen] = useState(value);
  useEffect(() => setChosen(value), [value]);
  return (
    <fieldset className="admin-fieldset">
      <legend>{legend}</legend>
      {[
        ["everyone", "Everyone (except guests)"],
        ["admins", "Only admins and owners"],
      ].map(([v, label]) => (
        <label key={v} className="admin-radio">
          <input
            type="radio"
            name={name}
            value={v}
            checked={chosen === v}
            onChange={() => {
              setChosen(v);
              onChange(v);
            }}
          /> {label}
        </label>
      ))}
    </fieldset>
  );
}

export function WorkspaceSettings({ api, onTeamChanged }: { api: ApiClient; onTeamChanged: () => void }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [channels, setChannels] = useState<Conversation[]>([]);
  const [name, setName] = useState("");
  const [defaults, setDefaults] = useState<string[]>([]);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");

  const load = useCallback(
    () =>
      Promise.all([
        api.call("admin.teams.settings.info").then((body) => {
          setSettings(body.team);
          setName(body.team.name);
          setDefaults(body.team.default_channels);
        }),
        collect(api, "conversations.list", "channels", { types: "public_channel", exclude_archived: true, limit: 1000 }).then((all) => setChannels(all.filter((ch) => !ch.is_general))),
      ]).then(
        () => undefined,
        (e) => setError(errorText(e)),
      ),
    [api],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const save = (work: Promise<unknown>, done: string) =>
    work.then(
      // The form shows what is saved (and says so) once it is read back.
      () =>
        load().then(() => {
          setStatus(done);
          setError("");
        }),
      (e) => {
        setStatus("");
        setError(errorText(e));
      },
    );

  if (!settings) return <p className="muted">{error || "Loading settings…"}</p>;
  const icon = settings.icon as Record<string, unknown>;
  const iconUrl = icon.image_default ? "" : String(icon.image_132 ?? "");
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Workspace settings</h2>
      <p role="status" className="admin-status">{status}</p>
      {error && <p className="form-error" role="alert">{error}</p>}
      <form
        className="admin-card form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          onTeamChanged();
          void save(api.call("admin.teams.settings.setName", { name }), "Workspace name saved.");
        }}
      >
        <label className="field">
          <span>Workspace name</span>
          <input className="input" name="team_name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
        </label>
        <div className="admin-actions">
          <button type="submit" className="button button-primary" disabled={name.trim() === settings.name}>
            Save name
          </button>
        </div>
      </form>
      <div className="admin-card">
        <div className="admin-icon-row">
          {iconUrl ? <img className="admin-icon" src={iconUrl} alt="Current workspace icon" width={64} height={64} /> : <div className="admin-icon admin-icon-empty" aria-hidden="true">{settings.name.slice(0, 1).toUpperCase()}</div>}
          <label className="field">
            <span>Workspace icon (an image; it is cropped to a square)</span>
            <input
              className="input"
              type="file"
              name="icon"
              accept="image/png,image/jpeg,image/gif,image/webp"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) onTeamChanged();
                if (file) void iconDataUrl(file).then((url) => save(api.call("admin.teams.settings.setIcon", { image_url: url }), "Workspace icon saved."), () => setError("That file could not be read as an image."));
              }}
            />
          </label>
        </div>
      </div>
      <form
        className="admin-card form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void save(api.call("admin.teams.settings.setDefaultChannels", { channel_ids: defaults.join(",") }), "Default channels saved.");
        }}
      >
        <fieldset className="admin-fieldset">
          <legend>Default channels (new members join them, besides #general)</legend>
          {channels.length === 0 && <p className="muted small">No other public channels yet.</p>}
          {channels.map((ch) => (
            <label key={ch.id} className="admin-radio">
              <input type="checkbox" name="default_channel" value={ch.id} checked={defaults.includes(ch.id)} onChange={(e) => setDefaults((d) => (e.target.checked ? [...d, ch.id] : d.filter((x) => x !== ch.id)))} /> #{ch.name}
            </label>
          ))}
        </fieldset>
        <div className="admin-actions">
          <button type="submit" className="button button-primary">
            Save default channels
          </button>
        </div>
      </form>
      <div className="admin-card">
        <Policy name="who_can_create_channels" legend="Who may create channels" value={settings.who_can_create_channels} onChange={(v) => void save(api.call("admin.teams.settings.setPermissions", { who_can_create_channels: v }), "Saved: who may create channels.")} />
        <Policy name="who_can_invite" legend="Who may invite people" value={settings.who_can_invite} onChange={(v) => void save(api.call("admin.teams.settings.setPermissions", { who_can_invite: v }), "Saved: who may invite people.")} />
      </div>
    </section>
  );
}
