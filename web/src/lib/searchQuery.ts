// The search box's query as words and filter chips, and the hints offered while typing.
// The server parses the same language (features/search/query.py); the client only splits
// it to show and edit filters, so a token it does not know stays a word and is sent as is.

export type FilterKey = "in" | "from" | "to" | "before" | "after" | "on" | "during" | "has" | "is";

const FILTER_KEYS: readonly FilterKey[] = ["in", "from", "to", "before", "after", "on", "during", "has", "is"];
const FILTER = /^(-?)(in|from|to|before|after|on|during|has|is):(.+)$/i;

/** A filter as written in the query (`raw`), e.g. `in:#general` or `-from:@ann`. */
export interface Chip {
  key: FilterKey;
  value: string;
  negated: boolean;
  raw: string;
}

/** Splits a query into tokens; a quoted phrase ("like this") stays one token, quotes kept. */
export function tokenize(query: string): string[] {
  const tokens: string[] = [];
  const re = /-?"[^"]*"?|\S+/g;
  for (const match of query.matchAll(re)) tokens.push(match[0]);
  return tokens;
}

export function chipOf(token: string): Chip | null {
  const m = FILTER.exec(token);
  if (!m) return null;
  const key = m[2].toLowerCase() as FilterKey;
  if (!FILTER_KEYS.includes(key)) return null;
  return { key, value: m[3], negated: m[1] === "-", raw: token };
}

/** The filters of a query, and its words (everything else) as one string. */
export function splitQuery(query: string): { chips: Chip[]; words: string } {
  const chips: Chip[] = [];
  const words: string[] = [];
  for (const token of tokenize(query)) {
    const chip = chipOf(token);
    if (chip) chips.push(chip);
    else words.push(token);
  }
  return { chips, words: words.join(" ") };
}

/** The query without one filter token. */
export function withoutChip(query: string, raw: string): string {
  const tokens = tokenize(query);
  const at = tokens.indexOf(raw);
  if (at >= 0) tokens.splice(at, 1);
  return tokens.join(" ");
}

// Date filters narrow to one range, so a new one replaces the others rather than adding up.
const DATE_KEYS: readonly FilterKey[] = ["before", "after", "on", "during"];

/** The query with a filter token added (a date filter replaces any date filter). */
export function withChip(query: string, token: string): string {
  const chip = chipOf(token);
  let tokens = tokenize(query);
  if (chip && DATE_KEYS.includes(chip.key)) {
    tokens = tokens.filter((t) => {
      const other = chipOf(t);
      return !other || !DATE_KEYS.includes(other.key);
    });
  }
  if (!tokens.includes(token)) tokens.push(token);
  return tokens.join(" ");
}

/** How a chip reads on screen: `in #general`, `not from @ann`, `has a link`. */
export function chipLabel(chip: Chip): string {
  const not = chip.negated ? "not " : "";
  const value = chip.value;
  if (chip.key === "has") {
    const what: Record<string, string> = { link: "a link", reaction: "a reaction", pin: "a pin" };
    return `${not}has ${what[value.toLowerCase()] ?? value}`;
  }
  if (chip.key === "is") return `${not}${value.toLowerCase() === "saved" ? "saved" : value.toLowerCase() === "thread" ? "in a thread" : value}`;
  return `${not}${chip.key} ${value}`;
}

export interface Hint {
  /** What replaces the word being typed. */
  insert: string;
  label: string;
  detail: string;
}

export const FILTER_HINTS: readonly Hint[] = [
  { insert: "in:#", label: "in:#channel", detail: "Messages in a channel" },
  { insert: "in:@", label: "in:@person", detail: "Your direct messages with someone" },
  { insert: "from:@", label: "from:@person", detail: "Messages from someone" },
  { insert: "from:me", label: "from:me", detail: "Your own messages" },
  { insert: "to:me", label: "to:me", detail: "Messages that mention you or were sent to you" },
  { insert: "has:link", label: "has:link", detail: "Messages with a link" },
  { insert: "has:reaction", label: "has:reaction", detail: "Messages with a reaction" },
  { insert: "has:pin", label: "has:pin", detail: "Pinned messages" },
  { insert: "is:thread", label: "is:thread", detail: "Messages in threads" },
  { insert: "is:saved", label: "is:saved", detail: "Messages you saved" },
  { insert: "before:", label: "before:YYYY-MM-DD", detail: "Before a day" },
  { insert: "after:", label: "after:YYYY-MM-DD", detail: "After a day" },
  { insert: "on:", label: "on:YYYY-MM-DD", detail: "On a day (also today, yesterday)" },
  { insert: "during:", label: "during:month", detail: "During a week, month or year" },
];

const DATE_WORDS = ["today", "yesterday", "week", "month", "year"];

export interface Directory {
  channels: { name: string }[];
  people: { handle: string; name: string }[];
}

/** The word the caret is in: where it starts and ends in the query. */
export function wordAt(query: string, caret: number): { start: number; end: number; word: string } {
  let start = caret;
  while (start > 0 && !/\s/.test(query[start - 1])) start--;
  let end = caret;
  while (end < query.length && !/\s/.test(query[end])) end++;
  return { start, end, word: query.slice(start, end) };
}

/** Hints for the word being typed: filters whose name it starts, then channels after
 * `in:#`, people after `from:@`/`in:@`/`to:@`, and day words after a date filter. */
export function hintsFor(word: string, directory: Directory, max = 8): Hint[] {
  const lower = word.toLowerCase();
  const negation = lower.startsWith("-") ? "-" : "";
  const bare = lower.slice(negation.length);
  const channel = /^in:#?(.*)$/.exec(bare);
  if (channel && !bare.startsWith("in:@")) {
    return directory.channels
      .filter((c) => c.name.toLowerCase().startsWith(channel[1]))
      .slice(0, max)
      .map((c) => ({ insert: `${negation}in:#${c.name}`, label: `#${c.name}`, detail: "Channel" }));
  }
  const person = /^(from|to|in):@?(.*)$/.exec(bare);
  if (person) {
    const typed = person[2];
    return directory.people
      .filter((p) => p.handle.toLowerCase().startsWith(typed) || p.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(typed)))
      .slice(0, max)
      .map((p) => ({ insert: `${negation}${person[1]}:@${p.handle}`, label: p.name, detail: `@${p.handle}` }));
  }
  const day = /^(before|after|on|during):(.*)$/.exec(bare);
  if (day) {
    return DATE_WORDS.filter((w) => w.startsWith(day[2]) && (day[1] === "during" || !["week", "month", "year"].includes(w))).map((w) => ({
      insert: `${day[1]}:${w}`,
      label: `${day[1]}:${w}`,
      detail: "Date",
    }));
  }
  if (!bare) return FILTER_HINTS.slice(0, max);
  return FILTER_HINTS.filter((h) => h.insert.startsWith(bare) || h.label.startsWith(bare)).slice(0, max);
}

/** The query with the word at the caret replaced by a hint; where the caret goes next.
 * A finished filter gets a trailing space; an open one (`in:#`) keeps the caret on it. */
export function applyHint(query: string, caret: number, hint: Hint): { query: string; caret: number } {
  const { start, end } = wordAt(query, caret);
  const open = hint.insert.endsWith(":") || hint.insert.endsWith("#") || hint.insert.endsWith("@");
  const insert = open ? hint.insert : `${hint.insert} `;
  const next = query.slice(0, start) + insert + query.slice(end).replace(/^\s+/, "");
  return { query: next, caret: start + insert.length };
}
