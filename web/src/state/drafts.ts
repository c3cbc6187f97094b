// Per-conversation composer drafts, kept in localStorage across reloads.

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const PREFIX = "parley:draft:";

export function draftKey(teamId: string, channel: string, threadTs?: string): string {
  return `${PREFIX}${teamId}:${channel}${threadTs ? `:${threadTs}` : ""}`;
}

export class Drafts {
  constructor(private readonly storage: KeyValueStore) {}

  get(key: string): string {
    try {
      return this.storage.getItem(key) ?? "";
    } catch {
      return "";
    }
  }

  /** Saves a draft; an empty or whitespace-only draft is removed instead. */
  set(key: string, text: string): void {
    try {
      if (text.trim()) this.storage.setItem(key, text);
      else this.storage.removeItem(key);
    } catch {
      /* storage full or disabled: drafts are a convenience */
    }
  }

  clear(key: string): void {
    this.set(key, "");
  }
}
