"""Server-side latency of the hot read methods on a seeded workspace, one request at a time
(no HTTP client or queueing in the figure): p50/p99 over N calls through the ASGI app.

    .venv/bin/python -m bench.messaging.latency --database-url URL --workspace T… [-n 200]
        [--only search.messages] [--gc serve|python]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from typing import Any

from sqlalchemy import select

from parley.features.auth.actions import do_issue_token
from parley.features.users.models import User
from parley.main import create_app, gc_policy_for
from parley.platform.settings import Settings
from parley.platform.spaces import Conversation

QUERIES = [
    "deploy",
    "customer budget",
    "incident latency",
    '"design review"',
    "security audit",
    "postgres",
    "roadmap -meeting",
    "outage",
    "from:me launch",
    "has:link",
]


async def _call(app: Any, path: str, token: str) -> float:
    scope = {
        "type": "http",
        "method": "GET",
        "path": path.split("?")[0],
        "raw_path": path.split("?")[0].encode(),
        "query_string": path.partition("?")[2].encode(),
        "headers": [(b"authorization", f"Bearer {token}".encode()), (b"host", b"bench")],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("bench", 80),
        "client": ("127.0.0.1", 1),
        "root_path": "",
    }
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    began = time.perf_counter()
    await app(scope, receive, send)
    assert status == [200], (path, status)
    return (time.perf_counter() - began) * 1000


def _summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):7.1f} ms   p99 {p99:7.1f} ms   (n={len(ordered)})"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workspace", required=True)
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument(
        "--only", action="append", help="measure only targets whose name starts with this"
    )
    parser.add_argument(
        "--gc",
        choices=("serve", "python"),
        default="serve",
        help="the garbage-collector policy: parley serve's (default) or Python's own",
    )
    args = parser.parse_args()
    app = create_app(
        Settings(database_url=args.database_url, rate_limits_enabled=False),
        migrate=False,
        start_workers=False,
    )
    db = app.state.services.db
    async with db.write() as uow:
        owner = (
            await uow.session.execute(
                select(User).where(
                    User.workspace_id == args.workspace, User.is_primary_owner.is_(True)
                )
            )
        ).scalar_one()
        token = await do_issue_token(uow, owner, kind="user", label="bench")
        channels = list(
            (
                await uow.session.execute(
                    select(Conversation.id)
                    .where(
                        Conversation.workspace_id == args.workspace, Conversation.kind == "channel"
                    )
                    .limit(2000)
                )
            ).scalars()
        )
    # The collector as `parley serve` runs it (decision 0012: start-up objects frozen, a
    # larger gen0 threshold); without it, full collections of the bench's own objects are
    # most of the p99 (measured: each ~120th call, 80-110 ms, on the 500k workspace).
    gc_policy = gc_policy_for(app.state.services) if args.gc == "serve" else None
    if gc_policy is not None:
        gc_policy.start()
    rng = random.Random(3)
    targets = {
        "conversations.history limit=100": lambda: (
            f"/api/conversations.history?limit=100&channel={rng.choice(channels)}"
        ),
        "search.messages": lambda: (
            "/api/search.messages?count=20&query="
            + rng.choice(QUERIES).replace(" ", "%20").replace('"', "%22")
        ),
        "client.counts": lambda: "/api/client.counts",
    }
    for name, path in targets.items():
        if args.only and not any(name.startswith(prefix) for prefix in args.only):
            continue
        for _ in range(5):
            await _call(app, path(), token)  # warm caches and connections
        samples = [await _call(app, path(), token) for _ in range(args.n)]
        print(f"{name:34} {_summary(samples)}")
    if gc_policy is not None:
        await gc_policy.stop()
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
