// The emoji picker's memory: skin tone and recently used, per person (localStorage).

export const SKIN_TONES = [
  { tone: 0, label: "Default skin tone", sample: "✋" },
  { tone: 2, label: "Light skin tone", sample: "✋🏻" },
  { tone: 3, label: "Medium-light skin tone", sample: "✋🏼" },
  { tone: 4, label: "Medium skin tone", sample: "✋🏽" },
  { tone: 5, label: "Medium-dark skin tone", sample: "✋🏾" },
  { tone: 6, label: "Dark skin tone", sample: "✋🏿" },
] as const;

/** Emoji (of the built-in set) that take a skin tone modifier. */
export const TONABLE = new Set(["wave", "raised_hand", "ok_hand", "v", "crossed_fingers", "point_up", "point_right", "point_left", "point_down", "+1", "-1", "fist", "clap", "raised_hands", "open_hands", "pray", "muscle", "thumbsup", "thumbsdown", "facepunch", "punch"]);

const MODIFIERS = ["", "", "\u{1F3FB}", "\u{1F3FC}", "\u{1F3FD}", "\u{1F3FE}", "\u{1F3FF}"];
const RECENT_MAX = 24;

/** `+1` with tone 3 → Slack's `+1::skin-tone-3`; tone 0 or an emoji without tones → the name. */
export function withTone(name: string, tone: number): string {
  return tone >= 2 && tone <= 6 && TONABLE.has(name) ? `${name}::skin-tone-${tone}` : name;
}

/** The character with its skin tone modifier (variation selectors give way to it). */
export function toneChar(char: string, tone: number): string {
  const modifier = MODIFIERS[tone] ?? "";
  return modifier ? char.replace(/\uFE0F/g, "") + modifier : char;
}

export function parseTone(name: string): { base: string; tone: number } {
  const m = /^(.+?)::skin-tone-([2-6])$/.exec(name);
  return m ? { base: m[1], tone: Number(m[2]) } : { base: name, tone: 0 };
}

interface Storage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

export class EmojiPrefs {
  constructor(
    private readonly person: string,
    private readonly store: Storage | null = storage(),
  ) {}

  get tone(): number {
    const t = Number(this.store?.getItem(`parley:emoji-tone:${this.person}`) ?? "0");
    return Number.isInteger(t) && t >= 0 && t <= 6 ? t : 0;
  }

  set tone(tone: number) {
    this.store?.setItem(`parley:emoji-tone:${this.person}`, String(tone));
  }

  recent(): string[] {
    try {
      const list: unknown = JSON.parse(this.store?.getItem(`parley:emoji-recent:${this.person}`) ?? "[]");
      return Array.isArray(list) ? list.filter((n): n is string => typeof n === "string").slice(0, RECENT_MAX) : [];
    } catch {
      return [];
    }
  }

  /** Most recent first, without repeats (the base name: tones follow the chooser). */
  used(name: string): void {
    const base = parseTone(name).base;
    const next = [base, ...this.recent().filter((n) => n !== base)].slice(0, RECENT_MAX);
    this.store?.setItem(`parley:emoji-recent:${this.person}`, JSON.stringify(next));
  }
}
