"""Events API fan-out: a channel watched by N apps (each its own local HTTP receiver).

Measures, for messages posted at a steady rate, the delay from the post to each app's
receipt (p50/p99 over all deliveries), and the sender's `chat.postMessage` latency with
and without the apps watching. Parley runs as a subprocess (SQLite, rate limits off,
`PARLEY_OUTBOUND_ALLOW_PRIVATE=true` because the receivers are on loopback).

    .venv/bin/python -m bench.apps.run --apps 50 --messages 100 --rate 5
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.wrk_runner import PYTHON, create_workspace, start_parley


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Receivers:
    """N loopback apps in a separate process (bench/apps/receivers.py)."""

    def __init__(self, count: int) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "bench.apps.receivers", "--count", str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._urls: list[str] = self._ask(None)["urls"]

    def _ask(self, command: str | None) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        if command is not None:
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        return answer

    def urls(self) -> list[str]:
        return self._urls

    def total(self) -> int:
        return int(self._ask("total")["total"])

    def arrivals(self) -> dict[str, list[float]]:
        found: dict[str, list[float]] = self._ask("arrivals")["arrivals"]
        return found

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            assert self.process.stdin is not None
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def settle(receivers: Receivers, quiet: float = 1.5, limit: float = 180.0) -> None:
    deadline, last, since = time.monotonic() + limit, -1, time.monotonic()
    while time.monotonic() < deadline:
        total = receivers.total()
        if total != last:
            last, since = total, time.monotonic()
        elif time.monotonic() - since > quiet:
            return
        time.sleep(0.1)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def post_series(
    http: httpx.Client, token: str, channel: str, count: int, rate: float, tag: str
) -> tuple[list[float], dict[str, float]]:
    """Post `count` messages at `rate`/s; returns latencies (ms) and text → post time."""
    latencies, sent = [], {}
    for n in range(count):
        text = f"{tag}-{n}"
        start = time.monotonic()
        answer = http.post(
            "chat.postMessage",
            headers={"Authorization": f"Bearer {token}"},
            data={"channel": channel, "text": text},
        ).json()
        assert answer["ok"], answer
        latencies.append((time.monotonic() - start) * 1000)
        sent[text] = start
        time.sleep(max(0.0, 1 / rate - (time.monotonic() - start)))
    return latencies, sent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--apps", type=int, default=50)
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--rate", type=float, default=5.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    database_url = f"sqlite+aiosqlite:///{tmp / 'parley.db'}"
    subprocess.run(
        [PYTHON, "-m", "parley.cli.main", "migrate", "--database-url", database_url],
        check=True,
        capture_output=True,
    )
    team = create_workspace(database_url)
    port = free_port()
    server = start_parley(database_url, port, PARLEY_OUTBOUND_ALLOW_PRIVATE="true")
    receivers = Receivers(args.apps)
    try:
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}/api/", timeout=30)
        auth = {"Authorization": f"Bearer {team['token']}"}
        channel = http.post("conversations.create", headers=auth, data={"name": "watched"}).json()[
            "channel"
        ]["id"]
        baseline, _ = post_series(http, team["token"], channel, args.messages, args.rate, "base")
        bots: list[str] = []
        apps: list[str] = []
        for n, url in enumerate(receivers.urls()):
            manifest = {
                "display_information": {"name": f"Watcher {n}"},
                "oauth_config": {"scopes": {"bot": ["channels:history", "chat:write"]}},
                "settings": {
                    "event_subscriptions": {"request_url": url, "bot_events": ["message.channels"]}
                },
            }
            made = http.post(
                "apps.manifest.create", headers=auth, data={"manifest": json.dumps(manifest)}
            ).json()
            assert made["ok"], made
            bots.append(made["bot_user_id"])
            apps.append(made["app_id"])
        assert http.post(
            "conversations.invite", headers=auth, data={"channel": channel, "users": ",".join(bots)}
        ).json()["ok"]
        # Setup traffic (url_verification, 50 join messages × 50 apps) must drain first.
        settle(receivers)
        watched, sent = post_series(http, team["token"], channel, args.messages, args.rate, "w")
        deadline = time.monotonic() + 30
        arrivals: dict[str, list[float]] = {}
        while time.monotonic() < deadline:
            arrivals = receivers.arrivals()
            if sum(len(arrivals.get(t, [])) for t in sent) >= len(sent) * args.apps:
                break
            time.sleep(0.2)
        delays = [
            (arrival - sent[text]) * 1000 for text in sent for arrival in arrivals.get(text, [])
        ]
        expected = len(sent) * args.apps
        if not delays:
            status = http.post(
                "apps.event_delivery.status", headers=auth, data={"app_id": apps[0]}
            ).json()
            raise SystemExit(f"nothing delivered: {json.dumps(status)[:1500]}")
        print(
            json.dumps(
                {
                    "apps": args.apps,
                    "messages": args.messages,
                    "deliveries": f"{len(delays)}/{expected}",
                    "delivery_p50_ms": round(statistics.median(delays), 1),
                    "delivery_p99_ms": round(pct(delays, 0.99), 1),
                    "post_p99_ms_without_apps": round(pct(baseline, 0.99), 1),
                    "post_p99_ms_with_apps": round(pct(watched, 0.99), 1),
                    "post_p50_ms_without_apps": round(statistics.median(baseline), 1),
                    "post_p50_ms_with_apps": round(statistics.median(watched), 1),
                },
                indent=2,
            )
        )
    finally:
        receivers.close()
        server.terminate()
        server.wait(timeout=10)
        if server.stderr is not None:
            sys.stderr.write(server.stderr.read().decode()[-2000:])


if __name__ == "__main__":
    main()
