"""Shared helpers for benchmarks: start a Parley server subprocess and drive it with wrk."""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)
    return shutil.which("wrk") or "wrk"


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def start_parley(database_url: str, port: int, **env_extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PARLEY_DATABASE_URL": database_url,
        "PARLEY_RATE_LIMITS_ENABLED": "false",
        "PARLEY_LOG_LEVEL": "warning",
        **env_extra,
    }
    process = subprocess.Popen(
        [PYTHON, "-m", "parley.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_ready(f"http://127.0.0.1:{port}/healthz")
    return process


def _ms(value: str) -> float:
    match = re.match(r"([\d.]+)(\w+)", value)
    assert match, value
    return float(match.group(1)) * _UNITS[match.group(2)]


def run_wrk(
    url: str, *, token: str | None, duration: int, connections: int, lua: str | None = None
) -> dict[str, float]:
    """Requests/s, p50/p99 latency (ms) and error count of one bounded wrk run."""
    cmd = [ensure_wrk(), "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    script_dir = None
    if lua:
        script_dir = tempfile.mkdtemp()
        script = Path(script_dir) / "load.lua"
        script.write_text(lua)
        cmd += ["-s", str(script)]
    try:
        out = subprocess.run([*cmd, url], check=True, capture_output=True, text=True).stdout
    finally:
        if script_dir:
            shutil.rmtree(script_dir, ignore_errors=True)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, flags=re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert rps, out
    return {
        "rps": float(rps.group(1)),
        "p50_ms": _ms(pct["50"]),
        "p99_ms": _ms(pct["99"]),
        "non_2xx": float(errors.group(1)) if errors else 0.0,
    }


def lua_random_get(path_template: str, values: list[str]) -> str:
    """A wrk script that GETs `path_template` with `{}` replaced by a random value."""
    quoted = ",".join(f'"{v}"' for v in values)
    before, _, after = path_template.partition("{}")
    return (
        f"local values = {{{quoted}}}\n"
        "math.randomseed(42)\n"
        "request = function()\n"
        "  local v = values[math.random(#values)]\n"
        f'  return wrk.format("GET", "{before}" .. v .. "{after}")\n'
        "end\n"
    )


def lua_random_post(path: str, body_template: str, values: list[str]) -> str:
    """A wrk script that POSTs a form body with `{}` replaced by a random value."""
    quoted = ",".join(f'"{v}"' for v in values)
    before, _, after = body_template.partition("{}")
    return (
        f"local values = {{{quoted}}}\n"
        "local n = 0\n"
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        "request = function()\n"
        "  n = n + 1\n"
        "  local v = values[math.random(#values)]\n"
        f'  return wrk.format("POST", "{path}", nil, "{before}" .. v .. "{after}" .. n)\n'
        "end\n"
    )


def table(rows: dict[str, dict[str, float]]) -> str:
    lines = ["| target | req/s | p50 ms | p99 ms | non-2xx |", "| --- | --- | --- | --- | --- |"]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {row['rps']:.0f} | {row['p50_ms']:.2f} | "
            f"{row['p99_ms']:.2f} | {row['non_2xx']:.0f} |"
        )
    return "\n".join(lines)


def create_workspace(database_url: str, name: str = "Bench") -> dict[str, Any]:
    """A fresh workspace through the CLI (`parley workspace create --json`): its id, owner
    and owner token. The domain is made unique so benches can share one database."""
    slug = f"{name.lower()}{int(time.time() * 1000) % 10**9}"
    out = subprocess.run(
        [
            PYTHON,
            "-m",
            "parley.cli.main",
            "workspace",
            "create",
            "--name",
            name,
            "--domain",
            slug,
            "--owner-email",
            f"o@{name.lower()}.example",
            "--owner-password",
            "long-enough-pw",
            "--database-url",
            database_url,
            "--json",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result
