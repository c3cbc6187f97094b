// Fails the build when the JavaScript a first visit loads is over budget: the scripts and
// module preloads index.html names, gzipped (what the server sends). Lazy chunks (admin,
// app modals, …) are not counted: they load only when used. Issue 16: ≤ 150 KB.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_KB = 150;
const root = new URL("../../src/parley/static/app/", import.meta.url).pathname;
const html = readFileSync(join(root, "index.html"), "utf8");
const entries = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="\/?([^"]+\.js)"/g)].map((m) => m[1]);
if (entries.length === 0) {
  console.error("check-bundle: index.html names no JavaScript; is this the built client?");
  process.exit(1);
}
let total = 0;
for (const entry of new Set(entries)) {
  const size = gzipSync(readFileSync(join(root, entry)), { level: 9 }).length;
  total += size;
  console.log(`  ${entry}: ${(size / 1024).toFixed(1)} KB gzipped`);
}
const kb = total / 1024;
if (kb > BUDGET_KB) {
  console.error(`check-bundle: the first load is ${kb.toFixed(1)} KB of gzipped JavaScript, over the ${BUDGET_KB} KB budget; split rarely used screens into lazy chunks (import()).`);
  process.exit(1);
}
console.log(`check-bundle: first load ${kb.toFixed(1)} KB gzipped JavaScript (budget ${BUDGET_KB} KB)`);
