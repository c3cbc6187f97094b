"""Fixtures for the real-media tests: a private network namespace, Janus started by
Parley's own supervisor inside it, and aiortc bound to the namespace's peer address."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from parley.features.calls.media.engine import MediaEvent
from parley.features.calls.media.runtime import MediaRuntime
from parley.platform.settings import Settings
from tests.features.calls.media.netns import PEER_SIDE, namespace_unavailable, private_network


def skip_unless_available(*binaries: str) -> None:
    reason = namespace_unavailable()
    if reason is None:
        for binary in binaries:
            if shutil.which(binary) is None:
                reason = f"{binary} is not installed (scripts/install installs it)"
                break
    try:
        import aiortc  # noqa: F401
    except ImportError:
        reason = reason or "aiortc is not installed (dev dependency)"
    if reason:
        pytest.skip(reason)


@pytest.fixture
def netns(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The test runs in its own network namespace; aiortc gathers on the peer side of the
    veth pair (aioice skips loopback, and Janus could not reach it anyway)."""
    skip_unless_available()
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: [PEER_SIDE])
    with private_network():
        yield


class Events:
    """Every MediaEvent the engine reports, with a way to wait for one."""

    def __init__(self) -> None:
        self.seen: list[MediaEvent] = []
        self._changed = asyncio.Event()

    async def __call__(self, event: MediaEvent) -> None:
        self.seen.append(event)
        self._changed.set()

    async def wait(self, kind: str, within: float = 10.0, **match: object) -> MediaEvent:
        async def first() -> MediaEvent:
            while True:
                for event in self.seen:
                    if event.kind == kind and all(
                        getattr(event, key) == value for key, value in match.items()
                    ):
                        return event
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(first(), within)


@pytest.fixture
async def janus_runtime(netns: None, tmp_path: Path) -> AsyncIterator[MediaRuntime]:
    """Janus started and supervised by Parley's runtime, ICE on the veth pair."""
    skip_unless_available("janus")
    settings = Settings(
        data_dir=tmp_path, media_managed="on", ice_interfaces="v0", media_rtp_ports="30000-30999"
    )
    runtime = MediaRuntime(settings)
    await runtime.start_managed(coturn=False)
    assert await runtime.engine.wait_ready(10), runtime.problems
    yield runtime
    await runtime.stop()


@pytest.fixture
def media_events(janus_runtime: MediaRuntime) -> Events:
    events = Events()
    janus_runtime.engine.listen(events)
    return events
