"""Web API overhead benchmark: Parley's `auth.test` and `users.list` (1,000 users) against a
bare ASGI app on the same server stack (uvicorn + uvloop + httptools), in one run.

    .venv/bin/python -m bench.api.run [--duration 10] [--connections 32]

Needs `wrk` (Debian package; installed with apt-get when missing). Loopback only; each
load phase is bounded by --duration. Prints a Markdown table and writes JSON to
bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench.wrk_runner import PYTHON, ROOT, run_wrk, start_parley, wait_ready


async def seed(database_url: str, users: int) -> str:
    """A workspace with `users` people (no passwords: seeding must not spend minutes on argon2)."""
    from parley.composition import upgrade_to_head_async
    from parley.features.users.actions import do_create_user
    from parley.features.workspaces.actions import check_create_workspace
    from parley.platform.db import Database

    await upgrade_to_head_async(database_url)
    db = Database(database_url)
    async with db.write() as uow:
        created = await check_create_workspace(
            uow,
            name="Bench",
            domain="bench",
            owner_email="owner@bench.example",
            owner_password="bench-password",
        )
        for n in range(users - 1):
            await do_create_user(
                uow,
                created.workspace.id,
                email=f"u{n}@bench.example",
                password=None,
                real_name=f"User {n}",
            )
    await db.dispose()
    return created.owner_token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--users", type=int, default=1000)
    args = parser.parse_args()
    database_url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'parley.db'}"
    token = asyncio.run(seed(database_url, args.users))
    parley = start_parley(database_url, 8701)
    bare = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "uvicorn",
            "bench.api.bare_app:app",
            "--port",
            "8702",
            "--log-level",
            "warning",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
    )
    load = {"duration": args.duration, "connections": args.connections}
    try:
        wait_ready("http://127.0.0.1:8702/")
        rows = {
            "bare ASGI constant JSON": run_wrk("http://127.0.0.1:8702/", token=None, **load),
            "auth.test": run_wrk("http://127.0.0.1:8701/api/auth.test", token=token, **load),
            f"users.list ({args.users} users, limit=200)": run_wrk(
                "http://127.0.0.1:8701/api/users.list?limit=200", token=token, **load
            ),
        }
    finally:
        for process in (parley, bare):
            process.terminate()
            process.wait(timeout=10)
    base = rows["bare ASGI constant JSON"]["rps"]
    print("| target | req/s | ratio to bare | p50 ms | p99 ms | non-2xx |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, row in rows.items():
        print(
            f"| {name} | {row['rps']:.0f} | {row['rps'] / base:.2f} | {row['p50_ms']:.2f} | "
            f"{row['p99_ms']:.2f} | {row['non_2xx']:.0f} |"
        )
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"api-{stamp}.json").write_text(
        json.dumps({"args": vars(args), "rows": rows}, indent=2)
    )


if __name__ == "__main__":
    main()
