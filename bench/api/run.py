"""Web API overhead benchmark: Parley's `auth.test` and `users.list` (1,000 users) against a
bare ASGI app on the same server stack (uvicorn + uvloop + httptools), in one run.

    .venv/bin/python -m bench.api.run [--duration 10] [--connections 32]

Needs `wrk` (Debian package; the script installs it with apt-get when missing). Loopback
only; each load phase is bounded by --duration. Prints a Markdown table and writes JSON to
bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)
    return shutil.which("wrk") or "wrk"


async def seed(database_url: str, users: int) -> tuple[str, str]:
    """A workspace with `users` people (no passwords: seeding must not spend minutes on argon2)."""
    from parley.core.db import Database
    from parley.core.migrate import upgrade_to_head_async
    from parley.users.actions import do_create_user
    from parley.workspaces.actions import check_create_workspace

    await upgrade_to_head_async(database_url)
    db = Database(database_url)
    async with db.write() as uow:
        created = await check_create_workspace(
            uow, name="Bench", domain="bench", owner_email="owner@bench.example",
            owner_password="bench-password",
        )
        for n in range(users - 1):
            await do_create_user(uow, created.workspace.id, email=f"u{n}@bench.example",
                                 password=None, real_name=f"User {n}")
    await db.dispose()
    return created.workspace.id, created.owner_token


def start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def run_wrk(wrk: str, url: str, token: str | None, duration: int, connections: int
            ) -> dict[str, float]:
    cmd = [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if token:
        cmd[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, flags=re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": _ms(pct["50"]), "p99_ms": _ms(pct["99"]),
            "non_2xx": float(errors.group(1)) if errors else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--users", type=int, default=1000)
    args = parser.parse_args()
    wrk = ensure_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    database_url = f"sqlite+aiosqlite:///{tmp / 'parley.db'}"
    team_id, token = asyncio.run(seed(database_url, args.users))
    env = {**os.environ, "PARLEY_DATABASE_URL": database_url,
           "PARLEY_RATE_LIMITS_ENABLED": "false", "PARLEY_LOG_LEVEL": "warning"}
    parley = start([PYTHON, "-m", "parley.cli.main", "serve", "--port", "8701"], env)
    bare = start([PYTHON, "-m", "uvicorn", "bench.api.bare_app:app", "--port", "8702",
                  "--log-level", "warning", "--loop", "uvloop", "--http", "httptools"],
                 {**env, "PYTHONPATH": str(ROOT)})
    try:
        wait_ready("http://127.0.0.1:8701/healthz")
        wait_ready("http://127.0.0.1:8702/")
        rows = {
            "bare ASGI constant JSON": run_wrk(wrk, "http://127.0.0.1:8702/", None,
                                               args.duration, args.connections),
            "auth.test": run_wrk(wrk, "http://127.0.0.1:8701/api/auth.test", token,
                                 args.duration, args.connections),
            f"users.list ({args.users} users, limit=200)": run_wrk(
                wrk, "http://127.0.0.1:8701/api/users.list?limit=200", token, args.duration,
                args.connections),
        }
    finally:
        for process in (parley, bare):
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    base = rows["bare ASGI constant JSON"]["rps"]
    print(f"| target | req/s | ratio to bare | p50 ms | p99 ms | non-2xx |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, row in rows.items():
        print(f"| {name} | {row['rps']:.0f} | {row['rps'] / base:.2f} | {row['p50_ms']:.2f} | "
              f"{row['p99_ms']:.2f} | {row['non_2xx']:.0f} |")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"api-{stamp}.json").write_text(json.dumps(
        {"args": vars(args), "rows": rows, "team_id": team_id}, indent=2))


if __name__ == "__main__":
    main()
