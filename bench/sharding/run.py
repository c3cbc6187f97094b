"""Workspace sharding: what routing costs a write, and what a move costs its workspace.

    .venv/bin/python -m bench.sharding.run --server postgresql+asyncpg://postgres@127.0.0.1 \\
        [--messages 100000] [--users 2000] [--duration 10]

Creates three databases on that server (dropped at the end): one unsharded, and a primary
plus shard `b`. Then, in one process, with the in-process ASGI client:
1. Routing: closed-loop chat.postMessage for --duration s, one sender, on the unsharded
   database (the baseline) and on a workspace placed on shard `b` (directory lookup,
   binding, fence): the ratio sharded / unsharded.
2. Move: a seeded workspace (--users, --messages) moved from the primary to `b` while one
   sender keeps posting to it: copy time and rows/s, how long writes were held at the
   switch, and the slowest post during the move against the p99 before it.
Prints a Markdown table and JSON (also written to bench/results/).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from parley.dev.seed import SeedPlan, seed_workspace
from parley.main import build_services, create_app, migrate_shards
from parley.platform.moves import move_workspace
from parley.platform.services import Services
from parley.platform.settings import Settings

RESULTS = Path(__file__).resolve().parent.parent / "results"


async def _admin(server: str, statement: str) -> None:
    dsn = make_url(server).set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _url(server: str, database: str) -> str:
    return make_url(server).set(database=database).render_as_string(hide_password=False)


async def _services(server: str, primary: str, shards: str, tmp: Path) -> Services:
    settings = Settings(
        data_dir=tmp,
        database_url=_url(server, primary),
        shard_urls=shards,
        rate_limits_enabled=False,
        unfurl_enabled=False,
    )
    services = build_services(settings)
    await migrate_shards(services.db)
    return services


class Poster:
    """One closed-loop sender of chat.postMessage; records each call's latency."""

    def __init__(self, client: httpx.AsyncClient, token: str, channel: str) -> None:
        self.client, self.token, self.channel = client, token, channel
        self.latencies: list[tuple[float, float]] = []  # (start, seconds)
        self.stop = asyncio.Event()

    async def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            began = time.perf_counter()
            response = await self.client.post(
                "/api/chat.postMessage",
                headers={"Authorization": f"Bearer {self.token}"},
                data={"channel": self.channel, "text": f"bench {n}"},
            )
            assert response.json()["ok"], response.text
            self.latencies.append((began, time.perf_counter() - began))
            n += 1


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def _general(client: httpx.AsyncClient, token: str) -> str:
    listed = await client.post(
        "/api/conversations.list", headers={"Authorization": f"Bearer {token}"}
    )
    return str(next(c["id"] for c in listed.json()["channels"] if c["name"] == "general"))


async def _posting_rate(services: Services, token: str, duration: float) -> float:
    app = create_app(services.settings, migrate=False, services=services, start_workers=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench"
    ) as client:
        poster = Poster(client, token, await _general(client, token))
        task = asyncio.create_task(poster.run())
        await asyncio.sleep(duration)
        poster.stop.set()
        await task
    return len(poster.latencies) / duration


async def routing(server: str, names: dict[str, str], tmp: Path, duration: float) -> dict[str, Any]:
    from tests.factories import Factory

    plain = await _services(server, names["plain"], "", tmp)
    sharded = await _services(server, names["primary"], f"b={_url(server, names['b'])}", tmp)
    try:
        plain_team = await Factory(plain.db).workspace()
        await Factory(sharded.db).workspace()  # the primary's; the next one goes to b
        team = await Factory(sharded.db).workspace()
        base = await _posting_rate(plain, plain_team.owner.token, duration)
        routed = await _posting_rate(sharded, team.owner.token, duration)
    finally:
        await plain.db.dispose()
        await sharded.db.dispose()
    return {"unsharded_posts_s": base, "sharded_posts_s": routed, "ratio": routed / base}


async def move(server: str, names: dict[str, str], tmp: Path, plan: SeedPlan) -> dict[str, Any]:
    services = await _services(server, names["primary"], f"b={_url(server, names['b'])}", tmp)
    try:
        seeded = await seed_workspace(services.db, plan, lambda *_: None)  # on the primary
        app = create_app(services.settings, migrate=False, services=services, start_workers=False)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            poster = Poster(client, seeded.owner_token, await _general(client, seeded.owner_token))
            task = asyncio.create_task(poster.run())
            await asyncio.sleep(3.0)
            began = time.perf_counter()
            report = await move_workspace(services.db, seeded.team_id, "b", settle_seconds=0.0)
            ended = time.perf_counter()
            await asyncio.sleep(1.0)
            poster.stop.set()
            await task
    finally:
        await services.db.dispose()
    before = [s for start, s in poster.latencies if start < began]
    during = [s for start, s in poster.latencies if began <= start < ended]
    rows = sum(report.copied.values())
    return {
        "rows": rows,
        "move_seconds": ended - began,
        "rows_per_second": rows / (ended - began),
        "writes_held_seconds": report.held_seconds,
        "resynced_rows": sum(report.resynced.values()),
        "resynced_rows_held": sum(report.resynced_held.values()),
        "post_p50_before_ms": statistics.median(before) * 1000,
        "post_p99_before_ms": _p(before, 0.99) * 1000,
        "post_max_during_ms": max(during) * 1000 if during else 0.0,
        "posts_during_move": len(during),
    }


async def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", required=True, help="postgresql+asyncpg://user@host")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args()
    suffix = secrets.token_hex(3)
    names = {k: f"parley_bench_{k}_{suffix}" for k in ("plain", "primary", "b")}
    for name in names.values():
        await _admin(args.server, f'CREATE DATABASE "{name}"')
    tmp = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="parley-bench-sharding-"))
    try:
        routed = await routing(args.server, names, tmp, args.duration)
        plan = SeedPlan(users=args.users, channels=100, messages=args.messages)
        moved = await move(args.server, names, tmp, plan)
    finally:
        for name in names.values():
            await _admin(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    result = {"routing": routed, "move": moved, "messages": args.messages, "users": args.users}
    print("| figure | value |\n| --- | --- |")
    for section, values in (("routing", routed), ("move", moved)):
        for key, value in values.items():
            print(f"| {section}: {key} | {value:,.3f} |")
    print(json.dumps(result))
    return result


def save(result: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"sharding-{int(time.time())}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    save(asyncio.run(main()))
