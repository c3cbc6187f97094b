// "Schedule message" beside Send: presets or a custom time (chat.scheduleMessage), and the
// list of this conversation's scheduled messages with Cancel (chat.deleteScheduledMessage).
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client";
import { useController } from "../app/context";
import { Modal } from "./Dialog";
import "./MessageMenu.css";

export interface Prepared {
  text: string;
  blocks: { [key: string]: unknown }[];
}

interface Scheduled {
  id: string;
  channel_id: string;
  post_at: number;
  text?: string;
}

function presets(now: Date): { label: string; at: Date }[] {
  const inHalfHour = new Date(now.getTime() + 30 * 60_000);
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  tomorrow.setHours(9, 0, 0, 0);
  const monday = new Date(now);
  monday.setDate(now.getDate() + ((8 - now.getDay()) % 7 || 7));
  monday.setHours(9, 0, 0, 0);
  return [
    { label: "In 30 minutes", at: inHalfHour },
    { label: "Tomorrow at 9:00", at: tomorrow },
    { label: "Monday at 9:00", at: monday },
  ];
}

function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function when(d: Date): string {
  return d.toLocaleString([], { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
}

const ChevronUp = () => (
  <svg className="icon" width={14} height={14} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path d="m6 15 6-6 6 6" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
  </svg>
);

export function ScheduleMenu({ channel, threadTs, prepare, onScheduled, disabled }: { channel: string; threadTs?: string; prepare: () => Prepared | null; onScheduled: () => void; disabled: boolean }) {
  const c = useController();
  const [open, setOpen] = useState(false);
  const [custom, setCustom] = useState(false);
  const [listing, setListing] = useState(false);
  const [count, setCount] = useState(0);
  const box = useRef<HTMLDivElement>(null);

  const refresh = useCallback(async () => {
    try {
      const body = (await c.api.call("chat.scheduledMessages.list", { channel })) as unknown as { scheduled_messages?: Scheduled[] };
      const mine = (body.scheduled_messages ?? []).filter((m) => m.channel_id === channel);
      setCount(mine.length);
      return mine;
    } catch {
      return [];
    }
  }, [c, channel]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (!open) return;
    box.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
    const outside = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [open]);

  const schedule = async (at: Date) => {
    setOpen(false);
    setCustom(false);
    const prepared = prepare();
    if (!prepared) return;
    try {
      await c.api.call("chat.scheduleMessage", { channel, text: prepared.text, blocks: prepared.blocks, post_at: Math.floor(at.getTime() / 1000), ...(threadTs ? { thread_ts: threadTs } : {}) } as never);
      onScheduled();
      c.toast(`Scheduled for ${when(at)}`);
      void refresh();
    } catch (e) {
      c.toast(`Could not schedule: ${e instanceof ApiError ? e.error.replace(/_/g, " ") : "network error"}`);
    }
  };

  return (
    <>
      {count > 0 && (
        <button type="button" className="link-button small scheduled-count" onClick={() => setListing(true)}>
          {count} scheduled
        </button>
      )}
      <span className="picker-anchor picker-up">
        <button type="button" className="icon-button schedule-button" aria-label="Schedule message" title="Schedule message" aria-haspopup="menu" aria-expanded={open} disabled={disabled} onClick={() => setOpen((v) => !v)}>
          <ChevronUp />
        </button>
        {open && (
          <div className="menu shortcut-menu shortcut-menu-up schedule-menu" role="menu" aria-label="Schedule message" ref={box} onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.stopPropagation();
              setOpen(false);
            }
          }}>
            <div className="menu-heading">Schedule message</div>
            {presets(new Date()).map((p) => (
              <button key={p.label} type="button" role="menuitem" className="menu-item" onClick={() => void schedule(p.at)}>
                {p.label} <span className="muted small">{when(p.at)}</span>
              </button>
            ))}
            <button type="button" role="menuitem" className="menu-item" onClick={() => {
              setOpen(false);
              setCustom(true);
            }}>
              Custom time…
            </button>
          </div>
        )}
      </span>
      {custom && <CustomTime onClose={() => setCustom(false)} onPick={(d) => void schedule(d)} />}
      {listing && <ScheduledList channel={channel} load={refresh} onClose={() => setListing(false)} />}
    </>
  );
}

function CustomTime({ onClose, onPick }: { onClose: () => void; onPick: (d: Date) => void }) {
  const [value, setValue] = useState(() => localInputValue(new Date(Date.now() + 3600_000)));
  const [error, setError] = useState("");
  return (
    <Modal title="Schedule message" onClose={onClose} onSubmit={(e) => {
      e.preventDefault();
      const d = new Date(value);
      if (Number.isNaN(d.getTime()) || d.getTime() <= Date.now()) return setError("Pick a time in the future.");
      onPick(d);
    }}>
      <label className="field">
        <span>Send at</span>
        <input className="input" type="datetime-local" value={value} onChange={(e) => setValue(e.target.value)} />
      </label>
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="modal-actions">
        <button type="button" className="button button-secondary" onClick={onClose}>Cancel</button>
        <button type="submit" className="button button-primary">Schedule</button>
      </div>
    </Modal>
  );
}

function ScheduledList({ channel, load, onClose }: { channel: string; load: () => Promise<Scheduled[]>; onClose: () => void }) {
  const c = useController();
  const [items, setItems] = useState<Scheduled[] | null>(null);
  useEffect(() => {
    void load().then(setItems);
  }, [load]);
  const cancel = async (m: Scheduled) => {
    try {
      await c.api.call("chat.deleteScheduledMessage", { channel, scheduled_message_id: m.id } as never);
      setItems(await load());
    } catch (e) {
      c.toast(`Could not cancel: ${e instanceof ApiError ? e.error.replace(/_/g, " ") : "network error"}`);
    }
  };
  return (
    <Modal title="Scheduled messages" onClose={onClose}>
      {items === null && <p className="muted">Loading…</p>}
      {items?.length === 0 && <p className="muted">Nothing scheduled here.</p>}
      <ul className="scheduled-list">
        {items?.map((m) => (
          <li key={m.id}>
            <span className="small muted">{when(new Date(m.post_at * 1000))}</span>
            <span className="scheduled-text">{m.text}</span>
            <button type="button" className="button button-secondary" onClick={() => void cancel(m)}>
              Cancel
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
