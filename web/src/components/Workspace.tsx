import { type FormEvent, lazy, Suspense, useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { ShortcutsDialog } from "./ShortcutsDialog";
import type { SearchMatch } from "../api/types";
import { useAppState, useController } from "../app/context";
import { emojify } from "../lib/emoji";
import { conversationTitle } from "../lib/names";
import { clientPath, navigate, type Route } from "../lib/router";
import { Avatar, PresenceDot } from "./Avatar";
import { AddPeopleDialog, ChannelBrowser, CreateChannelDialog, InviteDialog, Modal, ProfileDialog, StartDmDialog, errorText } from "./Dialogs";
import { Icon } from "./Icons";
import { MessagePane } from "./MessagePane";
import { QuickSwitcher } from "./QuickSwitcher";
import { ForwardHost } from "./MessageMenu";
import { SearchBox } from "./SearchBox";
import { SearchPane } from "./SearchPane";
import { type DialogName, Sidebar, useSidebarOrder } from "./Sidebar";
import { ThreadPane } from "./ThreadPane";
import { isAppId, useApps } from "./SlashCommands";

// Loaded when first needed: an app's modal or Home.
const AppModals = lazy(() => import("./Modal"));
const AppHome = lazy(() => import("./AppHome"));
const ViewPane = lazy(() => import("./Views").then((m) => ({ default: m.ViewPane })));
const ChannelNotificationsDialog = lazy(() => import("./ChannelNotificationsDialog").then((m) => ({ default: m.ChannelNotificationsDialog })));
import { isViewName } from "./SidebarViews";
import { FilesPane, FileUiIcon } from "./Files";
import { BookmarksBar } from "./BookmarksBar";
import { ChannelDetails, type DetailsTab } from "./ChannelDetails";
import { ProfileCardHost } from "./ProfileCard";

function ConnectionBanner() {
  const status = useAppState((s) => s.connection);
  if (status === "online") return null;
  return (
    <div className={`banner ${status === "offline" ? "banner-offline" : ""}`} role="status" aria-live="polite">
      {status === "offline" ? "You are offline. Reconnecting… new messages will appear when the connection is back." : "Connecting…"}
    </div>
  );
}

function Toasts() {
  const c = useController();
  const toasts = useSyncExternalStore(c.toasts.subscribe, c.toasts.get);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className="toast">
          {t.text}
        </div>
      ))}
    </div>
  );
}

function TopicDialog({ channel, onClose }: { channel: string; onClose: () => void }) {
  const c = useController();
  const current = useAppState((s) => s.conversations[channel]?.topic?.value ?? "");
  const [topic, setTopic] = useState(current);
  const [error, setError] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    c.conversations.setTopic(channel, topic.trim()).then(onClose, (err) => setError(errorText(err)));
  };
  return (
    <Modal title="Edit topic" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span>Topic</span>
          <input className="input" value={topic} onChange={(e) => setTopic(e.target.value)} maxLength={250} />
        </label>
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

function ChannelHeader({ channel, onMenu, onFiles, filesOpen }: { channel: string; onMenu: () => void; onFiles?: () => void; filesOpen?: boolean }) {
  const c = useController();
  const conversation = useAppState((s) => s.conversations[channel]);
  const users = useAppState((s) => s.users);
  const selfId = useAppState((s) => s.self?.userId);
  const muted = useAppState((s) => s.muted.includes(channel));
  const other = conversation?.is_im && conversation.user ? users[conversation.user] : undefined;
  const presence = useAppState((s) => (other ? s.presence[other.id] : undefined));
  const [dialog, setDialog] = useState<"topic" | "add" | "notifications" | null>(null);
  const [details, setDetails] = useState<DetailsTab | null>(null);
  const title = conversationTitle(conversation, users, selfId);
  const direct = conversation?.is_im || conversation?.is_mpim;
  const status = other?.profile?.status_text || other?.profile?.status_emoji ? `${emojify(other.profile?.status_emoji ?? "")} ${other.profile?.status_text ?? ""}` : "";
  const needsCount = !!conversation && !direct && conversation.num_members === undefined;
  useEffect(() => {
    // The header's member count: channels listed without one (just created, joined) get it.
    if (needsCount) void c.lookups.conversation(channel);
  }, [c, channel, needsCount]);
  return (
    <>
    <header className="channel-header">
      <button type="button" className="icon-button mobile-only" aria-label="Show conversations" onClick={onMenu}>
        <Icon name="menu" />
      </button>
      <div className="channel-title-wrap">
        <h1 className="channel-title">
          {direct ? (
            other ? (
              <span className="side-presence">
                <Avatar id={other.id} user={other} size={22} />
                <PresenceDot presence={presence} />
              </span>
            ) : (
              <Icon name="people" />
            )
          ) : (
            <button type="button" className="channel-title-button" aria-haspopup="dialog" title="Channel details" data-private={conversation?.is_private ? "true" : "false"} onClick={() => setDetails("about")}>
              <Icon name={conversation?.is_private ? "lock" : "hash"} />
              <span>{title || "…"}</span>
            </button>
          )}
          {direct && <span>{title || "…"}</span>}
        </h1>
        {!direct && (
          <button type="button" className="topic" onClick={() => setDialog("topic")} title="Edit topic">
            {conversation?.topic?.value || "Add a topic"}
          </button>
        )}
        {other && (status || other.profile?.title) && <span className="topic muted">{status || other.profile?.title}</span>}
      </div>
      <div className="header-actions">
        {!direct && conversation?.num_members !== undefined && (
          <button type="button" className="small member-count member-count-button" aria-haspopup="dialog" aria-label={`${conversation.num_members} ${conversation.num_members === 1 ? "member" : "members"}: view members`} title="Members" onClick={() => setDetails("members")}>
            <Icon name="people" size={16} /> <span data-member-count>{conversation.num_members}</span>
          </button>
        )}
        {!direct && (
          <button type="button" className="icon-button" aria-label="Add people to this channel" title="Add people" onClick={() => setDialog("add")}>
            <Icon name="plus" />
          </button>
        )}
        {onFiles && (
          <button type="button" className={`icon-button ${filesOpen ? "icon-button-on" : ""}`} aria-pressed={!!filesOpen} aria-label="Files" title="Files in this conversation" onClick={onFiles}>
            <FileUiIcon name="files" />
          </button>
        )}
        <button type="button" className={`icon-button ${muted ? "icon-button-on" : ""}`} aria-pressed={muted} aria-label="Notification settings" title={muted ? "Muted: notification settings" : "Notification settings"} onClick={() => setDialog("notifications")}>
          <Icon name={muted ? "bellOff" : "bell"} />
        </button>
        {!direct && !conversation?.is_general && conversation?.is_member && (
          <button
            type="button"
            className="button button-small button-ghost"
            onClick={() =>
              void c.conversations.leave(channel).then(
                () => navigate("/client", true),
                (e) => c.toast(errorText(e)),
              )
            }
          >
            Leave
          </button>
        )}
      </div>
      {dialog === "topic" && <TopicDialog channel={channel} onClose={() => setDialog(null)} />}
      {dialog === "notifications" && (
        <Suspense fallback={null}>
          <ChannelNotificationsDialog channel={channel} onClose={() => setDialog(null)} />
        </Suspense>
      )}
      {dialog === "add" && <AddPeopleDialog channel={channel} onClose={() => setDialog(null)} />}
      {details && <ChannelDetails channel={channel} initialTab={details} onClose={() => setDetails(null)} />}
    </header>
    {!direct && conversation && <BookmarksBar channel={channel} editable={!!conversation.is_member && !conversation.is_archived} />}
    </>
  );
}

type Side = { kind: "thread"; ts: string } | { kind: "search"; query: string } | { kind: "files" } | null;

function prefersDark(): boolean {
  return typeof window.matchMedia === "function" && window.matchMedia("(prefers-color-scheme: dark)").matches;
}

export function Workspace({ route }: { route: Route }) {
  const c = useController();
  const team = useAppState((s) => s.team);
  const conversations = useAppState((s) => s.conversations);
  const [dialog, setDialog] = useState<DialogName>(null);
  const [switcher, setSwitcher] = useState(false);
  const [side, setSide] = useState<Side>(null);
  const [jumpTs, setJumpTs] = useState<string | null>(null);
  const [navOpen, setNavOpen] = useState(false);
  const [theme, setTheme] = useState<"light" | "dark">(() => {
    const t = c.prefs.theme;
    return t === "system" ? (prefersDark() ? "dark" : "light") : t;
  });
  const order = useSidebarOrder();

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const routeChannel = route.name === "client" || route.name === "permalink" ? route.channel : null;
  const appHome = route.name === "client" && isAppId(routeChannel) ? routeChannel : null;
  const view = route.name === "client" && isViewName(routeChannel) ? routeChannel : null;
  const channel = appHome || view ? null : routeChannel;
  const hasModal = useApps((s) => s.modalOrder.length > 0);

  // Route → what is on screen.
  useEffect(() => {
    if (!team) return;
    if (route.name === "permalink") {
      const { channel: ch, ts, threadTs } = route;
      void c.history.loadAround(ch, threadTs && threadTs !== ts ? threadTs : ts).then(
        () => {
          setJumpTs(threadTs && threadTs !== ts ? threadTs : ts);
          if (threadTs && threadTs !== ts) setSide({ kind: "thread", ts: threadTs });
          navigate(clientPath(team.id, ch), true);
        },
        () => {
          c.toast("That message could not be found");
          navigate(clientPath(team.id, ch), true);
        },
      );
      return;
    }
    if (route.name === "client" && route.channel) {
      if (isAppId(route.channel)) return; // an app's Home: AppHome opens it
      if (isViewName(route.channel)) return c.store.dispatch({ type: "view", channel: null }); // no conversation in view
      void c.history.open(route.channel);
      if (route.threadTs) setSide({ kind: "thread", ts: route.threadTs });
      return;
    }
    const first = Object.values(conversations).find((x) => x.is_general && x.is_member) ?? Object.values(conversations).find((x) => x.is_member && !x.is_archived);
    if (first) navigate(clientPath(team.id, first.id), true);
    // `conversations` only matters while no channel is chosen.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [route, team, c, channel ? null : conversations]);

  // Leaving a conversation closes its thread and forgets the jump target.
  useEffect(() => {
    setJumpTs((j) => (route.name === "permalink" ? j : null));
    setSide((s) => (s?.kind === "thread" && !(route.name === "client" && route.threadTs) ? null : s));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [channel]);

  const openConversation = useCallback(
    (id: string) => {
      if (!team) return;
      setDialog(null);
      setSwitcher(false);
      setNavOpen(false);
      navigate(clientPath(team.id, id));
    },
    [team],
  );

  const openSearchHit = (m: SearchMatch) => {
    if (!team) return;
    const threadTs = (m as SearchMatch & { thread_ts?: string }).thread_ts;
    const target = threadTs && threadTs !== m.ts ? `?thread_ts=${threadTs}` : "";
    navigate(`/archives/${m.channel.id}/p${m.ts.replace(".", "")}${target}`);
  };

  // Keyboard: Ctrl/Cmd+K, Alt+Up/Down, Esc marks read.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setSwitcher(true);
      } else if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown") && order.length) {
        e.preventDefault();
        const i = channel ? order.indexOf(channel) : -1;
        const next = order[(i + (e.key === "ArrowDown" ? 1 : order.length - 1) + order.length) % order.length];
        if (next) openConversation(next);
      } else if (e.key === "Escape" && !e.defaultPrevented && channel && !dialog && !switcher) {
        c.reading.markAllRead(channel);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [order, channel, openConversation, c, dialog, switcher]);

  const onOpenThread = useCallback((ts: string) => setSide({ kind: "thread", ts }), []);

  return (
    <div className={`app ${navOpen ? "nav-open" : ""} ${side ? "has-side" : ""}`}>
      <a className="skip-link" href="#composer-anchor" onClick={(e) => { e.preventDefault(); document.querySelector<HTMLElement>(".message-pane .composer-input")?.focus(); }}>
        Skip to message composer
      </a>
      <div className="topbar">
        <SearchBox query={side?.kind === "search" ? side.query : ""} teamName={team?.name ?? ""} onSearch={(query) => setSide({ kind: "search", query })} />
      </div>
      <ConnectionBanner />
      <div className="columns">
        <div className="sidebar" id="sidebar">
          <Sidebar active={channel ?? appHome ?? view} onDialog={setDialog} onNavigate={() => setNavOpen(false)} theme={theme} onToggleTheme={() => {
            const next = theme === "dark" ? "light" : "dark";
            c.prefs.theme = next;
            setTheme(next);
          }} />
        </div>
        {navOpen && <div className="nav-scrim" onClick={() => setNavOpen(false)} aria-hidden="true" />}
        <main className="main" aria-label="Conversation">
          {appHome ? (
            <Suspense fallback={<p className="muted app-home-empty">Loading…</p>}>
              <AppHome appId={appHome} onMenu={() => setNavOpen(true)} />
            </Suspense>
          ) : view ? (
            <Suspense fallback={<p className="muted app-home-empty">Loading…</p>}>
              <ViewPane view={view} onMenu={() => setNavOpen(true)} />
            </Suspense>
          ) : channel ? (
            <>
              <ChannelHeader channel={channel} onMenu={() => setNavOpen(true)} onFiles={() => setSide((s) => (s?.kind === "files" ? null : { kind: "files" }))} filesOpen={side?.kind === "files"} />
              <MessagePane channel={channel} jumpTs={jumpTs} onOpenThread={onOpenThread} />
            </>
          ) : (
            <div className="empty-main">
              <button type="button" className="icon-button mobile-only" aria-label="Show conversations" onClick={() => setNavOpen(true)}>
                <Icon name="menu" />
              </button>
              <p className="muted">Pick a conversation, or press Ctrl+K to jump to one.</p>
            </div>
          )}
        </main>
        {side?.kind === "thread" && channel && <ThreadPane channel={channel} threadTs={side.ts} onClose={() => setSide(null)} />}
        {side?.kind === "search" && <SearchPane query={side.query} onQuery={(query) => setSide({ kind: "search", query })} onClose={() => setSide(null)} onOpen={openSearchHit} onOpenConversation={openConversation} />}
        {side?.kind === "files" && channel && <FilesPane channel={channel} onClose={() => setSide(null)} />}
      </div>
      {dialog === "browse" && <ChannelBrowser onClose={() => setDialog(null)} onOpen={openConversation} onCreate={() => setDialog("create")} />}
      {dialog === "create" && <CreateChannelDialog onClose={() => setDialog(null)} onCreated={openConversation} />}
      {dialog === "dm" && <StartDmDialog onClose={() => setDialog(null)} onOpened={openConversation} />}
      {dialog === "profile" && <ProfileDialog onClose={() => setDialog(null)} />}
      {dialog === "invite" && <InviteDialog onClose={() => setDialog(null)} />}
      {switcher && (
        <QuickSwitcher
          onClose={() => setSwitcher(false)}
          onOpen={openConversation}
          onOpenUser={(userId) => void c.conversations.openDirect([userId]).then((ch) => openConversation(ch.id), (e) => c.toast(errorText(e)))}
        />
      )}
      {hasModal && (
        <Suspense fallback={null}>
          <AppModals />
        </Suspense>
      )}
      <ShortcutsDialog />
      <ForwardHost />
      <Toasts />
      <ProfileCardHost />
    </div>
  );
}
