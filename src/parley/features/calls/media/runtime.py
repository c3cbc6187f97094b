"""The media side of a running Parley: the engine over the Janus nodes, the TURN
credentials, and — under `parley serve` — Janus and coturn themselves.

`engine_for(services)` and `ice_servers_for(services)` are what the calls feature uses;
`start_managed_media` / `stop_media` are called by the server's lifespan (main.py), and
`media_status` by `/readyz`.
"""

from __future__ import annotations

import logging
import secrets
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from parley.features.calls.media.config import (
    COTURN_BINARY,
    JANUS_BINARY,
    comma_list,
    manage_coturn,
    manage_janus,
    parse_janus_urls,
)
from parley.features.calls.media.engine import IceServer, IceServers, MediaEngine
from parley.features.calls.media.janus_engine import JanusEngine
from parley.features.calls.media.supervisor import (
    CoturnSetup,
    JanusSetup,
    ManagedProcess,
    wait_for_janus,
    write_coturn_config,
    write_janus_config,
    write_private,
)
from parley.features.calls.media.turn import TurnCredentials
from parley.platform.services import Services
from parley.platform.settings import Settings

log = logging.getLogger("parley.calls.media")

_STATE_KEY = "calls.media"


class MediaRuntime:
    """One per running server (kept in `services.feature_state`)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = JanusEngine(parse_janus_urls(settings.janus_urls))
        self.turn = TurnCredentials(
            urls=comma_list(settings.turn_urls),
            secrets=comma_list(settings.turn_secrets),
            ttl=settings.turn_ttl,
        )
        self.janus: ManagedProcess | None = None
        self.janus_setup: JanusSetup | None = None
        self.coturn: ManagedProcess | None = None
        self.coturn_setup: CoturnSetup | None = None
        self.problems: list[str] = []

    @property
    def media_dir(self) -> Path:
        return self.settings.data_dir / "media"

    async def start_managed(
        self,
        *,
        janus: bool = True,
        coturn: bool = True,
        allow_loopback_peers: bool = False,
        allow_private_peers: bool = False,
    ) -> None:
        """Starts Janus and coturn when the settings ask for managed media (`janus`/`coturn`
        False leave one out; the peer flags let a test relay to its own addresses). Never
        raises for a missing binary: calls report it (chat keeps working)."""
        if janus and manage_janus(self.settings):
            await self._start_janus()
        if coturn and manage_coturn(self.settings):
            self._start_coturn(allow_loopback_peers, allow_private_peers)

    async def _start_janus(self) -> None:
        if shutil.which(JANUS_BINARY) is None:
            self._problem("janus is not installed (PARLEY_MEDIA_MANAGED=on); calls have no media")
            return
        settings = self.settings
        self.janus_setup = write_janus_config(
            self.media_dir / "janus",
            port=settings.janus_port,
            admin_port=settings.janus_admin_port,
            ice_interfaces=settings.ice_interfaces,
            rtp_ports=settings.media_rtp_ports,
        )
        self.janus = ManagedProcess("janus", self.janus_setup.argv(), self.media_dir / "janus.log")
        self.janus.start()
        if not await wait_for_janus(self.janus_setup.node):
            self._problem(f"janus did not answer; see {self.media_dir / 'janus.log'}")
        self.engine.add_node(self.janus_setup.node)

    def _start_coturn(self, allow_loopback_peers: bool, allow_private_peers: bool) -> None:
        if shutil.which(COTURN_BINARY) is None:
            self._problem("coturn is not installed (PARLEY_MEDIA_MANAGED=on); no TURN relay")
            return
        settings = self.settings
        host = urlsplit(settings.base_url).hostname or "127.0.0.1"
        turn_secrets = comma_list(settings.turn_secrets) or [self._generated_turn_secret()]
        self.coturn_setup = write_coturn_config(
            self.media_dir / "turnserver.conf",
            secrets_=turn_secrets,
            realm=host,
            port=settings.turn_port,
            relay_ports=settings.turn_relay_ports,
            allow_loopback_peers=allow_loopback_peers,
            allow_private_peers=allow_private_peers,
        )
        self.coturn = ManagedProcess(
            "coturn", self.coturn_setup.argv(), self.media_dir / "turnserver.log"
        )
        self.coturn.start()
        self.turn = TurnCredentials(
            urls=self.coturn_setup.urls(host), secrets=turn_secrets, ttl=settings.turn_ttl
        )

    def _generated_turn_secret(self) -> str:
        """A secret kept in the data directory, so credentials survive a restart."""
        path = self.media_dir / "turn-secret"
        if path.exists():
            return path.read_text().strip()
        secret = secrets.token_urlsafe(32)
        write_private(path, secret + "\n")
        return secret

    def _problem(self, message: str) -> None:
        log.error("%s", message)
        self.problems.append(message)

    def ice_servers(self) -> IceServers:
        """TURN/STUN for devices: the runtime's current credentials at each call."""
        return _LiveIceServers(self)

    async def stop(self) -> None:
        await self.engine.close()
        for process in (self.janus, self.coturn):
            if process is not None:
                await process.stop()

    async def status(self) -> dict[str, Any]:
        """For /readyz: whether calls have media, without failing readiness."""
        nodes = await self.engine.nodes()
        healthy = [node for node in nodes if node.healthy]
        state = (
            "not_configured"
            if not nodes
            else "ok"
            if len(healthy) == len(nodes)
            else "degraded"
            if healthy
            else "unavailable"
        )
        body: dict[str, Any] = {
            "state": state,
            "nodes": [{"id": node.node_id, "healthy": node.healthy} for node in nodes],
            "turn": bool(self.turn.urls),
        }
        if self.janus is not None or self.coturn is not None:
            body["managed"] = {
                name: process.running
                for name, process in (("janus", self.janus), ("coturn", self.coturn))
                if process is not None
            }
        if self.problems:
            body["problems"] = list(self.problems)
        return body


class _LiveIceServers:
    """The runtime's current TURN credentials (managed coturn replaces them at start)."""

    def __init__(self, runtime: MediaRuntime) -> None:
        self._runtime = runtime

    def for_user(self, user_id: str, *, now: int) -> tuple[list[IceServer], int]:
        return self._runtime.turn.for_user(user_id, now=now)


def runtime_for(services: Services) -> MediaRuntime:
    runtime = services.feature_state.get(_STATE_KEY)
    if runtime is None:
        runtime = MediaRuntime(services.settings)
        services.feature_state[_STATE_KEY] = runtime
    assert isinstance(runtime, MediaRuntime)
    return runtime


def engine_for(services: Services) -> MediaEngine:
    return runtime_for(services).engine


def ice_servers_for(services: Services) -> IceServers:
    return runtime_for(services).ice_servers()


async def start_managed_media(services: Services) -> None:
    """`parley serve`: run Janus/coturn when installed and not pointed elsewhere."""
    await runtime_for(services).start_managed()


async def stop_media(services: Services) -> None:
    runtime = services.feature_state.pop(_STATE_KEY, None)
    if isinstance(runtime, MediaRuntime):
        await runtime.stop()


async def media_status(services: Services) -> dict[str, Any]:
    return await runtime_for(services).status()
