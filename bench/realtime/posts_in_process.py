"""chat.postMessage in-process: K senders posting N messages each into one channel, through
the ASGI app (no sockets, no other process), to time the write path alone.

With PostgreSQL, a post's cost is mostly round trips to the database; between processes on
a busy machine each one also waits for a core. Here only the database is another process.
Prints posts/s, the POST p50, and (when the tree has it) the mean group-commit size.

    .venv/bin/python -m bench.realtime.posts_in_process \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1/parley_bench

Before/after: run it again with `PYTHONPATH=<other tree>/src`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

import httpx

from bench.realtime.run import api, make_channel, seed
from parley.composition import install
from parley.main import build_services, create_app
from parley.platform import db as platform_db
from parley.platform.settings import Settings


def count_group_sizes(sizes: list[int]) -> None:
    """Record each group's size, on trees whose GroupCommit has `_commit_group`."""
    original = getattr(platform_db.GroupCommit, "_commit_group", None)
    if original is None:
        return

    async def counted(self: Any, batch: list[Any], **options: Any) -> Any:
        sizes.append(len(batch))
        return await original(self, batch, **options)

    platform_db.GroupCommit._commit_group = counted  # type: ignore[method-assign]


async def run(database_url: str, senders: int, per_sender: int) -> dict[str, Any]:
    install()
    seeded = await seed(database_url, senders + 1)  # migrates too
    settings = Settings(database_url=database_url, rate_limits_enabled=False)
    services = build_services(settings)
    app = create_app(settings, migrate=False, services=services, start_workers=False)
    sizes: list[int] = []
    count_group_sizes(sizes)
    latencies: list[float] = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        channel = await make_channel(http, seeded, senders + 1)

        async def sender(token: str) -> None:
            for n in range(per_sender):
                started = time.perf_counter()
                body = await api(http, "chat.postMessage", token, channel=channel, text=f"{n}")
                assert body["ok"], body
                latencies.append((time.perf_counter() - started) * 1000)

        sizes.clear()
        started = time.perf_counter()
        await asyncio.gather(*(sender(token) for token in seeded.tokens[1 : senders + 1]))
        elapsed = time.perf_counter() - started
    await services.db.dispose()
    return {
        "posts_per_s": round(senders * per_sender / elapsed, 1),
        "post_p50_ms": round(statistics.median(latencies), 1),
        "mean_group_size": round(statistics.mean(sizes), 1) if sizes else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--per-sender", type=int, default=30)
    args = parser.parse_args()
    print(asyncio.run(run(args.database_url, args.senders, args.per_sender)))


if __name__ == "__main__":
    main()
