// The client's I/O, composed from one module per feature (app/features/): each calls the
// Web API, dispatches to the pure reducer via `store.dispatch`, and can be tested alone.
import type { ApiClient } from "../api/client";
import type { RtmEvent } from "../api/types";
import { Drafts, type KeyValueStore } from "../state/drafts";
import { DraftSync } from "./features/draftSync";
import { Prefs } from "../state/prefs";
import type { State } from "../state/reducer";
import { Store } from "../state/store";
import { Apps } from "./apps";
import { Conversations } from "./features/conversations";
import type { Core } from "./features/core";
import { EndedNotice } from "./features/ended";
import { EventEffects } from "./features/events";
import { History } from "./features/history";
import { Lookups } from "./features/lookups";
import { Messages } from "./features/messages";
import { People } from "./features/people";
import { Reactions } from "./features/reactions";
import { Reading } from "./features/reading";
import { Search } from "./features/search";
import { Session } from "./features/session";
import { type Toast, Toasts } from "./features/toasts";

export type { Toast };
export { absoluteWsUrl } from "./features/session";

export class Controller implements Core {
  readonly store = new Store();
  readonly drafts: Drafts;
  readonly prefs: Prefs;
  /** Slash commands, shortcuts, modals and App Home (see app/apps.ts). */
  readonly apps: Apps;
  readonly toasts = new Toasts();
  /** Why the session ended, when it ended without signing out (deactivated, expired). */
  readonly ended = new EndedNotice();
  readonly lookups: Lookups;
  readonly history: History;
  readonly reading: Reading;
  readonly messages: Messages;
  readonly reactions: Reactions;
  readonly conversations: Conversations;
  readonly people: People;
  readonly search: Search;
  readonly session: Session;
  private readonly effects: EventEffects;
  /** Components that follow raw socket events themselves (bookmarks bar, details panel). */
  private readonly rtmListeners = new Set<(event: RtmEvent) => void>();
  private readonly draftSync: DraftSync;
  private draftsLoadedFor: string | null = null;

  constructor(
    readonly api: ApiClient,
    storage: KeyValueStore,
  ) {
    this.draftSync = new DraftSync(this, () => this.drafts);
    this.drafts = new Drafts(storage, (key, text) => this.draftSync.changed(key, text));
    this.prefs = new Prefs(storage);
    this.apps = new Apps(api);
    this.lookups = new Lookups(this);
    this.history = new History(this, this.lookups);
    this.reading = new Reading(this);
    this.reactions = new Reactions(this);
    this.conversations = new Conversations(this, this.lookups, this.prefs);
    this.people = new People(this, this.prefs);
    this.search = new Search(this);
    this.effects = new EventEffects(this, api, this.apps, this.lookups, this.reading);
    this.session = new Session(this, {
      apps: this.apps,
      prefs: this.prefs,
      history: this.history,
      reading: this.reading,
      conversations: this.conversations,
      people: this.people,
      ended: this.ended,
      onEvent: (event) => this.handleEvent(event),
    });
    this.messages = new Messages(this, (frame) => this.session.send(frame));
  }

  get state(): State {
    return this.store.getState();
  }

  toast(text: string): void {
    this.toasts.show(text);
  }

  /** Applies one socket event and its side effects. */
  handleEvent(event: RtmEvent): void {
    this.effects.handle(event);
    this.rtmListeners.forEach((listener) => listener(event));
    this.draftSync.handle(event);
    const team = this.state.team?.id;
    if (team && this.draftsLoadedFor !== team) {
      this.draftsLoadedFor = team; // once per signed-in workspace: the server's drafts
      void this.draftSync.load(team);
    }
  }

  /** Calls `listener` with every socket event after the store applied it; returns the unsubscribe. */
  onRtm(listener: (event: RtmEvent) => void): () => void {
    this.rtmListeners.add(listener);
    return () => this.rtmListeners.delete(listener);
  }
}
