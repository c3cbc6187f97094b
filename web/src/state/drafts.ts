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
  /** `onChange` hears each change made through `set` (the server copy, draftSync.ts). */
  constructor(
    private readonly storage: KeyValueStore,
    private readonly onChange?: (key: string, text: string) => void,
  ) {}

  get(key: string): string {
    try {
      return this.storage.getItem(key) ?? "";
    } catch {
      return "";
    }
  }

  /** Saves a draft; an empty or whitespace-only draft is removed instead. */
  set(key: string, text: string): void {
    if (this.get(key) !== (text.trim() ? text : "")) this.onChange?.(key, text);
    this.store(key, text);
  }

  /** Saves a draft without telling `onChange` (a copy that came from the server). */
  store(key: string, text: string): void {
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
