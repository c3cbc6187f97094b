// The app platform as the client sees it: slash commands, shortcuts, and the views (modals
// and App Home) the server tells this person's clients to show. A small store of its own so
// the chat state and reducer stay as they are.
import { ApiError, type ApiClient } from "../api/client";
import type { RtmEvent } from "../api/types";

export interface TextObject {
  type: "plain_text" | "mrkdwn";
  text: string;
  emoji?: boolean;
}

export interface OptionObject {
  text: TextObject;
  value: string;
  description?: TextObject;
}

/** A Block Kit element or block, as loosely as the renderer reads it. */
export interface BlockElement {
  type: string;
  action_id?: string;
  block_id?: string;
  [key: string]: unknown;
}

export interface View {
  id: string;
  type: "modal" | "home";
  app_id: string;
  title?: TextObject | null;
  submit?: TextObject | null;
  close?: TextObject | null;
  blocks: BlockElement[];
  private_metadata?: string;
  callback_id?: string;
  hash?: string;
  root_view_id?: string;
  previous_view_id?: string | null;
  clear_on_close?: boolean;
  notify_on_close?: boolean;
  submit_disabled?: boolean;
}

export interface SlashCommand {
  command: string;
  app_id: string;
  description: string;
  usage_hint: string;
}

export interface Shortcut {
  app_id: string;
  name: string;
  type: "global" | "message";
  callback_id: string;
  description: string;
}

/** A scope or event an app's manifest lists that Parley does not serve or deliver yet. */
export interface ManifestWarning {
  code: string;
  message: string;
  pointer: string;
}

/** One input's state, in Slack's `view.state.values[block_id][action_id]` shape. */
export interface ElementState {
  type: string;
  value?: string | null;
  selected_option?: OptionObject | null;
  selected_options?: OptionObject[];
  selected_user?: string | null;
  selected_users?: string[];
  selected_conversation?: string | null;
  selected_conversations?: string[];
  selected_channel?: string | null;
  selected_channels?: string[];
  selected_date?: string | null;
  selected_time?: string | null;
}

export type StateValues = Record<string, Record<string, ElementState>>;

export interface SubmitResult {
  errors?: Record<string, string>;
}

export interface AppsState {
  commands: SlashCommand[] | null;
  shortcuts: Shortcut[] | null;
  /** Open views by id: modals (stacks share a `root_view_id`) and each app's Home. */
  views: Record<string, View>;
  /** Order modals were shown in, oldest first. */
  modalOrder: string[];
}

type Listener = () => void;

/** Splits `/cmd rest of text` (null when the text is not a slash command). */
export function parseCommand(text: string): { command: string; text: string } | null {
  const m = /^\/([^\s/]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return null;
  return { command: `/${m[1].toLowerCase()}`, text: (m[2] ?? "").trim() };
}

/** Commands matching what is typed so far (`/ec` → `/echo`), best first. */
export function matchCommands(commands: readonly SlashCommand[], typed: string): SlashCommand[] {
  const q = typed.toLowerCase();
  return commands
    .filter((c) => c.command.toLowerCase().startsWith(q) || c.description.toLowerCase().includes(q.slice(1)))
    .sort((a, b) => Number(!a.command.startsWith(q)) - Number(!b.command.startsWith(q)) || a.command.localeCompare(b.command))
    .slice(0, 8);
}

/** The modal on screen: the newest open modal of the newest stack. */
export function topModal(state: AppsState): View | null {
  for (let i = state.modalOrder.length - 1; i >= 0; i--) {
    const v = state.views[state.modalOrder[i]];
    if (v && v.type === "modal") return v;
  }
  return null;
}

export function stackDepth(state: AppsState, view: View): number {
  return state.modalOrder.filter((id) => state.views[id]?.root_view_id === view.root_view_id).length;
}

export function homeOf(state: AppsState, appId: string): View | null {
  return Object.values(state.views).find((v) => v.type === "home" && v.app_id === appId) ?? null;
}

/** Pure: a view shown or replaced. */
export function withView(state: AppsState, view: View): AppsState {
  const views = { ...state.views, [view.id]: view };
  const modalOrder = view.type === "modal" && !state.modalOrder.includes(view.id) ? [...state.modalOrder, view.id] : state.modalOrder;
  return { ...state, views, modalOrder };
}

/** Pure: a view (or its whole stack) gone. */
export function withoutView(state: AppsState, viewId: string, wholeStack = false): AppsState {
  const gone = state.views[viewId];
  if (!gone) return state;
  const drop = new Set(wholeStack && gone.root_view_id ? Object.values(state.views).filter((v) => v.root_view_id === gone.root_view_id && v.type === "modal").map((v) => v.id) : [viewId]);
  const views = Object.fromEntries(Object.entries(state.views).filter(([id]) => !drop.has(id)));
  return { ...state, views, modalOrder: state.modalOrder.filter((id) => !drop.has(id)) };
}

export const emptyApps: AppsState = { commands: null, shortcuts: null, views: {}, modalOrder: [] };

export class Apps {
  private state: AppsState = emptyApps;
  private listeners = new Set<Listener>();
  private loadingCommands: Promise<void> | null = null;

  constructor(private readonly api: ApiClient) {}

  getState = (): AppsState => this.state;

  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  private set(next: AppsState): void {
    if (next === this.state) return;
    this.state = next;
    this.listeners.forEach((l) => l());
  }

  reset(): void {
    this.loadingCommands = null;
    this.set(emptyApps);
  }

  /** After sign-in and after a resync: the views that are open for this person. */
  async syncViews(): Promise<void> {
    try {
      const body = await this.api.call("views.list");
      let next: AppsState = { ...this.state, views: {}, modalOrder: [] };
      for (const v of body.views ?? []) next = withView(next, v);
      this.set(next);
    } catch {
      /* views are optional; the next event brings them */
    }
  }

  /** RTM events about views; returns whether the event was one. */
  handleEvent(event: RtmEvent): boolean {
    const view: View | undefined = "view" in event ? event.view : undefined;
    switch (event.type) {
      case "view_opened":
      case "view_updated":
      case "app_home_updated":
        if (view?.id) this.set(withView(this.state, view));
        return true;
      case "view_closed":
        if (view?.id) {
          this.set(withoutView(this.state, view.id));
          // A stack closed at once sends one event: ask what is still open.
          if (this.state.modalOrder.length) void this.syncViews();
        }
        return true;
      default:
        return false;
    }
  }

  loadCommands(force = false): Promise<void> {
    if (this.loadingCommands && !force) return this.loadingCommands;
    this.loadingCommands = (async () => {
      try {
        const [commands, shortcuts] = await Promise.all([
          this.api.call("commands.list"),
          this.api.call("shortcuts.list"),
        ]);
        this.set({ ...this.state, commands: commands.commands ?? [], shortcuts: shortcuts.shortcuts ?? [] });
      } catch {
        this.loadingCommands = null;
        this.set({ ...this.state, commands: this.state.commands ?? [], shortcuts: this.state.shortcuts ?? [] });
      }
    })();
    return this.loadingCommands;
  }

  /** Runs `/cmd text` in `channel`; the app's answer arrives as messages (ephemeral or not). */
  async invoke(channel: string, command: string, text: string): Promise<void> {
    await this.api.call("commands.invoke", { channel, command, text });
  }

  async shortcut(s: Shortcut, message?: { channel: string; ts: string }): Promise<void> {
    await this.api.call("interactions.shortcut", { app_id: s.app_id, callback_id: s.callback_id, ...(message ?? {}) });
  }

  async submit(view: View, values: StateValues): Promise<SubmitResult> {
    const body = await this.api.call("views.submit", { view_id: view.id, values });
    switch (body.response_action) {
      case "errors":
        return { errors: body.errors ?? {} };
      case "update":
      case "push":
        if (body.view) this.set(withView(this.state, body.view));
        return {};
      case "clear":
        this.set(withoutView(this.state, view.id, true));
        return {};
      default:
        this.set(withoutView(this.state, view.id));
        return {};
    }
  }

  /** The person dismissed the modal (Esc, Close, ×): the server tells the app if it asked. */
  async close(view: View): Promise<void> {
    this.set(withoutView(this.state, view.id, !!view.clear_on_close));
    try {
      await this.api.call("views.close", { view_id: view.id });
    } catch (e) {
      if (!(e instanceof ApiError && e.error === "not_found")) throw e;
    }
  }

  /** A button or select in a view: `block_actions` with the view (and its inputs) as context. */
  async action(view: View, blockId: string, actionId: string, chosen: Record<string, unknown>, values: StateValues): Promise<void> {
    await this.api.call("interactions.viewAction", { view_id: view.id, block_id: blockId, action_id: actionId, values, ...chosen });
  }

  async suggest(view: View, blockId: string, actionId: string, value: string): Promise<OptionObject[]> {
    const body = await this.api.call("interactions.blockSuggestion", { view_id: view.id, block_id: blockId, action_id: actionId, value });
    return [...(body.options ?? []), ...(body.option_groups ?? []).flatMap((g) => g.options)];
  }

  /** Opening an app's Home or Messages tab; answers the published Home view and the DM. */
  /** What the app's manifest asks for that Parley does not serve or deliver yet. Admins
   * only (they manage apps); anyone else, or an app installed from another workspace, has
   * none to see. */
  async manifestWarnings(appId: string): Promise<ManifestWarning[]> {
    try {
      const body = await this.api.call("apps.manifest.export", { app_id: appId });
      return body.warnings ?? [];
    } catch (e) {
      if (e instanceof ApiError && (e.error === "no_permission" || e.error === "app_not_found")) return [];
      throw e;
    }
  }

  async openHome(appId: string, tab: "home" | "messages"): Promise<{ channel: string; view: View | null }> {
    const body = await this.api.call("apps.home.open", { app_id: appId, tab });
    if (body.view) this.set(withView(this.state, body.view));
    return { channel: body.channel, view: body.view ?? null };
  }
}
