"""Parley beside Matrix Synapse and ejabberd: the same room fan-out, in one session.

Runs, for each shape (one room/channel of `--users` members, `--senders` senders, each of
`--receivers`, each of `--rates`: 0 = closed loop, else a fixed total msgs/s):

- Parley: `bench/realtime/run.py` (embedded SQLite; with `--pg-url` also one node over
  PostgreSQL, and with `--redis-url` too two nodes over PostgreSQL + Redis; `--systems
  parley-sqlite,parley-1node-pg,parley-2node-pg-redis` runs only Parley's shapes);
- Synapse: the peers' `synapse_bench.py --spawn` (SQLite), with the Python of the venv
  that has matrix-synapse (`--synapse-python`); a fixed rate above what Synapse accepted in
  its closed-loop run of the same shape is skipped (it would only measure a backlog);
- ejabberd: the peers' `xmpp_muc_bench.py` against one ejabberd started here from the
  Debian package with the peers' `ejabberd-bench.yml` (127.0.0.1:5222 only, no Erlang
  distribution), stopped by its PID at the end, its /tmp dir deleted.

The peers' harnesses are used where they are (`--peers-dir`, default ../shared/bench/peers
beside the repository), never copied. Every run's JSON goes to `--out-dir`; the table of
Parley's figures as ratios to each peer's is printed and written beside it (compare.md).
Loopback only, every run bounded by `--duration` (+ drain) and a per-run timeout.

    .venv/bin/python -m bench.realtime.compare --duration 20 --out-dir /tmp/rt-compare \\
        --pg-url postgresql+asyncpg://postgres@127.0.0.1/parley_bench \\
        --redis-url redis://127.0.0.1:6379/0

Parley's shapes only, each also on main's code right after (before/after, same noise):

    git archive main src | tar -x -C /tmp/parley-main
    .venv/bin/python -m bench.realtime.compare --systems \
        parley-sqlite,parley-1node-pg,parley-2node-pg-redis --rates 0 --duration 15 \
        --pg-url postgresql+asyncpg://postgres@127.0.0.1/parley_bench \
        --redis-url redis://127.0.0.1:6379/0 --baseline-src /tmp/parley-main/src
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
EJABBERD_LIBS = "/usr/lib/x86_64-linux-gnu"


@dataclass
class Figures:
    """The figures compared, whatever harness produced them."""

    msgs_per_s: float | None
    deliveries_per_s: float | None
    p50: float | None
    p95: float | None
    p99: float | None
    cpu_pct: float | None
    rss_mib: float | None
    lost: int | None
    cpu_ms_per_msg: float | None = None  # the server's (summed over nodes); Parley only
    db_cpu_ms_per_msg: float | None = None  # PostgreSQL's backends; Parley on PostgreSQL
    cpu_ms_per_msg_above_idle: float | None = None  # the server's, less its idle burn

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def figures_parley(r: dict[str, Any]) -> Figures:
    e2e = r.get("e2e_ms") or [None, None, None]
    return Figures(
        r.get("accepted_per_s"),
        r.get("deliveries_per_s"),
        e2e[0],
        e2e[1],
        e2e[2],
        r.get("server_cpu_pct"),
        r.get("server_rss_mib_peak"),
        (r.get("deliveries_expected") or 0) - (r.get("deliveries_received") or 0),
        r.get("server_cpu_ms_per_msg"),
        r.get("database_cpu_ms_per_msg"),
        r.get("server_cpu_ms_per_msg_above_idle"),
    )


def figures_peer(r: dict[str, Any]) -> Figures:
    send, delivery, server = r.get("send", {}), r.get("delivery", {}), r.get("server", {})
    rss = server.get("rss_mib_peak_during_run", server.get("rss_mib_peak"))
    expected, received = delivery.get("expected"), delivery.get("received")
    return Figures(
        send.get("accepted_per_s"),
        delivery.get("deliveries_per_s"),
        delivery.get("e2e_ms_p50"),
        delivery.get("e2e_ms_p95"),
        delivery.get("e2e_ms_p99"),
        server.get("cpu_pct_during_send"),
        rss,
        None if expected is None or received is None else expected - received,
    )


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run_json(
    command: list[str],
    out: Path,
    timeout: float,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Any:
    """Run one harness; its JSON (written to `out`) or None if it failed."""
    progress(" ".join(command[:2] + [c for c in command[2:] if not c.startswith("/")])[:200])
    log = out.with_suffix(".log")
    with log.open("w") as stream:
        try:
            subprocess.run(
                command,
                stdout=stream,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                cwd=cwd,
                env=env,
            )
        except subprocess.TimeoutExpired:
            progress(f"timed out: {out.name}")
    if not out.exists():
        progress(f"no result: see {log}")
        return None
    return json.loads(out.read_text())


class Ejabberd:
    """One ejabberd from the Debian package, on the peers' config, in a throwaway dir."""

    def __init__(self, peers: Path, work: Path) -> None:
        self.work = work
        (work / "spool").mkdir(parents=True)
        shutil.copy(peers / "ejabberd-bench.yml", work / "ejabberd.yml")
        env = {
            **os.environ,
            "EJABBERD_CONFIG_PATH": str(work / "ejabberd.yml"),
            "EJABBERD_LOG_PATH": str(work / "ejabberd.log"),
            "ERL_LIBS": EJABBERD_LIBS,
            "ERL_INETRC": "/etc/ejabberd/inetrc",
        }
        command = ["erl", "+K", "true", "+P", "250000", "-noinput"]
        command += ["-mnesia", "dir", f'"{work / "spool"}"', "-s", "ejabberd"]
        with (work / "stdout.log").open("w") as stream:
            self.process = subprocess.Popen(
                command, cwd=work, env=env, stdout=stream, stderr=subprocess.STDOUT
            )
        self.pid = self._wait_for_listener()

    def _wait_for_listener(self) -> int:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            listing = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True).stdout
            for line in listing.splitlines():
                if "127.0.0.1:5222 " in line and "pid=" in line:
                    pid = int(line.split("pid=", 1)[1].split(",", 1)[0])
                    if self._is_ours(pid):
                        return pid
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("ejabberd did not start listening on 127.0.0.1:5222")

    def _is_ours(self, pid: int) -> bool:
        """beam.smp is `erl`'s child (or `erl` itself after exec)."""
        if pid == self.process.pid:
            return True
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return int(stat[1]) == self.process.pid
        return False

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError, AttributeError):
            os.kill(self.pid, signal.SIGTERM)
        with contextlib.suppress(ProcessLookupError):
            self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, AttributeError):
                os.kill(self.pid, signal.SIGKILL)
            self.process.kill()
        shutil.rmtree(self.work, ignore_errors=True)


def shape_name(receivers: int, rate: float) -> str:
    return f"r{receivers}-{'max' if not rate else f'rate{rate:g}'}"


def ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None or theirs == 0:
        return "-"
    value = ours / theirs
    return f"{value:.3g}"


def fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.3g}"


METRICS = [
    ("msgs/s", "msgs_per_s"),
    ("deliveries/s", "deliveries_per_s"),
    ("p50 ms", "p50"),
    ("p95 ms", "p95"),
    ("p99 ms", "p99"),
    ("CPU %", "cpu_pct"),
    ("RSS MiB", "rss_mib"),
    ("server CPU ms/msg", "cpu_ms_per_msg"),
    ("PG CPU ms/msg", "db_cpu_ms_per_msg"),
    ("server CPU ms/msg above idle", "cpu_ms_per_msg_above_idle"),
]


# Parley's shapes against each other: PostgreSQL against the embedded default, two nodes
# against one (issue 14's aims: ≥ 0.8 and ≥ 1.8).
PARLEY_PAIRS = [
    ("parley-1node-pg", "parley-sqlite"),
    ("parley-2node-pg-redis", "parley-1node-pg"),
]


# `--baseline-src`: each Parley shape also run right after on that tree's code (e.g. an
# export of main), named with this suffix, so "before" and "after" share the same noise.
BASELINE = "@baseline"


def system_rank(system: str) -> tuple[int, bool]:
    return SYSTEM_ORDER.index(system.removesuffix(BASELINE)), system.endswith(BASELINE)


def tables(results: dict[str, dict[str, Figures | None]]) -> str:
    systems = sorted({s for row in results.values() for s in row}, key=system_rank)
    lines = ["### Absolute figures", ""]
    lines.append("| shape | system | " + " | ".join(m for m, _ in METRICS) + " | lost |")
    lines.append("| --- | --- |" + " --- |" * (len(METRICS) + 1))
    for shape, row in results.items():
        for system in systems:
            figures = row.get(system)
            if figures is None:
                continue
            values = [fmt(getattr(figures, key)) for _, key in METRICS]
            lost = "-" if figures.lost is None else str(figures.lost)
            lines.append(f"| {shape} | {system} | " + " | ".join(values) + f" | {lost} |")
    pairs = [(s, s + BASELINE) for s in systems if s + BASELINE in systems]
    pairs += [(a, b) for a, b in PARLEY_PAIRS if a in systems and b in systems]
    pairs += [
        (ours, peer)
        for ours in systems
        if ours.startswith("parley") and not ours.endswith(BASELINE)
        for peer in systems
        if not peer.startswith("parley")
    ]
    for ours, peer in pairs:
        lines += ["", f"### {ours} / {peer} (throughput: >1 is better; latency: <1 is better)"]
        lines.append("")
        lines.append("| shape | " + " | ".join(m for m, _ in METRICS) + " |")
        lines.append("| --- |" + " --- |" * len(METRICS))
        for shape, row in results.items():
            a, b = row.get(ours), row.get(peer)
            if a is None or b is None:
                continue
            cells = [ratio(getattr(a, key), getattr(b, key)) for _, key in METRICS]
            lines.append(f"| {shape} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


SYSTEM_ORDER = [
    "parley-sqlite",
    "parley-1node-pg",
    "parley-2node-pg-redis",
    "synapse-sqlite",
    "ejabberd",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--receivers", default="10,50", help="comma-separated")
    parser.add_argument("--rates", default="0,5,200", help="total msgs/s, 0 = closed loop")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--systems", default=",".join(SYSTEM_ORDER))
    parser.add_argument("--peers-dir", default=str(ROOT.parent / "shared" / "bench" / "peers"))
    parser.add_argument("--synapse-python", default="/tmp/synapse-venv/bin/python")
    parser.add_argument("--xmpp-python", default="/tmp/xmpp-venv/bin/python")
    parser.add_argument("--parley-port", type=int, default=18420)
    parser.add_argument("--pg-url", default="", help="for the PostgreSQL Parley runs")
    parser.add_argument("--redis-url", default="", help="for the two-node Parley run")
    parser.add_argument("--out-dir", default="/tmp/parley-rt-compare")
    parser.add_argument(
        "--baseline-src",
        default="",
        help="a src/ dir of another Parley (e.g. `git archive main src`): every Parley shape "
        "is also run on it, right after, as <system>@baseline",
    )
    args = parser.parse_args()
    if args.duration > 120:
        sys.exit("--duration is capped at 120 s per run")
    peers = Path(args.peers_dir)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    systems = [s for s in args.systems.split(",") if s]
    if "parley-2node-pg-redis" in systems and not (args.pg_url and args.redis_url):
        systems.remove("parley-2node-pg-redis")
    if "parley-1node-pg" in systems and not args.pg_url:
        systems.remove("parley-1node-pg")
    if args.baseline_src:
        systems = [
            name
            for system in systems
            for name in ([system, system + BASELINE] if system.startswith("parley") else [system])
        ]
    receivers = [int(r) for r in args.receivers.split(",")]
    rates = [float(r) for r in args.rates.split(",")]
    timeout = args.duration + 180
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))

    conditions: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "uptime_before": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        "users": args.users,
        "senders": args.senders,
        "duration": args.duration,
        "baseline_src": args.baseline_src,
    }
    results: dict[str, dict[str, Figures | None]] = {}
    raw: dict[str, dict[str, Any]] = {}
    ejabberd: Ejabberd | None = None
    try:
        if "ejabberd" in systems:
            ejabberd = Ejabberd(peers, Path(f"/tmp/parley-compare-ejabberd-{os.getpid()}"))
        for r in receivers:
            synapse_max: float | None = None
            for rate in sorted(rates):
                shape = shape_name(r, rate)
                row: dict[str, Figures | None] = {}
                common = ["--receivers", str(r), "--senders", str(args.senders)]
                common += ["--rate", f"{rate:g}", "--duration", f"{args.duration:g}"]
                for system in systems:
                    target = out / f"{system}-{shape}.json"
                    target.unlink(missing_ok=True)
                    kind = system.removesuffix(BASELINE)
                    if kind.startswith("parley"):
                        command = [PYTHON, "-m", "bench.realtime.run", "--users", str(args.users)]
                        command += [*common, "--json-out", str(target)]
                        if kind == "parley-2node-pg-redis":
                            command += ["--nodes", "2", "--port", str(args.parley_port + 2)]
                            command += ["--database-url", args.pg_url]
                            command += ["--redis-url", args.redis_url]
                        elif kind == "parley-1node-pg":
                            command += ["--port", str(args.parley_port + 1)]
                            command += ["--database-url", args.pg_url]
                        else:
                            command += ["--port", str(args.parley_port)]
                        env = None
                        if system.endswith(BASELINE):
                            env = {**os.environ, "PYTHONPATH": args.baseline_src}
                        data = run_json(command, target, timeout, cwd=ROOT, env=env)
                        row[system] = figures_parley(data) if data else None
                    elif system == "synapse-sqlite":
                        if rate and synapse_max is not None and rate > synapse_max:
                            progress(f"synapse: {rate:g}/s > its closed-loop {synapse_max}/s: skip")
                            continue
                        command = [args.synapse_python, str(peers / "synapse_bench.py")]
                        command += ["--spawn", "--users", str(args.users), *common]
                        command += ["--json-out", str(target)]
                        data = run_json(command, target, timeout)
                        row[system] = figures_peer(data) if data else None
                        if not rate and data:
                            synapse_max = data["send"]["accepted_per_s"]
                    elif system == "ejabberd" and ejabberd is not None:
                        command = [args.xmpp_python, str(peers / "xmpp_muc_bench.py"), *common]
                        command += ["--server-pid", str(ejabberd.pid), "--room", f"bench-{shape}"]
                        command += ["--json-out", str(target)]
                        data = run_json(command, target, timeout)
                        row[system] = figures_peer(data) if data else None
                    else:
                        continue
                    raw.setdefault(shape, {})[system] = data
                    progress(f"{shape} {system}: {row.get(system)} load {load_average()}")
                results[shape] = row
    finally:
        if ejabberd is not None:
            ejabberd.stop()
        conditions["uptime_after"] = subprocess.run(
            ["uptime"], capture_output=True, text=True
        ).stdout.strip()
        conditions["finished"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        summary = {
            "conditions": conditions,
            "figures": {
                shape: {s: f.as_dict() if f else None for s, f in row.items()}
                for shape, row in results.items()
            },
            "raw": raw,
        }
        (out / "compare.json").write_text(json.dumps(summary, indent=2) + "\n")
    text = "\n".join(
        [
            f"Conditions: {conditions['started']} - {conditions['finished']}; "
            f"before: {conditions['uptime_before']}; after: {conditions['uptime_after']}",
            "",
            tables(results),
        ]
    )
    (out / "compare.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
