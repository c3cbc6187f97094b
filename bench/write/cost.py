"""What one `chat.postMessage` costs the server: CPU time, SQL statements and thread hops.

In-process, so the figure is the server's own work and not the load generator's: the ASGI
app with its lifespan (workers, hub, consumers running) on a throwaway SQLite database (or
`--database-url`), `--senders` concurrent callers posting `--posts` messages into one channel
through httpx's ASGI transport (no sockets: uvicorn's HTTP parsing is not included). CPU is
the process's user + system time over all threads (aiosqlite's included), so it moves far
less with other load on the machine than msgs/s does. Statements are counted on the write
engine. `--profile out.prof` writes a cProfile of the posting phase.

    .venv/bin/python -m bench.write.cost --posts 3000 --senders 10
    PARLEY_SQLITE_WRITER=thread .venv/bin/python -m bench.write.cost --posts 3000
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import event

from bench.realtime.run import seed
from parley.composition import install
from parley.main import build_services, create_app
from parley.platform.settings import Settings


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def call_asgi(app: Any, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
    """One HTTP request straight into the ASGI app: no client library's cost in the figure."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
    }
    sent = False
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # a client that stays connected
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(chunks)


async def post_many(app: Any, token: str, channel: str, count: int) -> int:
    headers = [
        (b"host", b"bench"),
        (b"authorization", f"Bearer {token}".encode()),
        (b"content-type", b"application/x-www-form-urlencoded"),
    ]
    errors = 0
    for n in range(count):
        body = urlencode({"channel": channel, "text": f"message {n} from the cost bench"})
        answer = await call_asgi(app, "/api/chat.postMessage", headers, body.encode())
        errors += b'"ok":true' not in answer
    return errors


async def measure(args: argparse.Namespace, database_url: str, data_dir: Path) -> dict[str, Any]:
    seeded = await seed(database_url, args.senders + 1)
    settings = Settings(data_dir=data_dir, database_url=database_url, rate_limits_enabled=False)
    services = build_services(settings)
    app = create_app(settings, migrate=False, services=services)
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(services.db.write_engine.sync_engine, "before_cursor_execute", count)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.starlette.router.lifespan_context(app.starlette),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as http,
    ):
        owner = {"Authorization": f"Bearer {seeded.owner_token}"}
        made = (
            await http.post(
                "/api/conversations.create", headers=owner, data={"name": f"cost-{os.getpid()}"}
            )
        ).json()
        channel = made["channel"]["id"]
        await http.post(
            "/api/conversations.invite",
            headers=owner,
            data={"channel": channel, "users": ",".join(seeded.user_ids[1:])},
        )
        tokens = seeded.tokens[1 : args.senders + 1]
        await asyncio.gather(*(post_many(app, t, channel, 20) for t in tokens))  # warm up
        per_sender = args.posts // args.senders
        profiler = cProfile.Profile() if args.profile else None
        statements, cpu0, wall0 = 0, cpu_seconds(), time.perf_counter()
        if profiler:
            profiler.enable()
        errors = await asyncio.gather(*(post_many(app, t, channel, per_sender) for t in tokens))
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        cpu, wall = cpu_seconds() - cpu0, time.perf_counter() - wall0
    await services.db.dispose()
    posts = per_sender * args.senders
    return {
        "posts": posts,
        "senders": args.senders,
        "errors": sum(errors),
        "cpu_us_per_post": round(cpu / posts * 1e6, 1),
        "statements_per_post": round(statements / posts, 2),
        "posts_per_s_wall": round(posts / wall, 1),
        "sqlite_writer": os.environ.get("PARLEY_SQLITE_WRITER", "inline"),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", default="", help="write a cProfile of the posting phase")
    args = parser.parse_args()
    install()
    with tempfile.TemporaryDirectory(prefix="parley-cost-") as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/parley.db"
        result = asyncio.run(measure(args, url, Path(tmp)))
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
