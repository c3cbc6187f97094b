// An app's Home: the Home tab (the view the app published for this person with
// views.publish) and the Messages tab (the DM with its bot). Opening a tab tells the app
// (`app_home_opened`).
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client";
import { homeOf, type ElementState, type ManifestWarning, type StateValues } from "../app/apps";
import { useAppState, useController } from "../app/context";
import { displayName } from "../lib/names";
import { clientPath, navigate } from "../lib/router";
import { Avatar } from "./Avatar";
import { BlockKit, initialValues } from "./BlockKit";
import { Icon } from "./Icons";
import { MessagePane } from "./MessagePane";
import { appBots, appIdOf, useApps } from "./SlashCommands";

type Tab = "home" | "messages";

function HomeTab({ appId, loading }: { appId: string; loading: boolean }) {
  const c = useController();
  const view = useApps((s) => homeOf(s, appId));
  const [values, setValues] = useState<StateValues>({});
  const valuesRef = useRef(values);
  valuesRef.current = values;
  const blocks = view?.blocks;
  useEffect(() => {
    if (blocks) setValues((old) => initialValues(blocks, old));
  }, [blocks]);
  const onChange = useCallback((blockId: string, actionId: string, state: ElementState) => {
    setValues((old) => ({ ...old, [blockId]: { ...old[blockId], [actionId]: state } }));
  }, []);
  const onAction = useCallback(
    (blockId: string, actionId: string, chosen: Record<string, unknown>) => {
      if (!view) return;
      c.apps.action(view, blockId, actionId, chosen, valuesRef.current).catch((e) => c.toast(e instanceof ApiError && e.error !== "dispatch_failed" ? `The app could not do that (${e.error.replace(/_/g, " ")})` : "The app did not respond"));
    },
    [c, view],
  );
  const suggest = useCallback((blockId: string, actionId: string, typed: string) => (view ? c.apps.suggest(view, blockId, actionId, typed) : Promise.resolve([])), [c, view]);
  if (!view) {
    return <p className="muted app-home-empty">{loading ? "Loading…" : "This app has not set up its Home yet."}</p>;
  }
  return (
    <div className="app-home-view" data-view-id={view.id}>
      <BlockKit blocks={view.blocks} values={values} onChange={onChange} onAction={onAction} suggest={suggest} />
    </div>
  );
}

/** For admins: what the app asked for that Parley does not provide yet (it was installed
 * anyway, as Slack would; these parts of it will not work). */
function ManifestWarnings({ appId }: { appId: string }) {
  const c = useController();
  const [warnings, setWarnings] = useState<ManifestWarning[]>([]);
  useEffect(() => {
    let live = true;
    c.apps.manifestWarnings(appId).then(
      (found) => live && setWarnings(found),
      () => live && setWarnings([]),
    );
    return () => {
      live = false;
    };
  }, [appId, c]);
  if (warnings.length === 0) return null;
  return (
    <details className="app-manifest-warnings">
      <summary>
        This app asks for {warnings.length} {warnings.length === 1 ? "thing" : "things"} Parley does not provide yet
      </summary>
      <ul>
        {warnings.map((w) => (
          <li key={w.pointer}>
            {w.message} <code>{w.pointer}</code>
          </li>
        ))}
      </ul>
    </details>
  );
}

export default function AppHome({ appId, onMenu }: { appId: string; onMenu: () => void }) {
  const c = useController();
  const teamId = useAppState((s) => s.team?.id ?? "");
  const users = useAppState((s) => s.users);
  const bot = appBots(users).find((u) => appIdOf(u) === appId);
  const [tab, setTab] = useState<Tab>("home");
  const [channel, setChannel] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [failed, setFailed] = useState("");

  useEffect(() => {
    let live = true;
    setLoading(true);
    setFailed("");
    c.apps.openHome(appId, tab).then(
      (r) => {
        if (!live) return;
        setChannel(r.channel);
        setLoading(false);
        if (tab === "messages") void c.history.open(r.channel);
      },
      (e) => {
        if (!live) return;
        setLoading(false);
        setFailed(e instanceof ApiError && e.error === "app_not_found" ? "This app is not installed in this workspace." : "Could not open this app.");
      },
    );
    return () => {
      live = false;
    };
  }, [appId, tab, c]);

  const tabs: [Tab, string][] = [
    ["home", "Home"],
    ["messages", "Messages"],
  ];
  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    e.preventDefault();
    const next = tab === "home" ? "messages" : "home";
    setTab(next);
    document.getElementById(`app-tab-${next}`)?.focus();
  };
  const name = bot ? displayName(bot) : "App";
  return (
    <div className="app-home">
      <header className="channel-header app-home-header">
        <button type="button" className="icon-button mobile-only" aria-label="Show conversations" onClick={onMenu}>
          <Icon name="menu" />
        </button>
        <div className="channel-title-wrap">
          <h1 className="channel-title">
            {bot && <Avatar id={bot.id} user={bot} size={22} />}
            <span>{name}</span>
          </h1>
        </div>
        <div className="app-tabs" role="tablist" aria-label={`${name} tabs`} onKeyDown={onTabKey}>
          {tabs.map(([id, label]) => (
            <button
              key={id}
              id={`app-tab-${id}`}
              type="button"
              role="tab"
              aria-selected={tab === id}
              aria-controls={`app-panel-${id}`}
              tabIndex={tab === id ? 0 : -1}
              className={`app-tab ${tab === id ? "app-tab-active" : ""}`}
              onClick={() => setTab(id)}
            >
              {label}
            </button>
          ))}
        </div>
      </header>
      <ManifestWarnings appId={appId} />
      <div className="app-home-panel" role="tabpanel" id={`app-panel-${tab}`} aria-labelledby={`app-tab-${tab}`}>
        {failed ? (
          <p className="form-error app-home-empty" role="alert">
            {failed}
          </p>
        ) : tab === "home" ? (
          <div className="app-home-scroll">
            <HomeTab appId={appId} loading={loading} />
          </div>
        ) : channel ? (
          <MessagePane channel={channel} jumpTs={null} onOpenThread={(ts) => navigate(clientPath(teamId, channel, ts))} />
        ) : (
          <p className="muted app-home-empty">Loading…</p>
        )}
      </div>
    </div>
  );
}
