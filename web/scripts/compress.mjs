// Writes a .gz twin of every text asset so the server can send it pre-compressed
// (gzip is what the 250 KB budget in docs/benchmarks.md is measured in).
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const root = new URL("../../src/parley/static/app/", import.meta.url).pathname;
const compressible = /\.(js|css|html|svg|json|txt)$/;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (compressible.test(name)) writeFileSync(path + ".gz", gzipSync(readFileSync(path), { level: 9 }));
  }
}
walk(root);
