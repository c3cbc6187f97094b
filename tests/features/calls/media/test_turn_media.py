"""TURN through coturn as Parley runs it: relay-only aiortc peers with Parley-issued
credentials connect and exchange audio; an expired credential and one signed by a secret
that was rotated out get no relay; one signed by the second live secret does."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from parley.features.calls.media.engine import IceServer
from parley.features.calls.media.runtime import MediaRuntime
from parley.features.calls.media.turn import TurnCredentials
from parley.platform.settings import Settings
from tests.features.calls.media.conftest import skip_unless_available
from tests.features.calls.media.netns import JANUS_SIDE
from tests.features.calls.media.peers import Receiver, ToneTrack, peer

pytestmark = pytest.mark.media

LIVE = ["secret-now", "secret-before"]  # the first signs; both are accepted


@pytest.fixture
async def coturn(netns: None, tmp_path: Path) -> AsyncIterator[MediaRuntime]:
    skip_unless_available("turnserver")
    settings = Settings(
        data_dir=tmp_path,
        public_url=f"http://{JANUS_SIDE}:8000",  # devices reach TURN on this host
        media_managed="on",
        turn_secrets=",".join(LIVE),
        turn_port=3478,
        turn_relay_ports="31000-31999",
    )
    runtime = MediaRuntime(settings)
    # The two peers live on this namespace's private addresses: let coturn relay to them.
    await runtime.start_managed(janus=False, allow_private_peers=True)
    assert runtime.coturn is not None
    await runtime.coturn.wait_started()
    await asyncio.sleep(0.5)  # coturn binds its ports just after starting
    yield runtime
    await runtime.stop()


def _servers(runtime: MediaRuntime, secrets: list[str], *, now: int, user: str) -> list[IceServer]:
    credentials = TurnCredentials(urls=runtime.turn.urls, secrets=secrets, ttl=600)
    return credentials.for_user(user, now=now)[0]


async def _relay_candidates(servers: list[IceServer]) -> int:
    pc = peer(servers, relay_only=True)
    pc.createDataChannel("probe")
    try:
        await pc.setLocalDescription(await pc.createOffer())
        return pc.localDescription.sdp.count("typ relay")
    except Exception:  # gathering failed outright: no relay either
        return 0
    finally:
        await pc.close()


async def _relay_call(caller_servers: list[IceServer], callee_servers: list[IceServer]) -> int:
    """Connects two relay-only peers; returns the audio frames the callee decoded."""
    caller = peer(caller_servers, relay_only=True)
    callee = peer(callee_servers, relay_only=True)
    caller.addTrack(ToneTrack())
    receiver = Receiver(callee)
    try:
        await caller.setLocalDescription(await caller.createOffer())
        assert "typ host" not in caller.localDescription.sdp
        assert "typ relay" in caller.localDescription.sdp
        await callee.setRemoteDescription(caller.localDescription)
        await callee.setLocalDescription(await callee.createAnswer())
        await caller.setRemoteDescription(callee.localDescription)
        await receiver.wait_for("audio", 25, within=10)
        assert caller.connectionState == "connected"
        return receiver.frames("audio")
    finally:
        receiver.stop()
        await caller.close()
        await callee.close()


async def test_relay_only_peers_connect_with_parley_credentials(coturn: MediaRuntime) -> None:
    servers, ttl = coturn.ice_servers().for_user("U1", now=int(time.time()))
    assert ttl == coturn.settings.turn_ttl
    assert servers[0].urls == [f"stun:{JANUS_SIDE}:3478"]
    other, _ = coturn.ice_servers().for_user("U2", now=int(time.time()))
    assert await _relay_call(servers, other) >= 25


async def test_the_second_live_secret_is_accepted(coturn: MediaRuntime) -> None:
    now = int(time.time())
    old = _servers(coturn, ["secret-before"], now=now, user="U1")
    new = _servers(coturn, LIVE, now=now, user="U2")
    assert await _relay_call(old, new) >= 25


async def test_expired_and_rotated_out_credentials_get_no_relay(coturn: MediaRuntime) -> None:
    now = int(time.time())
    assert await _relay_candidates(_servers(coturn, LIVE, now=now, user="U1")) >= 1
    expired = _servers(coturn, LIVE, now=now - 3600, user="U1")  # expired 50 minutes ago
    assert await _relay_candidates(expired) == 0
    rotated_out = _servers(coturn, ["secret-long-gone"], now=now, user="U1")
    assert await _relay_candidates(rotated_out) == 0
