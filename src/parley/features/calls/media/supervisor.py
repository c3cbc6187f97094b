"""Runs Janus and coturn for `parley serve`: generated configuration in the data directory,
restarted with backoff when they die, stopped on shutdown.

Everything generated is private to Parley: the Janus HTTP and admin APIs listen on
127.0.0.1 only, with random secrets written to files only the owner can read; the sample
rooms and every plugin and transport Parley does not use are left out. coturn checks the
shared-secret credentials Parley hands out (turn.py) and refuses loopback and private peers
unless a test asks for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import glob
import logging
import os
import re
import secrets
import signal
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from parley.features.calls.media.config import (
    COTURN_BINARY,
    JANUS_BINARY,
    JanusNodeConfig,
    port_range,
)

log = logging.getLogger("parley.calls.media")

MANAGED_NODE_ID = "local"
_PRIVATE = 0o600


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def write_private(path: Path, text: str) -> None:
    """Writes a file only its owner can read: it holds secrets."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _PRIVATE)
    with os.fdopen(fd, "w") as file:
        file.write(text)
    os.chmod(path, _PRIVATE)  # an existing file keeps its mode through O_CREAT


def _jcfg_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def janus_library_folder(kind: str) -> Path | None:
    """Where the installed Janus keeps its `plugins`/`transports`/`events`/`loggers`."""
    packaged = Path("/etc/janus/janus.jcfg")
    if packaged.exists():
        match = re.search(rf'^\s*{kind}_folder\s*=\s*"([^"]+)"', packaged.read_text(), re.M)
        if match and Path(match.group(1)).is_dir():
            return Path(match.group(1))
    for pattern in (
        f"/usr/lib/*/janus/{kind}",
        f"/usr/lib/janus/{kind}",
        f"/opt/janus/lib/janus/{kind}",
    ):
        for found in sorted(glob.glob(pattern)):
            return Path(found)
    return None


def _libraries_except(kind: str, keep: Sequence[str]) -> str:
    """Comma list of the installed Janus libraries of `kind`, less `keep` (to disable)."""
    folder = janus_library_folder(kind)
    if folder is None:
        return ""
    names = sorted({p.name for p in folder.glob("libjanus_*.so")} - set(keep))
    return ",".join(names)


@dataclass(frozen=True)
class JanusSetup:
    """One generated Janus configuration: where it is and how Parley reaches it."""

    config_dir: Path
    port: int
    admin_port: int
    api_secret: str
    admin_secret: str
    ice_interfaces: str = ""
    rtp_ports: str = "20000-40000"

    @property
    def node(self) -> JanusNodeConfig:
        return JanusNodeConfig(
            node_id=MANAGED_NODE_ID,
            url=f"http://127.0.0.1:{self.port}/janus",
            api_secret=self.api_secret,
            admin_url=f"http://127.0.0.1:{self.admin_port}/admin",
            admin_secret=self.admin_secret,
        )

    def argv(self) -> list[str]:
        return [JANUS_BINARY, "-F", str(self.config_dir), "-C", str(self.config_dir / "janus.jcfg")]


def write_janus_config(
    config_dir: Path,
    *,
    port: int = 0,
    admin_port: int = 0,
    ice_interfaces: str = "",
    rtp_ports: str = "20000-40000",
) -> JanusSetup:
    """Writes janus.jcfg, the HTTP transport's and the VideoRoom's configuration (no sample
    rooms) into `config_dir`, with new random secrets."""
    port_range(rtp_ports)  # refuse a malformed range before Janus does, obscurely
    setup = JanusSetup(
        config_dir=config_dir,
        port=port or free_port(),
        admin_port=admin_port or free_port(),
        api_secret=secrets.token_urlsafe(24),
        admin_secret=secrets.token_urlsafe(24),
        ice_interfaces=ice_interfaces,
        rtp_ports=rtp_ports,
    )
    folders = {
        kind: janus_library_folder(kind) for kind in ("plugins", "transports", "events", "loggers")
    }
    folder_lines = "".join(
        f"\t{kind}_folder = {_jcfg_string(str(path))}\n" for kind, path in folders.items() if path
    )
    enforce = f"\tice_enforce_list = {_jcfg_string(ice_interfaces)}\n" if ice_interfaces else ""
    write_private(
        config_dir / "janus.jcfg",
        "general: {\n"
        f"\tconfigs_folder = {_jcfg_string(str(config_dir))}\n"
        f"{folder_lines}"
        "\tdebug_level = 3\n"
        "\tdebug_colors = false\n"
        "\tlog_to_stdout = true\n"
        f"\tapi_secret = {_jcfg_string(setup.api_secret)}\n"
        f"\tadmin_secret = {_jcfg_string(setup.admin_secret)}\n"
        "\tsession_timeout = 60\n"
        "\thide_dependencies = true\n"
        "}\n"
        "media: {\n"
        f"\trtp_port_range = {_jcfg_string(rtp_ports)}\n"
        "\tslowlink_threshold = 4\n"  # lost packets a second that make a slowlink event
        "}\n"
        "nat: {\n"
        "\tnice_debug = false\n"
        "\tignore_mdns = true\n"
        f"{enforce}"
        "}\n"
        "plugins: {\n"
        f"\tdisable = {_jcfg_string(_libraries_except('plugins', ['libjanus_videoroom.so']))}\n"
        "}\n"
        "transports: {\n"
        f"\tdisable = {_jcfg_string(_libraries_except('transports', ['libjanus_http.so']))}\n"
        "}\n"
        "loggers: {\n"
        f"\tdisable = {_jcfg_string(_libraries_except('loggers', []))}\n"
        "}\n"
        "events: {\n"
        "\tbroadcast = false\n"
        f"\tdisable = {_jcfg_string(_libraries_except('events', []))}\n"
        "}\n",
    )
    write_private(
        config_dir / "janus.transport.http.jcfg",
        "general: {\n"
        '\tjson = "plain"\n'
        '\tbase_path = "/janus"\n'
        "\thttp = true\n"
        f"\tport = {setup.port}\n"
        '\tip = "127.0.0.1"\n'
        "\thttps = false\n"
        "}\n"
        "admin: {\n"
        '\tadmin_base_path = "/admin"\n'
        "\tadmin_http = true\n"
        f"\tadmin_port = {setup.admin_port}\n"
        '\tadmin_ip = "127.0.0.1"\n'
        "\tadmin_https = false\n"
        "}\n"
        "cors: {\n}\n",
    )
    # No rooms here: Parley creates each call's room with a random id and secret.
    write_private(config_dir / "janus.plugin.videoroom.jcfg", "general: {\n}\n")
    return setup


@dataclass(frozen=True)
class CoturnSetup:
    config_file: Path
    port: int
    secrets: list[str]
    realm: str
    listening_ips: list[str] = field(default_factory=list)

    def argv(self) -> list[str]:
        return [COTURN_BINARY, "-c", str(self.config_file)]

    def urls(self, host: str) -> list[str]:
        """What a device is given: STUN and TURN over UDP and TCP on `host`."""
        return [
            f"stun:{host}:{self.port}",
            f"turn:{host}:{self.port}?transport=udp",
            f"turn:{host}:{self.port}?transport=tcp",
        ]


def write_coturn_config(
    config_file: Path,
    *,
    secrets_: list[str],
    realm: str,
    port: int = 3478,
    relay_ports: str = "49152-65535",
    listening_ips: Sequence[str] = (),
    allow_loopback_peers: bool = False,
    allow_private_peers: bool = False,
) -> CoturnSetup:
    """turnserver.conf for the shared-secret scheme (every secret accepted), no CLI, no
    TLS (browsers reach TURN over UDP/TCP; TLS belongs to a proxy in front), and peers on
    loopback and private ranges refused so TURN cannot reach into the server's network."""
    low, high = port_range(relay_ports)
    if not secrets_:
        raise ValueError("coturn needs at least one shared secret")
    lines = [
        f"listening-port={port}",
        *(f"listening-ip={ip}" for ip in listening_ips),
        f"min-port={low}",
        f"max-port={high}",
        "fingerprint",
        "use-auth-secret",
        *(f"static-auth-secret={secret}" for secret in secrets_),
        f"realm={realm}",
        "no-cli",
        "no-tls",
        "no-dtls",
        "no-multicast-peers",
        "no-software-attribute",
        "log-file=stdout",
        "simple-log",
        f"pidfile={config_file.parent / 'turnserver.pid'}",
    ]
    if allow_loopback_peers:
        lines.append("allow-loopback-peers")
    if not allow_private_peers:
        lines += [
            f"denied-peer-ip={low_}-{high_}"
            for low_, high_ in (
                ("0.0.0.0", "0.255.255.255"),  # noqa: S104 - a range to refuse, not a bind
                ("10.0.0.0", "10.255.255.255"),
                ("100.64.0.0", "100.127.255.255"),
                ("169.254.0.0", "169.254.255.255"),
                ("172.16.0.0", "172.31.255.255"),
                ("192.168.0.0", "192.168.255.255"),
            )
        ]
    write_private(config_file, "\n".join(lines) + "\n")
    return CoturnSetup(
        config_file=config_file,
        port=port,
        secrets=list(secrets_),
        realm=realm,
        listening_ips=list(listening_ips),
    )


def _die_with_parent() -> None:
    """In the child: SIGTERM when Parley dies without stopping it (Linux), so a crashed
    server leaves no Janus holding its ports."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class ManagedProcess:
    """One child process kept running: restarted after a crash with a growing pause (0.5 s
    doubling to 30 s; back to 0.5 s once it has run a minute), stopped with SIGTERM, then
    SIGKILL after a grace."""

    def __init__(self, name: str, argv: list[str], log_file: Path) -> None:
        self.name = name
        self.argv = argv
        self.log_file = log_file
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.last_exit: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._started = asyncio.Event()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process and self.process.returncode is None else None

    @property
    def running(self) -> bool:
        return self.pid is not None

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._keep_running(), name=f"media-{self.name}")

    async def wait_started(self, within: float = 5.0) -> None:
        await asyncio.wait_for(self._started.wait(), within)

    async def _keep_running(self) -> None:
        pause = 0.5
        while not self._stopping:
            began = time.monotonic()
            try:
                await self._run_once()
            except OSError as error:  # the binary vanished or cannot run
                log.error("%s could not start: %s", self.name, error)
            if self._stopping:
                return
            if time.monotonic() - began > 60:
                pause = 0.5
            log.warning("%s exited (%s); restarting in %.1fs", self.name, self.last_exit, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 30.0)

    async def _run_once(self) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as output:  # noqa: ASYNC230 - a local file, at start
            self.process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=output,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C on `parley serve` is ours to pass on
                preexec_fn=_die_with_parent,
            )
        self.starts += 1
        self._started.set()
        log.info("%s started (pid %s)", self.name, self.process.pid)
        self.last_exit = await self.process.wait()

    async def stop(self, grace: float = 5.0) -> None:
        self._stopping = True
        process = self.process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), grace)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


async def wait_for_janus(node: JanusNodeConfig, within: float = 10.0) -> bool:
    """Whether Janus answers `info` within `within` seconds (it takes a moment to load)."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=1.0) as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                response = await client.get(f"{node.url}/info")
                if response.status_code == 200 and response.json().get("janus") == "server_info":
                    return True
            await asyncio.sleep(0.1)
    return False
