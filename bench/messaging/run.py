"""Messaging benchmark on a seeded workspace: chat.postMessage throughput and p50/p99 of
conversations.history (100 messages), search.messages and client.counts (member of many
channels).

    # embedded default (SQLite), smaller workspace
    .venv/bin/python -m bench.messaging.run --users 20000 --channels 1000 --messages 500000
    # PostgreSQL, the issue's size (takes a while to seed; progress is shown)
    .venv/bin/python -m bench.messaging.run --database-url postgresql+asyncpg://... \\
        --users 350000 --channels 10000 --messages 5000000 --owner-channels 1000

Loopback only; every load phase is bounded by --duration.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import tempfile
import time
from pathlib import Path

from rich.progress import Progress, TaskID

from bench.wrk_runner import ROOT, lua_random_get, lua_random_post, run_wrk, start_parley, table
from parley.composition import upgrade_to_head_async
from parley.dev.seed import SeedPlan, SeedResult, seed_workspace
from parley.platform.db import Database

QUERIES = [
    "deploy",
    "customer budget",
    "incident latency",
    '"design review"',
    "security audit",
    "from:me launch",
    "postgres",
    "has:link",
    "roadmap -meeting",
    "outage",
]


async def seed(database_url: str, plan: SeedPlan) -> SeedResult:
    await upgrade_to_head_async(database_url)
    db = Database(database_url)
    tasks: dict[str, TaskID] = {}
    with Progress() as bar:

        def progress(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total)
            bar.update(tasks[label], completed=done)

        result = await seed_workspace(db, plan, progress)
    await db.dispose()
    return result


async def reuse(database_url: str, team_id: str) -> SeedResult:
    """An already seeded workspace: a fresh owner token and its channels (oldest first)."""
    from sqlalchemy import select

    from parley.features.auth.actions import do_issue_token
    from parley.features.users.models import User
    from parley.platform.spaces import Conversation

    db = Database(database_url)
    async with db.write() as uow:
        owner = (
            await uow.session.execute(
                select(User).where(User.workspace_id == team_id, User.is_primary_owner.is_(True))
            )
        ).scalar_one()
        token = await do_issue_token(uow, owner, kind="user", label="bench")
        channels = (
            (
                await uow.session.execute(
                    select(Conversation.id)
                    .where(
                        Conversation.workspace_id == team_id,
                        Conversation.name.like("seed-channel-%"),
                    )
                    .order_by(Conversation.created, Conversation.id)
                )
            )
            .scalars()
            .all()
        )
    await db.dispose()
    return SeedResult(team_id, owner.id, token, list(channels), 0.0)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--channels", type=int, default=1_000)
    parser.add_argument("--messages", type=int, default=500_000)
    parser.add_argument("--owner-channels", type=int, default=1_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--reuse-workspace",
        default="",
        help="Benchmark an already seeded workspace (T…) instead of seeding.",
    )
    args = parser.parse_args()
    database_url = args.database_url or (
        f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp(prefix='parley-bench-')) / 'p.db'}"
    )
    plan = SeedPlan(
        users=args.users,
        channels=args.channels,
        messages=args.messages,
        owner_channels=min(args.owner_channels, args.channels),
    )
    if args.reuse_workspace:
        result = asyncio.run(reuse(database_url, args.reuse_workspace))
    else:
        result = asyncio.run(seed(database_url, plan))
        print(f"seeded {result.team_id} in {result.seconds:.0f}s", flush=True)
    server = start_parley(database_url, 8711)
    base = "http://127.0.0.1:8711"
    mine = result.channel_ids[: plan.owner_channels]
    common = {
        "token": result.owner_token,
        "duration": args.duration,
        "connections": args.connections,
    }
    try:
        rows = {
            "conversations.history limit=100": run_wrk(
                base,
                **common,
                lua=lua_random_get(
                    "/api/conversations.history?limit=100&channel={}", result.channel_ids
                ),
            ),
            "search.messages": run_wrk(
                base,
                **common,
                lua=lua_random_get(
                    "/api/search.messages?count=20&query={}",
                    [q.replace(" ", "%20").replace('"', "%22") for q in QUERIES],
                ),
            ),
            f"client.counts ({len(mine)} channels)": run_wrk(f"{base}/api/client.counts", **common),
            "chat.postMessage": run_wrk(
                base,
                **common,
                lua=lua_random_post(
                    "/api/chat.postMessage", "channel={}&text=benchmark%20message%20", mine
                ),
            ),
        }
    finally:
        stop(server)
    print(table(rows))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"messaging-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps({"args": vars(args), "rows": rows}, indent=2)
    )


if __name__ == "__main__":
    main()
