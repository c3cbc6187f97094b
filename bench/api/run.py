"""Web API overhead benchmark: Parley's `auth.test` and `users.list` (1,000 users) against a
bare ASGI app on the same server stack (uvicorn + uvloop + httptools), in one run.

    .venv/bin/python -m bench.api.run [--duration 10] [--connections 32] [--before-src DIR]

With --before-src (a `src/` of an older checkout, e.g. `git archive <commit> src | tar -x`),
a second Parley server runs that code on its own copy of the workspace, and every Parley
target is measured against both, interleaved: before/after figures from one run.

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


def _seed_with(src: Path, database_url: str, users: int) -> str:
    """Seed with another checkout's code (its migrations and actions), in a subprocess."""
    code = (
        "import asyncio, sys; from bench.api.run import seed; "
        "print(asyncio.run(seed(sys.argv[1], int(sys.argv[2]))))"
    )
    done = subprocess.run(
        [PYTHON, "-c", code, database_url, str(users)],
        env={**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{ROOT}"},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8701, help="first of three ports used")
    parser.add_argument("--before-src", type=Path, help="an older checkout's src/ to compare")
    args = parser.parse_args()
    database_url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'parley.db'}"
    token = asyncio.run(seed(database_url, args.users))
    parley_port, bare_port, before_port = args.port, args.port + 1, args.port + 2
    parley = start_parley(database_url, parley_port)
    servers = [parley]
    before_token = None
    if args.before_src:
        before_url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'parley.db'}"
        before_token = _seed_with(args.before_src, before_url, args.users)
        servers.append(
            start_parley(before_url, before_port, PYTHONPATH=str(args.before_src.resolve()))
        )
    bare = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "uvicorn",
            "bench.api.bare_app:app",
            "--port",
            str(bare_port),
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
    servers.append(bare)
    load = {"duration": args.duration, "connections": args.connections}
    targets = {
        "auth.test": "auth.test",
        f"users.list ({args.users} users, limit=200)": "users.list?limit=200",
    }
    try:
        wait_ready(f"http://127.0.0.1:{bare_port}/")
        rows = {
            "bare ASGI constant JSON": run_wrk(f"http://127.0.0.1:{bare_port}/", token=None, **load)
        }
        for name, path in targets.items():
            if before_token is not None:
                rows[f"{name}, before"] = run_wrk(
                    f"http://127.0.0.1:{before_port}/api/{path}", token=before_token, **load
                )
            rows[name] = run_wrk(f"http://127.0.0.1:{parley_port}/api/{path}", token=token, **load)
    finally:
        for process in servers:
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
        json.dumps({"args": vars(args), "rows": rows}, indent=2, default=str)
    )


if __name__ == "__main__":
    main()
