// The views, each a route `/client/<team>/<view>`: Threads, Activity, All unreads,
// Saved for later, Drafts & sent, and the Notifications settings. Live: each view reloads
// when a socket event concerns it (notify.ts fans events out).
import { type ReactNode, useCallback, useEffect, useState } from "react";
import type { Message, RtmEvent } from "../api/types";
import { useAppState, useController } from "../app/context";
import { onSocketEvent } from "../app/features/notify";
import { plainText } from "../lib/compose";
import { conversationTitle, displayName } from "../lib/names";
import { clientPath, navigate } from "../lib/router";
import { unreadOf } from "../state/reducer";
import { Icon } from "./Icons";
import { NotificationSettings } from "./NotificationSettings";
import { VIEWS, type ViewName } from "./SidebarViews";
import "./views.css";

type Call = (method: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>>;

function useCall(): Call {
  const c = useController();
  return useCallback((method, params) => (c.api.call as unknown as Call)(method, params ?? {}), [c]);
}

/** Loads with `load`, and again whenever `concerns(event)` says a socket event matters. */
function useLive<T>(load: () => Promise<T>, concerns: (event: RtmEvent) => boolean): { data: T | null; error: boolean; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState(false);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && (setData(d), setError(false)),
      () => live && setError(true),
    );
    return () => {
      live = false;
    };
    // `load` is rebuilt each render; `tick` decides when to load again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick]);
  useEffect(() => onSocketEvent((event) => concerns(event) && reload()), [concerns, reload]);
  return { data, error, reload };
}

export function ViewPane({ view, onMenu }: { view: ViewName; onMenu: () => void }) {
  return (
    <section className="view-pane" aria-labelledby="view-title" data-view-pane={view}>
      <header className="channel-header">
        <button type="button" className="icon-button mobile-only" aria-label="Show conversations" onClick={onMenu}>
          <Icon name="menu" />
        </button>
        <h1 className="channel-title" id="view-title">
          {VIEWS[view]}
        </h1>
      </header>
      <div className="view-body">
        {view === "threads" && <ThreadsView />}
        {view === "activity" && <ActivityView />}
        {view === "unreads" && <UnreadsView />}
        {view === "saved" && <SavedView />}
        {view === "drafts" && <DraftsView />}
        {view === "notifications" && <NotificationSettings />}
      </div>
    </section>
  );
}

function MessageCard({ channel, message, children, label }: { channel: string; message: Message; children?: ReactNode; label?: ReactNode }) {
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  const self = useAppState((s) => s.self?.userId);
  const teamId = useAppState((s) => s.team?.id ?? "");
  const author = message.user === "USLACKBOT" ? "Slackbot" : displayName(message.user ? users[message.user] : undefined, message.username ?? "Someone");
  const where = conversationTitle(conversations[channel], users, self);
  const threadTs = (message as Message & { thread_ts?: string }).thread_ts;
  const open = () => navigate(threadTs ? clientPath(teamId, channel, threadTs) : `/archives/${channel}/p${message.ts.replace(".", "")}`);
  return (
    <li className="view-card" data-ts={message.ts}>
      <div className="view-card-head">
        {label}
        <span className="view-card-where">{conversations[channel]?.is_im || conversations[channel]?.is_mpim ? where : `#${where}`}</span>
      </div>
      <p className="view-card-text">
        <strong>{author}</strong> {plainText(message.text ?? "", users, conversations)}
      </p>
      <div className="view-card-actions">
        <button type="button" className="button button-small button-ghost" onClick={open}>
          Open
        </button>
        {children}
      </div>
    </li>
  );
}

function Empty({ children }: { children: ReactNode }) {
  return <p className="muted view-empty">{children}</p>;
}

function Failed() {
  return (
    <p className="muted view-empty" role="alert">
      This view could not be loaded.
    </p>
  );
}

// --- Threads ------------------------------------------------------------------------------

interface ThreadItem {
  channel: string;
  thread_ts: string;
  unread: boolean;
  last_read: string;
  root: Message & { latest_reply?: string; reply_count?: number };
}

const threadEvents = (e: RtmEvent) => (e.type === "message" && !!(e as { thread_ts?: string }).thread_ts) || e.type === "thread_marked";

function ThreadsView() {
  const call = useCall();
  const { data, error, reload } = useLive(async () => (await call("client.threads.list")).threads as ThreadItem[], threadEvents);
  if (error) return <Failed />;
  if (!data) return <Empty>Loading…</Empty>;
  if (data.length === 0) return <Empty>Threads you start, reply to or are mentioned in show up here.</Empty>;
  const mark = (t: ThreadItem) => void call("client.threads.mark", { channel: t.channel, thread_ts: t.thread_ts, ts: t.root.latest_reply ?? t.thread_ts }).then(reload);
  return (
    <ul className="view-list" aria-label="Threads">
      {data.map((t) => (
        <MessageCard
          key={`${t.channel}:${t.thread_ts}`}
          channel={t.channel}
          message={{ ...t.root, thread_ts: t.thread_ts } as Message}
          label={t.unread ? <span className="view-tag view-tag-unread">New replies</span> : <span className="view-tag">{t.root.reply_count ?? 0} replies</span>}
        >
          {t.unread && (
            <button type="button" className="button button-small button-ghost" onClick={() => mark(t)}>
              Mark read
            </button>
          )}
        </MessageCard>
      ))}
    </ul>
  );
}

// --- Activity -----------------------------------------------------------------------------

interface ActivityEntry {
  type: "mention" | "reaction";
  channel: string;
  user: string;
  reaction: string | null;
  date: number;
  message: Message;
}

function ActivityView() {
  const call = useCall();
  const self = useAppState((s) => s.self?.userId);
  const users = useAppState((s) => s.users);
  const concerns = useCallback(
    (e: RtmEvent) => e.type === "desktop_notification" || ((e.type === "reaction_added" || e.type === "reaction_removed") && (e as { item_user?: string }).item_user === self),
    [self],
  );
  const { data, error } = useLive(async () => (await call("client.activity.list")).items as ActivityEntry[], concerns);
  if (error) return <Failed />;
  if (!data) return <Empty>Loading…</Empty>;
  if (data.length === 0) return <Empty>Mentions of you and reactions to your messages show up here.</Empty>;
  return (
    <ul className="view-list" aria-label="Activity">
      {data.map((item) => (
        <MessageCard
          key={`${item.type}:${item.channel}:${item.message.ts}:${item.user}:${item.reaction ?? ""}`}
          channel={item.channel}
          message={item.message}
          label={<span className="view-tag">{item.type === "mention" ? "Mention" : `${displayName(users[item.user])} reacted :${item.reaction}:`}</span>}
        />
      ))}
    </ul>
  );
}

// --- All unreads --------------------------------------------------------------------------

function UnreadsView() {
  const c = useController();
  const call = useCall();
  const state = useAppState((s) => s);
  const unread = Object.values(state.conversations)
    .filter((ch) => ch.is_member !== false && unreadOf(state, ch.id).hasUnreads)
    .map((ch) => ch.id)
    .sort();
  const key = unread.map((id) => `${id}:${unreadOf(state, id).latest}`).join(",");
  const [groups, setGroups] = useState<Record<string, Message[]>>({});
  useEffect(() => {
    let live = true;
    void Promise.all(
      unread.map(async (id) => {
        const body = await call("conversations.history", { channel: id, oldest: unreadOf(state, id).lastRead, limit: 50 });
        return [id, ((body.messages as Message[]) ?? []).reverse()] as const;
      }),
    ).then((pairs) => live && setGroups(Object.fromEntries(pairs)), () => undefined);
    return () => {
      live = false;
    };
    // `key` changes exactly when the unread conversations or their newest message do.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  if (unread.length === 0) return <Empty>You are all caught up.</Empty>;
  return (
    <>
      <div className="view-toolbar">
        <button type="button" className="button button-small" onClick={() => unread.forEach((id) => c.reading.markAllRead(id))}>
          Mark all as read
        </button>
      </div>
      {unread.map((id) => (
        <section key={id} className="view-group" aria-label={`Unread in ${conversationTitle(state.conversations[id], state.users, state.self?.userId)}`}>
          <h2 className="view-group-title">
            {conversationTitle(state.conversations[id], state.users, state.self?.userId)}
            <button type="button" className="button button-small button-ghost" onClick={() => c.reading.markAllRead(id)}>
              Mark read
            </button>
          </h2>
          <ul className="view-list">
            {(groups[id] ?? []).map((m) => (
              <MessageCard key={m.ts} channel={id} message={m} />
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

// --- Saved for later ----------------------------------------------------------------------

interface SavedItem {
  channel: string;
  message: Message;
  date_create?: number;
}
interface ReminderItem {
  id: string;
  text: string;
  time?: number;
  complete_ts: number;
  item?: { channel: string; ts: string };
}

const savedEvents = (e: RtmEvent) => e.type === "star_added" || e.type === "star_removed";

function SavedView() {
  const call = useCall();
  const c = useController();
  const [tab, setTab] = useState<"progress" | "done">("progress");
  const load = async () => {
    const [stars, reminders] = await Promise.all([call("stars.list", { limit: 100 }), call("reminders.list")]);
    return { items: (stars.items as SavedItem[]) ?? [], reminders: (reminders.reminders as ReminderItem[]) ?? [] };
  };
  const { data, error, reload } = useLive(load, savedEvents);
  if (error) return <Failed />;
  if (!data) return <Empty>Loading…</Empty>;
  const reminderOf = (item: SavedItem) => data.reminders.find((r) => r.item?.channel === item.channel && r.item.ts === item.message.ts);
  const done = (item: SavedItem) => !!reminderOf(item)?.complete_ts;
  const shown = data.items.filter((item) => (tab === "done") === done(item));
  const act = (promise: Promise<unknown>, text: string) =>
    void promise.then(
      () => {
        c.toast(text);
        reload();
      },
      () => c.toast("That did not work"),
    );
  const remind = (item: SavedItem) =>
    act(call("client.reminders.later", { channel: item.channel, ts: item.message.ts, time: "in 1 hour" }), "Reminder set for 1 hour from now");
  const markDone = (item: SavedItem) => act(call("client.reminders.later", { channel: item.channel, ts: item.message.ts, done: true }), "Marked as done");
  const unsave = (item: SavedItem) => act(call("stars.remove", { channel: item.channel, timestamp: item.message.ts }), "Removed from saved items");
  return (
    <>
      <div className="view-tabs" role="tablist" aria-label="Saved items">
        <button type="button" role="tab" aria-selected={tab === "progress"} className={`view-tab ${tab === "progress" ? "view-tab-on" : ""}`} onClick={() => setTab("progress")}>
          In progress
        </button>
        <button type="button" role="tab" aria-selected={tab === "done"} className={`view-tab ${tab === "done" ? "view-tab-on" : ""}`} onClick={() => setTab("done")}>
          Completed
        </button>
      </div>
      {shown.length === 0 ? (
        <Empty>{tab === "progress" ? "Save messages to come back to them later." : "Nothing completed yet."}</Empty>
      ) : (
        <ul className="view-list" aria-label={tab === "progress" ? "In progress" : "Completed"}>
          {shown.map((item) => {
            const reminder = reminderOf(item);
            return (
              <MessageCard
                key={`${item.channel}:${item.message.ts}`}
                channel={item.channel}
                message={item.message}
                label={reminder?.time && !reminder.complete_ts ? <span className="view-tag">Reminder {new Date(reminder.time * 1000).toLocaleString()}</span> : undefined}
              >
                {tab === "progress" && (
                  <>
                    <button type="button" className="button button-small button-ghost" onClick={() => remind(item)}>
                      Remind me in 1 hour
                    </button>
                    <button type="button" className="button button-small button-ghost" onClick={() => markDone(item)}>
                      Mark done
                    </button>
                  </>
                )}
                <button type="button" className="button button-small button-ghost" onClick={() => unsave(item)}>
                  Remove
                </button>
              </MessageCard>
            );
          })}
        </ul>
      )}
    </>
  );
}

// --- Drafts & sent ------------------------------------------------------------------------

interface DraftItem {
  channel: string;
  thread_ts: string | null;
  text: string;
  date_updated: number;
}

const draftEvents = (e: RtmEvent) => e.type === "draft_saved" || e.type === "draft_deleted";

function DraftsView() {
  const call = useCall();
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  const self = useAppState((s) => s.self?.userId);
  const teamId = useAppState((s) => s.team?.id ?? "");
  const load = async () => {
    const [drafts, sent] = await Promise.all([call("client.drafts.list"), call("client.sent.list")]);
    return { drafts: (drafts.drafts as DraftItem[]) ?? [], sent: (sent.messages as { channel: string; message: Message }[]) ?? [] };
  };
  const { data, error, reload } = useLive(load, draftEvents);
  if (error) return <Failed />;
  if (!data) return <Empty>Loading…</Empty>;
  return (
    <>
      <section className="view-group" aria-labelledby="drafts-title">
        <h2 className="view-group-title" id="drafts-title">
          Drafts
        </h2>
        {data.drafts.length === 0 ? (
          <Empty>Messages you start and do not send wait here, on every device.</Empty>
        ) : (
          <ul className="view-list" aria-label="Drafts">
            {data.drafts.map((d) => (
              <li key={`${d.channel}:${d.thread_ts ?? ""}`} className="view-card" data-draft={d.channel}>
                <div className="view-card-head">
                  <span className="view-card-where">{conversationTitle(conversations[d.channel], users, self)}</span>
                </div>
                <p className="view-card-text">{d.text}</p>
                <div className="view-card-actions">
                  <button type="button" className="button button-small button-ghost" onClick={() => navigate(clientPath(teamId, d.channel, d.thread_ts))}>
                    Open
                  </button>
                  <button type="button" className="button button-small button-ghost" onClick={() => void call("client.drafts.save", { channel: d.channel, thread_ts: d.thread_ts ?? undefined, text: "" }).then(reload)}>
                    Delete
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="view-group" aria-labelledby="sent-title">
        <h2 className="view-group-title" id="sent-title">
          Sent
        </h2>
        {data.sent.length === 0 ? (
          <Empty>Nothing sent yet.</Empty>
        ) : (
          <ul className="view-list" aria-label="Sent">
            {data.sent.map((s) => (
              <MessageCard key={`${s.channel}:${s.message.ts}`} channel={s.channel} message={s.message} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
