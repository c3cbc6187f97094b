"""Isolation under flood: one workspace's token floods the server; another workspace's
latency for a cheap read is measured before and during the flood.

Parley runs as a subprocess on loopback (SQLite). The flood: N concurrent clients sharing
one token of workspace A, alternating chat.postMessage and conversations.history as fast
as they can. The victim: workspace B calling conversations.info sequentially (20 ms apart).
Runs with rate limits on (the default) and, for comparison, off.

    .venv/bin/python -m bench.security.flood --clients 8 --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

REPO = str(Path(__file__).resolve().parents[2])  # where `-m bench.security.flood` resolves
VICTIM_PAUSE = 0.06  # the victim stays inside its own tier (conversations.info: tier 3)


@dataclass
class FloodResult:
    clients: int
    idle_p50_ms: float
    idle_p95_ms: float
    flood_p50_ms: float
    flood_p95_ms: float
    victim_calls: int
    victim_errors: int  # anything but ok:true for the victim (429 included)
    flood_requests: int
    flood_rps: float
    flood_429_share: float


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


async def _victim(
    http: httpx.AsyncClient, token: str, channel: str, stop: asyncio.Event
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    headers = {"Authorization": f"Bearer {token}"}
    while not stop.is_set():
        started = time.perf_counter()
        response = await http.post(
            "/api/conversations.info", headers=headers, data={"channel": channel}
        )
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200 or not response.json().get("ok"):
            errors += 1
        await asyncio.sleep(VICTIM_PAUSE)
    return latencies, errors


async def _flooder(
    base_url: str, token: str, channel: str, stop: asyncio.Event, counts: dict[int, int]
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        n = 0
        while not stop.is_set():
            n += 1
            if n % 2:
                response = await http.post(
                    "/api/chat.postMessage",
                    headers=headers,
                    data={"channel": channel, "text": f"flood {n}"},
                )
            else:
                response = await http.post(
                    "/api/conversations.history", headers=headers, data={"channel": channel}
                )
            counts[response.status_code] = counts.get(response.status_code, 0) + 1


async def measure(
    base_url: str,
    flood_token: str,
    flood_channel: str,
    victim_token: str,
    victim_channel: str,
    *,
    clients: int = 8,
    idle_seconds: float = 2.0,
    flood_seconds: float = 4.0,
) -> FloodResult:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        stop = asyncio.Event()
        task = asyncio.create_task(_victim(http, victim_token, victim_channel, stop))
        await asyncio.sleep(idle_seconds)
        stop.set()
        idle, idle_errors = await task

        flood = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.security.flood",
            "--flood-only",
            base_url,
            flood_token,
            flood_channel,
            "--clients",
            str(clients),
            "--seconds",
            str(flood_seconds + 1.0),
            stdout=subprocess.PIPE,
            cwd=REPO,
        )
        await asyncio.sleep(1.0)  # the flood is at full strength before measuring
        victim_stop = asyncio.Event()
        task = asyncio.create_task(_victim(http, victim_token, victim_channel, victim_stop))
        await asyncio.sleep(flood_seconds - 0.5)
        victim_stop.set()
        flooded, flood_errors = await task
        out, _ = await asyncio.wait_for(flood.communicate(), 60)
        report = json.loads(out.decode().strip().splitlines()[-1])
        counts = {int(k): v for k, v in report["counts"].items()}
        elapsed = report["seconds"]
    total = sum(counts.values())
    return FloodResult(
        clients=clients,
        idle_p50_ms=_pct(idle, 0.5),
        idle_p95_ms=_pct(idle, 0.95),
        flood_p50_ms=_pct(flooded, 0.5),
        flood_p95_ms=_pct(flooded, 0.95),
        victim_calls=len(idle) + len(flooded),
        victim_errors=idle_errors + flood_errors,
        flood_requests=total,
        flood_rps=total / elapsed,
        flood_429_share=counts.get(429, 0) / total if total else 0.0,
    )


def _run(args: argparse.Namespace, rate_limits: bool) -> FloodResult:
    from bench.wrk_runner import PYTHON, create_workspace, start_parley

    tmp = Path(tempfile.mkdtemp())
    database_url = f"sqlite+aiosqlite:///{tmp / 'parley.db'}"
    subprocess.run(
        [PYTHON, "-m", "parley.cli.main", "migrate", "--database-url", database_url],
        check=True,
        capture_output=True,
    )
    a, b = create_workspace(database_url, "Flooder"), create_workspace(database_url, "Victim")
    server = start_parley(
        database_url, args.port, PARLEY_RATE_LIMITS_ENABLED=str(rate_limits).lower()
    )
    try:
        base = f"http://127.0.0.1:{args.port}"
        with httpx.Client(base_url=base, timeout=30) as http:
            channels = [
                http.post(
                    "/api/conversations.create",
                    data={"name": "room"},
                    headers={"Authorization": f"Bearer {t['token']}"},
                ).json()["channel"]["id"]
                for t in (a, b)
            ]
        return asyncio.run(
            measure(
                base,
                a["token"],
                channels[0],
                b["token"],
                channels[1],
                clients=args.clients,
                flood_seconds=args.seconds,
            )
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


async def _flood_only(
    base_url: str, token: str, channel: str, clients: int, seconds: float
) -> None:
    stop = asyncio.Event()
    counts: dict[int, int] = {}
    started = time.monotonic()
    tasks = [
        asyncio.create_task(_flooder(base_url, token, channel, stop, counts))
        for _ in range(clients)
    ]
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*tasks)
    print(json.dumps({"counts": counts, "seconds": time.monotonic() - started}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--port", type=int, default=18350)
    parser.add_argument("--flood-only", nargs=3, metavar=("BASE_URL", "TOKEN", "CHANNEL"))
    args = parser.parse_args()
    if args.flood_only:
        base_url, token, channel = args.flood_only
        asyncio.run(_flood_only(base_url, token, channel, args.clients, args.seconds))
        return
    for limits in (True, False):
        result = _run(args, limits)
        print(json.dumps({"rate_limits": limits, **asdict(result)}))
        print(
            f"rate limits {'on ' if limits else 'off'}: victim p50/p95 idle "
            f"{result.idle_p50_ms:.1f}/{result.idle_p95_ms:.1f} ms, under flood "
            f"{result.flood_p50_ms:.1f}/{result.flood_p95_ms:.1f} ms; flood "
            f"{result.flood_rps:.0f} req/s, {result.flood_429_share:.0%} answered 429; "
            f"victim errors {result.victim_errors}/{result.victim_calls}"
        )
    print("load average:", " ".join(Path("/proc/loadavg").read_text().split()[:3]))


if __name__ == "__main__":
    main()
