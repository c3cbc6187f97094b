// Generates web/src/lib/emoji-data.json, the full Unicode emoji set the picker loads lazily,
// from the emojibase-data devDependency (MIT). Run `npm run gen:emoji` after upgrading it.
//
// Names are Slack's (iamcal shortcodes) with GitHub's as extra names, but only names the
// server accepts for reactions (src/parley/features/emoji/standard_names.txt) are kept: an
// emoji none of whose names the server knows is left out of the picker, so that every emoji
// a person can pick is one the server takes.
import { readFileSync, writeFileSync } from "node:fs";

const data = (path) => JSON.parse(readFileSync(new URL(`../node_modules/emojibase-data/en/${path}`, import.meta.url), "utf8"));
const emoji = data("compact.json");
const groups = data("messages.json").groups;
const slack = data("shortcodes/iamcal.json");
const github = data("shortcodes/github.json");
const server = new Set(
  readFileSync(new URL("../../src/parley/features/emoji/standard_names.txt", import.meta.url), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#")),
);

const list = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const COMPONENT = groups.find((g) => g.key === "component")?.order;

const out = [];
let hidden = 0;
for (const e of emoji.sort((a, b) => (a.order ?? 1e9) - (b.order ?? 1e9))) {
  if (e.group === undefined || e.group === COMPONENT) continue;
  const names = [...new Set([...list(slack[e.hexcode]), ...list(github[e.hexcode])])].filter((n) => server.has(n));
  if (names.length === 0) {
    hidden++;
    continue;
  }
  // [group, names ("a b"), char, keywords ("x y"), has skin tones (1/0)]
  out.push([e.group, names.join(" "), e.unicode, (e.tags ?? []).join(" "), e.skins ? 1 : 0]);
}
const categories = groups.filter((g) => g.order !== COMPONENT).map((g) => [g.order, g.key, g.message]);
const file = new URL("../src/lib/emoji-data.json", import.meta.url);
writeFileSync(file, JSON.stringify({ categories, emoji: out }) + "\n");
console.log(`gen-emoji: ${out.length} emoji written, ${hidden} left out (no name the server knows)`);
