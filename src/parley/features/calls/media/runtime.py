"""Which media engine and ICE servers this Parley uses.

This minimal version has no media servers: `NoMedia` lists no nodes and refuses every media
request with `MediaUnavailable`, so call state works and media methods answer
`media_unavailable`. The Janus/coturn version (another branch) replaces this module.
"""

from __future__ import annotations

from typing import Any

from parley.features.calls.media.engine import (
    Endpoint,
    IceServer,
    IceServers,
    Jsep,
    MediaEngine,
    MediaListener,
    MediaUnavailable,
    NodeHealth,
    RoomRef,
)
from parley.platform.services import Services


class NoMedia:
    """A MediaEngine with no nodes."""

    async def nodes(self) -> list[NodeHealth]:
        return []

    async def open_room(self, node_id: str, *, max_publishers: int, audio_only: bool) -> RoomRef:
        raise MediaUnavailable("no media server is configured")

    async def close_room(self, room: RoomRef) -> None:
        return None

    async def publish(
        self, room: RoomRef, *, feed: int, display: str, offer: Jsep
    ) -> tuple[Endpoint, Jsep]:
        raise MediaUnavailable("no media server is configured")

    async def republish(
        self,
        endpoint: Endpoint,
        offer: Jsep,
        *,
        audio: bool | None = None,
        video: bool | None = None,
    ) -> Jsep:
        raise MediaUnavailable("no media server is configured")

    async def subscribe(self, room: RoomRef, *, feeds: list[int]) -> tuple[Endpoint, Jsep]:
        raise MediaUnavailable("no media server is configured")

    async def update_subscription(
        self, endpoint: Endpoint, *, add: list[int], remove: list[int]
    ) -> Jsep | None:
        raise MediaUnavailable("no media server is configured")

    async def answer(self, endpoint: Endpoint, answer: Jsep) -> None:
        raise MediaUnavailable("no media server is configured")

    async def trickle(self, endpoint: Endpoint, candidate: dict[str, Any] | None) -> None:
        raise MediaUnavailable("no media server is configured")

    async def mute_feed(self, room: RoomRef, feed: int, *, audio: bool, video: bool) -> None:
        raise MediaUnavailable("no media server is configured")

    async def hang_up(self, endpoint: Endpoint) -> None:
        return None

    def listen(self, listener: MediaListener) -> None:
        return None

    async def close(self) -> None:
        return None


class NoIceServers:
    def for_user(self, user_id: str, *, now: int) -> tuple[list[IceServer], int]:
        return [], 0


_NO_MEDIA = NoMedia()


def engine_for(services: Services) -> MediaEngine:
    """The engine of this Parley (none: no media servers in this build)."""
    return _NO_MEDIA


def ice_servers_for(services: Services) -> IceServers:
    return NoIceServers()
