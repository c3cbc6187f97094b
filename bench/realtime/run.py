"""Real-time delivery benchmark: N RTM WebSocket clients, K Web API senders, one channel.

Same shape as the peer harnesses in ../shared/bench/peers/ (one room of `--users` members,
`--senders` posting, `--receivers` listening, closed loop or `--rate`, the same percentile
code), with Parley's three calls: rtm.connect + WebSocket (receive), chat.postMessage
(send), and a seeded workspace (register). Reports accepted messages/s, delivery latency
p50/p95/p99/max (from just before the POST to the frame's arrival at each receiver, same
process clock), deliveries/s, server CPU and RSS, client CPU, and with `--idle N` the
server memory per idle connection.

    .venv/bin/python -m bench.realtime.run --users 50 --receivers 10 --senders 10 --duration 30
    .venv/bin/python -m bench.realtime.run --users 50 --receivers 50 --senders 10 --rate 5
    .venv/bin/python -m bench.realtime.run --users 10000 --receivers 10000 --senders 1 --rate 2 \
        --client-procs 4
    .venv/bin/python -m bench.realtime.run --idle 10000 --users 50 --receivers 0 --senders 0

Loopback only; every loop is bounded by count and time. The server is a `parley serve`
subprocess on a throwaway SQLite database (the embedded default) unless --database-url.
With `--nodes 2 --database-url postgresql+asyncpg://… --redis-url redis://…` it starts two
nodes on consecutive ports; receivers and senders alternate between them (so most
deliveries cross the bus) and server CPU/RSS are the sum over the nodes.

    .venv/bin/python -m bench.realtime.run --nodes 2 --port 18410 \
        --database-url postgresql+asyncpg://postgres@127.0.0.1/parley_bench \
        --redis-url redis://127.0.0.1:6379/0 --users 50 --receivers 50 --senders 10

deliveries/s = deliveries received / (send phase + drain until the last one arrived), as
the peers' harnesses compute it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import text as sql_text
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from parley.composition import upgrade_to_head_async
from parley.features.auth.actions import do_issue_token
from parley.features.users.actions import do_create_user
from parley.features.workspaces.actions import check_create_workspace
from parley.platform.db import Database

CLK_TCK = os.sysconf("SC_CLK_TCK")
PYTHON = sys.executable


def pct(values: list[float], p: float) -> float | None:
    """The peers' percentile (nearest rank), so the figures compare."""
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100.0 * len(s) + 0.5) - 1))
    return s[k]


def proc_sample(pid: int) -> tuple[int, float] | None:
    """(RSS bytes, cpu seconds) of a process, from /proc."""
    try:
        with open(f"/proc/{pid}/status") as f:
            rss = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return rss, (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, StopIteration, IndexError, ValueError):
        return None


def proc_sample_all(pids: list[int]) -> tuple[int, float] | None:
    """(RSS bytes, cpu seconds) summed over the server nodes."""
    samples = [proc_sample(pid) for pid in pids]
    if any(sample is None for sample in samples):
        return None
    return sum(s[0] for s in samples if s), sum(s[1] for s in samples if s)


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class DatabaseCpu:
    """CPU seconds of this database's PostgreSQL backends (from /proc: same machine), so the
    database's share of a message is counted too; None on SQLite (it runs in the server)."""

    def __init__(self, database_url: str) -> None:
        self.db = Database(database_url) if database_url.startswith("postgresql") else None

    async def sample(self) -> dict[int, float] | None:
        if self.db is None:
            return None
        async with self.db.read() as session:
            found = await session.execute(
                sql_text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            )
            pids = [int(pid) for (pid,) in found]
        return {pid: s[1] for pid in pids if (s := proc_sample(pid)) is not None}

    @staticmethod
    def used(start: dict[int, float] | None, end: dict[int, float] | None) -> float | None:
        """CPU seconds between the samples (a backend born since started from zero)."""
        if start is None or end is None:
            return None
        return sum(cpu - start.get(pid, 0.0) for pid, cpu in end.items())

    async def close(self) -> None:
        if self.db is not None:
            await self.db.dispose()


@dataclass
class Seeded:
    team_id: str
    owner_token: str
    tokens: list[str]
    user_ids: list[str]
    channel: str = ""  # a channel of every seeded user, when the seed came with one


async def seed(database_url: str, users: int) -> Seeded:
    """A workspace with `users` people holding user tokens (no passwords: no argon2 cost)."""
    await upgrade_to_head_async(database_url)
    db = Database(database_url)
    try:
        async with db.write() as uow:
            created = await check_create_workspace(
                uow,
                name="Bench",
                domain=f"bench-{os.getpid()}",
                owner_email="o@bench.example",
                owner_password="correct-horse-battery",
                owner_name="Owner",
            )
        team_id = created.workspace.id
        tokens, ids = [], []
        for start in range(0, users - 1, 500):
            async with db.write() as uow:
                for n in range(start, min(users - 1, start + 500)):
                    user = await do_create_user(
                        uow,
                        team_id,
                        email=f"u{n}@bench.example",
                        password=None,
                        real_name=f"User {n}",
                        role="member",
                    )
                    tokens.append(await do_issue_token(uow, user, kind="user"))
                    ids.append(user.id)
        return Seeded(
            team_id, created.owner_token, [created.owner_token, *tokens], [created.owner.id, *ids]
        )
    finally:
        await db.dispose()


SEED_CACHE = Path(__file__).resolve().parents[1] / "results" / "seeds"


async def seed_sqlite_cached(database_url: str, db_path: Path, users: int) -> Seeded:
    """Like `seed`, but a SQLite workspace of `users` people is built once and copied for
    every later run (10,000 users take ~200 s to seed; a copy takes well under a second).
    The copy is brought to the current schema, so a cache from older code stays usable."""
    cached_db = SEED_CACHE / f"users-{users}.db"
    cached_meta = SEED_CACHE / f"users-{users}.json"
    if not (cached_db.exists() and cached_meta.exists()):
        SEED_CACHE.mkdir(parents=True, exist_ok=True)
        building = SEED_CACHE / f"users-{users}.building.db"
        building.unlink(missing_ok=True)
        building_url = f"sqlite+aiosqlite:///{building}"
        seeded = await seed(building_url, users)
        seeded.channel = await channel_of_everyone(building_url, seeded, users)
        cached_meta.write_text(json.dumps(seeded.__dict__))
        building.replace(cached_db)  # complete, or not there at all
    shutil.copyfile(cached_db, db_path)
    await upgrade_to_head_async(database_url)
    return Seeded(**json.loads(cached_meta.read_text()))


async def channel_of_everyone(database_url: str, seeded: Seeded, users: int) -> str:
    """Create the bench channel through a server of its own (10,000 invitations are 10,000
    system messages: minutes), so that the cached seed has it."""
    node_dir = Path(tempfile.mkdtemp(prefix="parley-rtm-seed-"))
    server = Server(database_url, free_port(), node_dir)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=600) as http:
            return await make_channel(http, seeded, users)
    finally:
        server.stop()
        shutil.rmtree(node_dir, ignore_errors=True)


class Server:
    """`parley serve` on loopback; stopped by its PID at the end."""

    def __init__(
        self,
        database_url: str,
        port: int,
        data_dir: Path,
        redis_url: str = "",
        gc_tuning: bool = True,
    ) -> None:
        self.gc_log = data_dir / "gc-pauses.log"
        env = {
            **os.environ,
            "PARLEY_REDIS_URL": redis_url,
            "PARLEY_DATABASE_URL": database_url,
            "PARLEY_DATA_DIR": str(data_dir),
            "PARLEY_RATE_LIMITS_ENABLED": "false",
            "PARLEY_LOG_LEVEL": "warning",
            "PARLEY_HOST": "127.0.0.1",
            "PARLEY_PORT": str(port),
            "PARLEY_GC_TUNING": "true" if gc_tuning else "false",
            "PARLEY_GC_PAUSE_LOG": str(self.gc_log),
        }
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [PYTHON, "-m", "parley.cli.main", "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 90  # a busy machine starts slowly
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("parley did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class Stats:
    sent_at: dict[str, float] = field(default_factory=dict)
    accepted: int = 0
    errors: int = 0
    post_ms: list[float] = field(default_factory=list)
    e2e_ms: list[float] = field(default_factory=list)
    # Per message (its text): the latencies of its deliveries, for the slowest-message view.
    by_message: dict[str, list[float]] = field(default_factory=dict)
    received: int = 0
    closed: int = 0
    close_codes: dict[int, int] = field(default_factory=dict)


async def api(http: httpx.AsyncClient, method: str, token: str, **args: Any) -> dict[str, Any]:
    response = await http.post(
        f"/api/{method}", headers={"Authorization": f"Bearer {token}"}, json=args
    )
    body: dict[str, Any] = response.json()
    return body


async def rtm_connect_url(http: httpx.AsyncClient, token: str) -> str:
    """`rtm.connect`'s socket URL for `token`."""
    for attempt in range(6):  # a kept-alive HTTP connection the server just closed: retry
        try:
            body = await api(http, "rtm.connect", token)
            break
        except (httpx.ReadError, httpx.RemoteProtocolError, httpx.ConnectError):
            if attempt == 5:
                raise
            await asyncio.sleep(0.5 * (attempt + 1))  # a saturated machine: give it time
    return str(body["url"])


async def open_socket(http: httpx.AsyncClient, token: str) -> ClientConnection:
    ws = await connect(
        await rtm_connect_url(http, token),
        max_size=None,
        compression=None,
        ping_interval=None,
        open_timeout=60,
    )
    await ws.recv()  # hello
    # Like Slack clients: subscribe to the presence of the people on screen (none here),
    # instead of every presence change in the workspace.
    await ws.send('{"type":"presence_sub","ids":[]}')
    return ws


async def receive(ws: ClientConnection, stats: Stats, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            raw = await asyncio.wait_for(ws.recv(), 0.5)
        except TimeoutError:
            continue
        except ConnectionClosed as closed:
            stats.closed += 1
            code = closed.rcvd.code if closed.rcvd else 1006
            stats.close_codes[code] = stats.close_codes.get(code, 0) + 1
            return
        now = time.perf_counter()
        frame = orjson.loads(raw)
        if frame.get("type") == "message" and "subtype" not in frame:
            sent = stats.sent_at.get(frame["text"])
            if sent is not None:
                stats.received += 1
                stats.e2e_ms.append((now - sent) * 1000)


async def post_one(
    http: httpx.AsyncClient, token: str, channel: str, text: str, stats: Stats
) -> None:
    start = time.perf_counter()
    stats.sent_at[text] = start
    try:
        body = await api(http, "chat.postMessage", token, channel=channel, text=text)
    except httpx.HTTPError:
        stats.errors += 1
        return
    if body.get("ok"):
        stats.accepted += 1
        stats.post_ms.append((time.perf_counter() - start) * 1000)
    else:
        stats.errors += 1


async def send(
    http: httpx.AsyncClient, token: str, channel: str, tag: str, stats: Stats, until: float
) -> None:
    """Closed loop: one request in flight for this sender."""
    n = 0
    while time.perf_counter() < until:
        await post_one(http, token, channel, f"{tag}-{n}", stats)
        n += 1


MAX_INFLIGHT = 200  # the peers' open-loop cap on concurrent sends


async def open_loop(
    senders: list[tuple[httpx.AsyncClient, str]],
    channel: str,
    stats: Stats,
    rate: float,
    until: float,
) -> None:
    """Open loop as the peers' harnesses do it: message i is due at start + i/rate and is
    sent by sender i % K without waiting for earlier answers (at most MAX_INFLIGHT)."""
    cap = asyncio.Semaphore(MAX_INFLIGHT)
    inflight: set[asyncio.Task[None]] = set()

    async def one(i: int) -> None:
        http, token = senders[i % len(senders)]
        async with cap:
            await post_one(http, token, channel, f"s{i % len(senders)}-{i}", stats)

    start = time.perf_counter()
    for i in range(1_000_000):
        due = start + i / rate
        if due >= until:
            break
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        task = asyncio.create_task(one(i))
        inflight.add(task)
        task.add_done_callback(inflight.discard)
    if inflight:
        await asyncio.wait(inflight, timeout=60)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="parley-rtm-bench-"))
    database_url = args.database_url or f"sqlite+aiosqlite:///{work / 'parley.db'}"
    t0 = time.perf_counter()
    users = max(args.users, args.senders)
    if args.database_url or args.fresh_seed:
        seeded = await seed(database_url, users)
    else:
        seeded = await seed_sqlite_cached(database_url, work / "parley.db", users)
    seed_s = time.perf_counter() - t0
    progress(f"seeded {args.users} users in {seed_s:.1f}s; starting parley serve")
    servers: list[Server] = []
    result: dict[str, Any] = {"conditions": vars(args), "seed_s": round(seed_s, 1)}
    try:
        for node in range(args.nodes):
            node_dir = work / f"node{node}"
            node_dir.mkdir()
            servers.append(
                Server(database_url, args.port + node, node_dir, args.redis_url, args.gc == "on")
            )
        pids = [server.process.pid for server in servers]
        idle = proc_sample_all(pids)
        limits = httpx.Limits(max_connections=max(64, args.senders * 2))
        clients = [
            httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) for server in servers
        ]
        try:
            channel = seeded.channel if args.users == len(seeded.user_ids) else ""
            channel = channel or await make_channel(clients[0], seeded, args.users)
            if args.idle:
                result["idle"] = await idle_memory(clients[0], seeded, pids[0], args.idle)
            if args.senders:
                result.update(await load(clients, seeded, channel, pids, args))
        finally:
            for http in clients:
                await http.aclose()
        result["server_rss_mib_idle"] = round(idle[0] / 2**20, 1) if idle else None
        await asyncio.sleep(1.5)  # the servers append their GC pauses once a second
        phases = result.pop("phases", {})
        result["gc"] = gc_report([read_gc_log(server.gc_log) for server in servers], phases)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return result


def read_gc_log(path: Path) -> list[list[str]]:
    """The lines a server's GC policy wrote (`gc <start> <gen> <ms>`, `freeze …`, `thaw …`)."""
    with contextlib.suppress(OSError):
        return [line.split() for line in path.read_text().splitlines() if line.strip()]
    return []


def gc_report(logs: list[list[list[str]]], phases: dict[str, list[float]]) -> dict[str, Any]:
    """The servers' collection pauses by generation in each phase of the run (count,
    p50/p99/max ms), and the objects frozen per socket (the tracked objects a socket holds)."""
    from parley.platform.gc_policy import summarize

    pauses = [
        (float(f[1]), int(f[2]), float(f[3]), float(f[4]) if len(f) > 4 else float(f[3]))
        for log in logs
        for f in log
        if f[0] == "gc"
    ]
    report: dict[str, Any] = {}
    for phase, (begin, end) in phases.items():
        in_phase = [p for p in pauses if begin <= p[0] < end]
        report[phase] = summarize(in_phase)
        report[f"{phase}_cpu"] = summarize(in_phase, cpu=True)  # the collector's own work
    report["whole_run"] = summarize(pauses)
    freezes = [(int(f[2]), int(f[3])) for log in logs for f in log if f[0] == "freeze"]
    report["freezes"] = len(freezes)
    if len(freezes) >= 2 and freezes[-1][0] > freezes[0][0]:
        (sockets0, frozen0), (sockets1, frozen1) = freezes[0], max(freezes)
        report["frozen_objects_per_socket"] = round((frozen1 - frozen0) / (sockets1 - sockets0))
    return report


async def make_channel(http: httpx.AsyncClient, seeded: Seeded, members: int) -> str:
    created = await api(http, "conversations.create", seeded.owner_token, name="bench")
    channel: str = created["channel"]["id"]
    others = seeded.user_ids[1:members]
    for start in range(0, len(others), 1000):
        body = await api(
            http,
            "conversations.invite",
            seeded.owner_token,
            channel=channel,
            users=",".join(others[start : start + 1000]),
        )
        assert body.get("ok"), body
    return channel


async def idle_memory(
    http: httpx.AsyncClient, seeded: Seeded, pid: int, count: int
) -> dict[str, Any]:
    """Open `count` idle sockets (tokens reused round-robin); server RSS delta per socket."""
    before = proc_sample(pid)
    sockets: list[ClientConnection] = []
    t0 = time.perf_counter()
    tokens = seeded.tokens
    for start in range(0, count, 200):
        batch = [
            open_socket(http, tokens[n % len(tokens)])
            for n in range(start, min(count, start + 200))
        ]
        sockets += await asyncio.gather(*batch)
    opened_s = time.perf_counter() - t0
    await asyncio.sleep(3)
    after = proc_sample(pid)
    for ws in sockets:
        await ws.close()
    assert before
    assert after
    return {
        "connections": count,
        "open_s": round(opened_s, 1),
        "server_rss_mib_before": round(before[0] / 2**20, 1),
        "server_rss_mib_after": round(after[0] / 2**20, 1),
        "kib_per_connection": round((after[0] - before[0]) / count / 1024, 1),
    }


class ReceiverProcs:
    """Receivers spread over child processes (`--client-procs`, receiver_proc.py)."""

    def __init__(self, procs: list[asyncio.subprocess.Process]) -> None:
        self.procs = procs

    @classmethod
    async def start(cls, urls: list[str], tokens: list[str], count: int) -> ReceiverProcs:
        procs = []
        for k in range(count):
            proc = await asyncio.create_subprocess_exec(
                PYTHON,
                "-m",
                "bench.realtime.receiver_proc",
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                limit=2**30,  # the arrivals answer is one long line
            )
            await cls._say(proc, json.dumps({"urls": urls, "tokens": tokens[k::count]}))
            procs.append(proc)
        return cls(procs)

    @staticmethod
    async def _say(proc: asyncio.subprocess.Process, line: str) -> None:
        assert proc.stdin is not None
        proc.stdin.write(line.encode() + b"\n")
        await proc.stdin.drain()

    @staticmethod
    async def _hear(proc: asyncio.subprocess.Process) -> dict[str, Any]:
        assert proc.stdout is not None
        heard: dict[str, Any] = json.loads(await proc.stdout.readline())
        return heard

    async def connected(self) -> tuple[int, float, float]:
        """(sockets connected, when the first child began, when the last one finished)."""
        heard = [await self._hear(p) for p in self.procs]
        return (
            sum(int(h["connected"]) for h in heard),
            min(float(h["from"]) for h in heard),
            max(float(h["to"]) for h in heard),
        )

    async def received(self) -> int:
        for proc in self.procs:
            await self._say(proc, "count")
        return sum([int((await self._hear(p))["received"]) for p in self.procs])

    async def stop(self, stats: Stats) -> None:
        """Collect every arrival into `stats` (E2E against the parent's send times)."""
        for proc in self.procs:
            await self._say(proc, "stop")
            heard = await self._hear(proc)
            for text, times in heard["arrivals"].items():
                sent = stats.sent_at.get(text)
                if sent is not None:
                    stats.received += len(times)
                    latencies = [(t - sent) * 1000 for t in times]
                    stats.e2e_ms.extend(latencies)
                    stats.by_message.setdefault(text, []).extend(latencies)
            stats.closed += int(heard["closed"])
            for code, n in heard["close_codes"].items():
                stats.close_codes[int(code)] = stats.close_codes.get(int(code), 0) + int(n)
            await proc.wait()

    def pids(self) -> list[int]:
        return [proc.pid for proc in self.procs]


async def load(
    clients: list[httpx.AsyncClient],
    seeded: Seeded,
    channel: str,
    pids: list[int],
    args: argparse.Namespace,
) -> dict[str, Any]:
    stats = Stats()
    receivers: list[ClientConnection] = []
    # More receivers than users: several sockets per user (devices), round-robin; with
    # several nodes, receiver n connects to node n % nodes.
    tokens = [seeded.tokens[n % len(seeded.tokens)] for n in range(args.receivers)]
    children: ReceiverProcs | None = None
    before_connect = proc_sample_all(pids)
    connect_from = time.perf_counter()
    if args.client_procs > 1:
        urls = [str(http.base_url).rstrip("/") for http in clients]
        children = await ReceiverProcs.start(urls, tokens, args.client_procs)
        connected, connect_from, connect_to = await children.connected()
    else:
        for start in range(0, len(tokens), 100):
            receivers += await asyncio.gather(
                *(
                    open_socket(clients[(start + i) % len(clients)], t)
                    for i, t in enumerate(tokens[start : start + 100])
                )
            )
        connected = len(receivers)
        connect_to = time.perf_counter()
    connect_s = connect_to - connect_from
    progress(f"{connected} connected in {connect_s:.1f}s; sending for {args.duration:.0f}s")
    await asyncio.sleep(2)  # the server's GC policy freezes the burst's objects
    after_connect = proc_sample_all(pids)
    stop = asyncio.Event()
    readers = [asyncio.create_task(receive(ws, stats, stop)) for ws in receivers]
    # The servers' CPU while idle (sockets open, nothing posted: workers, polls, the bus)
    # over this second, so the CPU of the messages themselves can be told apart from it.
    idle_start, idle_t0 = proc_sample_all(pids), time.perf_counter()
    await asyncio.sleep(1)
    idle_end, idle_s = proc_sample_all(pids), time.perf_counter() - idle_t0
    idle_cpu_per_s = idle_end[1] - idle_start[1] if idle_start and idle_end else 0.0
    idle_cpu_per_s /= idle_s
    samples: list[tuple[int, float]] = []
    database_cpu = DatabaseCpu(args.database_url)
    db_start = await database_cpu.sample()
    start_sample, cpu0 = proc_sample_all(pids), client_cpu(children)
    t_start = time.perf_counter()
    until = t_start + args.duration
    pairs = [(clients[(k + 1) % len(clients)], seeded.tokens[-1 - k]) for k in range(args.senders)]
    if args.rate:
        senders = [asyncio.create_task(open_loop(pairs, channel, stats, args.rate, until))]
    else:
        senders = [
            asyncio.create_task(send(http, token, channel, f"s{k}", stats, until))
            for k, (http, token) in enumerate(pairs)
        ]
    while time.perf_counter() < until:
        await asyncio.sleep(0.5)
        sample = proc_sample_all(pids)
        if sample:
            samples.append(sample)
    await asyncio.gather(*senders)
    send_s = time.perf_counter() - t_start
    end_sample, cpu1 = proc_sample_all(pids), client_cpu(children)
    db_cpu_s = database_cpu.used(db_start, await database_cpu.sample())
    await database_cpu.close()
    expected = stats.accepted * args.receivers
    progress(f"{stats.accepted} accepted, {stats.errors} errors; draining deliveries")
    drain_until = time.perf_counter() + 20
    received = stats.received
    while received < expected and time.perf_counter() < drain_until:
        await asyncio.sleep(0.1 if children is None else 0.5)
        received = stats.received if children is None else await children.received()
    total_s = time.perf_counter() - t_start
    stop.set()
    await asyncio.gather(*readers)
    await asyncio.gather(*(ws.close() for ws in receivers))
    if children is not None:
        await children.stop(stats)
    progress(f"{stats.received} of {expected} deliveries received, {stats.closed} closed")
    assert start_sample
    assert end_sample

    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 1)

    return {
        "accepted_per_s": round(stats.accepted / send_s, 1),
        "deliveries_per_s": round(stats.received / total_s, 1),
        "errors": stats.errors,
        "sockets_closed_by_server": stats.closed,
        "close_codes": stats.close_codes,
        "deliveries_expected": expected,
        "deliveries_received": stats.received,
        "post_ms": [r(pct(stats.post_ms, p)) for p in (50, 95, 99)],
        "e2e_ms": [r(pct(stats.e2e_ms, p)) for p in (50, 95, 99)]
        + [r(max(stats.e2e_ms, default=None))],
        "slowest_messages_ms": slowest_messages(stats, r),
        "server_cpu_pct": round((end_sample[1] - start_sample[1]) / send_s * 100, 1),
        # CPU per accepted message, summed over the nodes (and PostgreSQL's backends of this
        # database): flat from one node to two means the nodes add capacity, cores allowing.
        "server_cpu_ms_per_msg": per_message(end_sample[1] - start_sample[1], stats.accepted),
        "database_cpu_ms_per_msg": per_message(db_cpu_s, stats.accepted),
        "server_idle_cpu_pct": round(idle_cpu_per_s * 100, 1),
        # The same, less what the servers burn idle over the send phase: the messages' own.
        "server_cpu_ms_per_msg_above_idle": per_message(
            end_sample[1] - start_sample[1] - idle_cpu_per_s * send_s, stats.accepted
        ),
        "server_rss_mib_peak": round(max(s[0] for s in samples) / 2**20, 1) if samples else None,
        "client_cpu_pct": round((cpu1 - cpu0) / send_s * 100, 1),
        "client_procs": max(1, args.client_procs),
        "connect_s": round(connect_s, 1),
        "kib_per_connection": kib_per_connection(before_connect, after_connect, connected),
        # What connecting costs the server, whatever else shares the cores: the connect
        # time on an idle core is about this × sockets.
        "server_cpu_ms_per_connect": cpu_ms_per_connect(before_connect, after_connect, connected),
        "phases": {
            "connect": [connect_from, connect_to],
            "send_and_drain": [t_start, t_start + total_s],
        },
    }


def per_message(cpu_s: float | None, accepted: int) -> float | None:
    return None if cpu_s is None or not accepted else round(cpu_s * 1000 / accepted, 3)


def cpu_ms_per_connect(
    before: tuple[int, float] | None, after: tuple[int, float] | None, sockets: int
) -> float | None:
    """Server CPU while the sockets connected (rtm.connect, handshake, catch-up), per socket."""
    if before is None or after is None or not sockets:
        return None
    return round((after[1] - before[1]) / sockets * 1000, 2)


def kib_per_connection(
    before: tuple[int, float] | None, after: tuple[int, float] | None, sockets: int
) -> float | None:
    """Server RSS growth while the sockets connected, per socket."""
    if before is None or after is None or not sockets:
        return None
    return round((after[0] - before[0]) / sockets / 1024, 1)


def slowest_messages(stats: Stats, r: Callable[[float | None], float | None]) -> list[Any]:
    """With receivers in child processes: the five messages whose last delivery came
    latest, as [text, p50, max] (is the tail one cold message or all of them?)."""
    worst = sorted(stats.by_message.items(), key=lambda item: -max(item[1]))[:5]
    return [[text, r(pct(times, 50)), r(max(times))] for text, times in worst]


def client_cpu(children: ReceiverProcs | None) -> float:
    """CPU seconds of the load generator: this process and its receiver processes."""
    if children is None:
        return own_cpu()
    sample = proc_sample_all(children.pids())
    return own_cpu() + (sample[1] if sample else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="channel members")
    parser.add_argument("--receivers", type=int, default=10)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--rate", type=float, default=0.0, help="total msgs/s (0 = closed loop)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of sending")
    parser.add_argument("--idle", type=int, default=0, help="idle sockets for memory per socket")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--database-url", default="", help="default: throwaway SQLite")
    parser.add_argument("--redis-url", default="", help="the bus for --nodes > 1")
    parser.add_argument("--nodes", type=int, default=1, help="parley serve nodes (ports +0, +1…)")
    parser.add_argument(
        "--client-procs",
        type=int,
        default=1,
        help="spread the receivers over this many processes (for thousands of sockets)",
    )
    parser.add_argument(
        "--fresh-seed",
        action="store_true",
        help="seed a new SQLite workspace instead of copying the cached one (bench/results/seeds)",
    )
    parser.add_argument(
        "--gc",
        choices=("on", "off"),
        default="on",
        help="the server's garbage-collector policy (PARLEY_GC_TUNING); off = Python's own",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs, each on a fresh server (max 10)"
    )
    parser.add_argument("--json-out", default="")
    args = parser.parse_args()
    if args.duration > 300:
        sys.exit("--duration is capped at 300 s")
    if not 1 <= args.repeat <= 10:
        sys.exit("--repeat is 1 to 10")
    if args.nodes > 1 and not (args.redis_url and args.database_url.startswith("postgres")):
        sys.exit("--nodes > 1 needs --database-url postgresql+asyncpg://… and --redis-url")
    fixed_port = args.port
    # A SIGTERM (e.g. from `timeout`) unwinds normally, so the server is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    with contextlib.suppress(ImportError):
        import uvloop

        uvloop.install()
    runs: list[dict[str, Any]] = []
    for n in range(args.repeat):
        args.port = fixed_port or free_port()
        load_before = load_average()
        result = asyncio.run(run(args))
        result["load_average"] = [load_before, load_average()]
        runs.append(result)
        if args.repeat > 1:
            progress(run_line(n + 1, result))
    text = json.dumps(runs[0] if args.repeat == 1 else {"runs": runs}, indent=2)
    print(text)
    for n, result in enumerate(runs):
        print(run_line(n + 1, result))
    if args.json_out:
        Path(args.json_out).write_text(text + "\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, as `uptime` prints them (the cores are shared)."""
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def run_line(n: int, result: dict[str, Any]) -> str:
    """One run in one line: E2E, connect time, memory, load, and the GC pauses by phase."""
    e2e = result.get("e2e_ms") or [None] * 4
    gc_phases = result.get("gc", {})

    def pauses(phase: str) -> str:
        by_gen = gc_phases.get(phase, {})
        return " ".join(
            f"{gen}:{v['count']}x p50 {v['p50_ms']} p99 {v['p99_ms']} max {v['max_ms']}"
            for gen, v in by_gen.items()
        )

    return (
        f"run {n}: E2E p50/p95/p99/max {e2e[0]}/{e2e[1]}/{e2e[2]}/{e2e[3]} ms, "
        f"delivered {result.get('deliveries_received')}/{result.get('deliveries_expected')}, "
        f"POST p50 {(result.get('post_ms') or [None])[0]} ms, "
        f"connect {result.get('connect_s')} s "
        f"({result.get('server_cpu_ms_per_connect')} ms server CPU each), "
        f"{result.get('kib_per_connection')} KiB/socket, "
        f"load {result['load_average'][0]} -> {result['load_average'][1]}\n"
        f"  GC while connecting: {pauses('connect')}\n"
        f"  GC while sending:    {pauses('send_and_drain')}\n"
        f"  (CPU) connecting:    {pauses('connect_cpu')}\n"
        f"  (CPU) sending:       {pauses('send_and_drain_cpu')}\n"
        f"  frozen objects/socket: {gc_phases.get('frozen_objects_per_socket')}"
    )


if __name__ == "__main__":
    main()
