"""Web client benchmark in Debian's Chromium (Playwright): JS shipped on first load (gzip),
time from navigation to the first channel's messages on screen (warm server), and long
tasks while scrolling through 10,000 loaded messages of a 100,000-message channel.

    .venv/bin/python -m bench.web.run                 # seeds 100,000 messages in SQLite
    .venv/bin/python -m bench.web.run --messages 20000 --load 10000

Needs the built client (scripts/build-web) and /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright

from bench.wrk_runner import ROOT, start_parley
from parley.composition import upgrade_to_head_async
from parley.dev.seed import SeedPlan, SeedResult, seed_workspace
from parley.platform.db import Database

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# Runs before the app: records when the first message row is painted, and every long task.
PROBE = """
window.__bench = {firstMessage: null, longTasks: []};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__bench.longTasks.push(e.duration);
}).observe({type: 'longtask', buffered: true});
const seen = () => {
  if (window.__bench.firstMessage === null && document.querySelector('.message-pane article.msg')) {
    requestAnimationFrame(() => { window.__bench.firstMessage = performance.now(); });
    return true;
  }
  return false;
};
new MutationObserver((_, obs) => { if (seen()) obs.disconnect(); })
  .observe(document, {childList: true, subtree: true});
"""

# Scrolls top to bottom `step` px per frame; with step 0 it only waits the same number of
# frames (`idleFrames`): the control run, showing what the busy machine alone costs.
SCROLL_THROUGH = """
async ([step, idleFrames]) => {
  const el = document.querySelector('.message-pane .vlist');
  const frames = [];
  el.scrollTop = step ? 0 : el.scrollTop;
  await new Promise(r => setTimeout(r, 500));
  window.__bench.longTasks = [];
  let last = performance.now();
  while (step ? el.scrollTop + el.clientHeight < el.scrollHeight - 2 : frames.length < idleFrames) {
    el.scrollTop += step;
    await new Promise(r => requestAnimationFrame(r));
    const now = performance.now();
    frames.push(now - last);
    last = now;
  }
  await new Promise(r => setTimeout(r, 300));
  frames.sort((a, b) => a - b);
  return {
    frames: frames.length,
    p50_frame_ms: frames[Math.floor(frames.length / 2)],
    p99_frame_ms: frames[Math.floor(frames.length * 0.99)],
    long_tasks: window.__bench.longTasks.length,
    longest_task_ms: Math.max(0, ...window.__bench.longTasks),
    rows_in_dom: document.querySelectorAll('.message-pane [role=listitem]').length,
    scroll_height_px: el.scrollHeight,
  };
}
"""


async def seed(database_url: str, messages: int) -> SeedResult:
    await upgrade_to_head_async(database_url)
    db = Database(database_url)
    plan = SeedPlan(
        users=20, channels=1, messages=messages, members_per_channel=19, owner_channels=1
    )
    result = await seed_workspace(db, plan, lambda *_: None)
    await db.dispose()
    return result


def js_gzip_bytes(entries: list[dict[str, Any]]) -> int:
    return sum(
        int(e["encodedBodySize"]) for e in entries if str(e["name"]).split("?")[0].endswith(".js")
    )


def measure(base: str, domain: str, channel: str, load: int) -> dict[str, Any]:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(PROBE)
        signin = context.request.post(
            f"{base}/api/auth.signin",
            data={"domain": domain, "email": "owner@seed.example", "password": "seed-password"},
        )
        assert signin.json()["ok"], signin.text()
        page = context.new_page()
        url = f"{base}/client/x/{channel}"
        page.goto(url)  # first visit warms the server's caches and the browser's HTTP cache
        page.wait_for_function("() => window.__bench.firstMessage !== null")
        cold_js = js_gzip_bytes(
            page.evaluate("() => performance.getEntriesByType('resource').map(e => e.toJSON())")
        )
        timings = []
        for _ in range(5):
            page.goto(url)
            page.wait_for_function("() => window.__bench.firstMessage !== null")
            timings.append(page.evaluate("() => window.__bench.firstMessage"))
        started = time.monotonic()
        loaded = page.evaluate(
            """async (target) => {
                const el = document.querySelector('.message-pane .vlist');
                const count = () => document.querySelector('.message-pane .vlist-inner')
                    .dataset.rows | 0;
                for (let i = 0; i < 400; i++) {
                    if (document.querySelector('.message-pane .intro')) break;
                    el.scrollTop = 0;
                    await new Promise(r => setTimeout(r, 120));
                    if (count() >= target) break;
                }
                return count();
            }""",
            load,
        )
        load_seconds = time.monotonic() - started
        scroll = page.evaluate(SCROLL_THROUGH, [120, 0])
        control = page.evaluate(SCROLL_THROUGH, [0, scroll["frames"]])
        browser.close()
    return {
        "control_no_scroll": {k: control[k] for k in ("frames", "long_tasks", "longest_task_ms")},
        "js_gzip_kb_first_load": round(cold_js / 1024, 1),
        "first_messages_ms_median": round(statistics.median(timings)),
        "first_messages_ms_all": [round(t) for t in timings],
        "rows_loaded": loaded,
        "history_load_seconds": round(load_seconds, 1),
        **scroll,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--load", type=int, default=10_000, help="rows to load before scrolling")
    parser.add_argument("--port", type=int, default=8931)
    args = parser.parse_args()
    if not (ROOT / "src" / "parley" / "static" / "app" / "index.html").is_file():
        raise SystemExit("build the client first: scripts/build-web")
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        seeded = asyncio.run(seed(database_url, args.messages))
        server = start_parley(database_url, args.port, PARLEY_DATA_DIR=tmp)
        try:
            base = f"http://127.0.0.1:{args.port}"
            team = httpx.post(
                f"{base}/api/team.info",
                headers={"Authorization": f"Bearer {seeded.owner_token}"},
            ).json()["team"]
            result = measure(base, team["domain"], seeded.channel_ids[0], args.load)
        finally:
            server.terminate()
            server.wait(timeout=10)
    result["messages_in_channel"] = args.messages
    out = ROOT / "bench" / "results" / f"web-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
