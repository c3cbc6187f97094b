// Small browser-local preferences: theme, muted conversations, remembered workspaces.
import type { KeyValueStore } from "./drafts";

export type Theme = "light" | "dark" | "system";

export interface RememberedWorkspace {
  domain: string;
  email: string;
  name: string;
  teamId: string;
}

function read<T>(storage: KeyValueStore, key: string, fallback: T): T {
  try {
    const raw = storage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

function write(storage: KeyValueStore, key: string, value: unknown): void {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    /* not fatal */
  }
}

export class Prefs {
  constructor(private readonly storage: KeyValueStore) {}

  get theme(): Theme {
    return read<Theme>(this.storage, "parley:theme", "system");
  }

  set theme(value: Theme) {
    write(this.storage, "parley:theme", value);
  }

  muted(teamId: string, userId: string): Set<string> {
    return new Set(read<string[]>(this.storage, `parley:muted:${teamId}:${userId}`, []));
  }

  setMuted(teamId: string, userId: string, channel: string, muted: boolean): Set<string> {
    const set = this.muted(teamId, userId);
    if (muted) set.add(channel);
    else set.delete(channel);
    write(this.storage, `parley:muted:${teamId}:${userId}`, [...set]);
    return set;
  }

  get workspaces(): RememberedWorkspace[] {
    return read<RememberedWorkspace[]>(this.storage, "parley:workspaces", []);
  }

  /** Remembers (or refreshes) a workspace this browser signed into; most recent first. */
  remember(ws: RememberedWorkspace): RememberedWorkspace[] {
    const rest = this.workspaces.filter((w) => !(w.domain === ws.domain && w.email === ws.email));
    const list = [ws, ...rest].slice(0, 10);
    write(this.storage, "parley:workspaces", list);
    return list;
  }

  forget(domain: string, email: string): RememberedWorkspace[] {
    const list = this.workspaces.filter((w) => !(w.domain === domain && w.email === email));
    write(this.storage, "parley:workspaces", list);
    return list;
  }

  get notificationsAsked(): boolean {
    return read<boolean>(this.storage, "parley:notify-asked", false);
  }

  set notificationsAsked(value: boolean) {
    write(this.storage, "parley:notify-asked", value);
  }

  get lastDomain(): string {
    return read<string>(this.storage, "parley:last-domain", "");
  }

  set lastDomain(value: string) {
    write(this.storage, "parley:last-domain", value);
  }
}

/** A Map-backed store for tests and for browsers with storage disabled. */
export class MemoryStore implements KeyValueStore {
  private readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
  removeItem(key: string): void {
    this.data.delete(key);
  }
}

export function browserStorage(): KeyValueStore {
  try {
    const probe = "parley:probe";
    window.localStorage.setItem(probe, "1");
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch {
    return new MemoryStore();
  }
}
