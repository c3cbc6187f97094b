// One conversation's notification level (the member's default / all / mentions / nothing)
// and mute, kept on the server so the one notification rule reads them. Mounted from the
// channel header; exported for the channel details panel.
import { useEffect, useState } from "react";
import { useAppState, useController } from "../app/context";
import { conversationTitle } from "../lib/names";
import { Modal } from "./Dialog";

type Level = "default" | "all" | "mentions" | "nothing";
interface Pref {
  channel: string;
  level: Level;
  muted: boolean;
}
type Call = (method: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>>;

const LEVELS: [Level, string][] = [
  ["default", "Use my default"],
  ["all", "All new messages"],
  ["mentions", "Mentions and keywords"],
  ["nothing", "Nothing"],
];

export function ChannelNotificationsDialog({ channel, onClose }: { channel: string; onClose: () => void }) {
  const c = useController();
  const call = c.api.call.bind(c.api) as unknown as Call;
  const conversation = useAppState((s) => s.conversations[channel]);
  const users = useAppState((s) => s.users);
  const self = useAppState((s) => s.self?.userId);
  const [pref, setPref] = useState<Pref>({ channel, level: "default", muted: false });
  useEffect(() => {
    void call("client.notifications.get", {}).then((body) => {
      const mine = (body.channels as Pref[]).find((p) => p.channel === channel);
      if (mine) setPref(mine);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [channel]);
  const save = (change: Partial<Pref>) => {
    setPref((p) => ({ ...p, ...change })); // shown at once; the server's answer follows
    void call("client.notifications.setChannel", { channel, ...change }).then(
      (body) => {
        const next = body.channel as Pref;
        setPref(next);
        if (change.muted !== undefined) c.conversations.setMuted(channel, next.muted);
      },
      () => c.toast("Could not save the notification settings"),
    );
  };
  const title = conversationTitle(conversation, users, self);
  const direct = conversation?.is_im || conversation?.is_mpim;
  return (
    <Modal title={`Notifications for ${direct ? title : `#${title}`}`} onClose={onClose}>
      <fieldset className="settings-fieldset">
        <legend>Notify me about</legend>
        {LEVELS.map(([value, label]) => (
          <label key={value} className="settings-choice">
            <input type="radio" name="channel-level" value={value} checked={pref.level === value} onChange={() => save({ level: value })} /> {label}
          </label>
        ))}
      </fieldset>
      <label className="settings-choice">
        <input type="checkbox" checked={pref.muted} onChange={(e) => save({ muted: e.target.checked })} /> Mute this conversation (only direct mentions still notify)
      </label>
      <div className="modal-actions">
        <button type="button" className="button button-primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}
