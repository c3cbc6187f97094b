"""The seam between call state and the media servers that carry a call's audio and video.

Call rules (who may join, ringing, hands, host controls, when a call ends) live in the calls
feature and know nothing of Janus. Media lives behind `MediaEngine`: a selective forwarding
unit that holds rooms, takes each participant's published tracks and forwards them to the
others. Parley is the only client of the media servers: browsers send their SDP and ICE
candidates to Parley, which relays them through the engine, so no media-server secret or
room key ever reaches a browser.

One engine drives several media nodes (Janus instances). A call is placed on one node
(`RoomRef.node_id`, kept in the database with the call), chosen by the calls feature from
`nodes()` (the least loaded healthy one). A node that stops answering is reported by
`nodes()` as unhealthy and by a `node_down` event, so calls on it end cleanly and new calls
go elsewhere.

Identifiers: a participant publishes under a numeric `feed` id that the calls feature
assigns (unique within the room); subscriptions name the feeds to receive.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol


@dataclass(frozen=True)
class Jsep:
    """A session description as WebRTC's JSEP carries it: `offer` or `answer`, and the SDP."""

    type: Literal["offer", "answer"]
    sdp: str


@dataclass(frozen=True)
class NodeHealth:
    """One media node as last seen: reachable or not, and how loaded."""

    node_id: str
    healthy: bool
    rooms: int = 0
    participants: int = 0
    detail: str = ""


@dataclass(frozen=True)
class RoomRef:
    """A call's room on one media node."""

    node_id: str
    room: int


@dataclass(frozen=True)
class Endpoint:
    """One WebRTC peer connection between a participant's device and a media node:
    their publisher (what they send) or their subscriber (what they receive)."""

    node_id: str
    session: int
    handle: int
    role: Literal["publisher", "subscriber"]


MediaEventKind = Literal[
    "up",  # the endpoint's ICE and DTLS completed: media flows
    "down",  # the endpoint's peer connection closed or failed (detail: the reason)
    "slowlink",  # the node sees loss on this endpoint (detail: counts)
    "talking",  # the publisher's audio level crossed the speaking threshold
    "stopped_talking",
    "node_down",  # a whole node stopped answering (endpoint is None)
]


@dataclass(frozen=True)
class MediaEvent:
    kind: MediaEventKind
    node_id: str
    endpoint: Endpoint | None = None
    room: int | None = None
    feed: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


MediaListener = Callable[[MediaEvent], Awaitable[None]]


class MediaUnavailable(Exception):
    """No media node can take the request (none configured, or none healthy)."""


class MediaError(Exception):
    """A media node refused a request (bad SDP, unknown room, …): `reason` says why in
    words fit for an error field."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class MediaEngine(Protocol):
    """What the calls feature needs from the media servers."""

    async def nodes(self) -> list[NodeHealth]:
        """Every configured node with its health and load (empty: no media configured)."""
        ...

    async def open_room(self, node_id: str, *, max_publishers: int, audio_only: bool) -> RoomRef:
        """A new room on `node_id`, with a random id and a secret only Parley knows."""
        ...

    async def close_room(self, room: RoomRef) -> None:
        """Destroys the room; every endpoint in it is hung up. Idempotent."""
        ...

    async def publish(
        self, room: RoomRef, *, feed: int, display: str, offer: Jsep
    ) -> tuple[Endpoint, Jsep]:
        """Joins `room` as publisher `feed` with the device's offer; returns the answer."""
        ...

    async def republish(
        self,
        endpoint: Endpoint,
        offer: Jsep,
        *,
        audio: bool | None = None,
        video: bool | None = None,
    ) -> Jsep:
        """Renegotiates a publisher (a track added or removed, screen share, ICE restart)."""
        ...

    async def subscribe(self, room: RoomRef, *, feeds: list[int]) -> tuple[Endpoint, Jsep]:
        """A subscriber for `feeds`; the node makes the offer the device must answer."""
        ...

    async def update_subscription(
        self, endpoint: Endpoint, *, add: list[int], remove: list[int]
    ) -> Jsep | None:
        """Adds and removes feeds; a new offer to answer when the streams changed."""
        ...

    async def answer(self, endpoint: Endpoint, answer: Jsep) -> None:
        """The device's answer to a subscriber offer: media starts flowing."""
        ...

    async def trickle(self, endpoint: Endpoint, candidate: dict[str, Any] | None) -> None:
        """One ICE candidate from the device (`None`: gathering completed)."""
        ...

    async def mute_feed(self, room: RoomRef, feed: int, *, audio: bool, video: bool) -> None:
        """Host control: stops forwarding a publisher's audio and/or video (True = muted)."""
        ...

    async def hang_up(self, endpoint: Endpoint) -> None:
        """Closes one endpoint (the participant left or moved device). Idempotent."""
        ...

    def listen(self, listener: MediaListener) -> None:
        """Calls `listener` with every `MediaEvent` from every node."""
        ...

    async def close(self) -> None:
        """Stops polling and closes connections to the nodes."""
        ...


@dataclass(frozen=True)
class IceServer:
    """One entry of RTCConfiguration.iceServers handed to a device."""

    urls: list[str]
    username: str | None = None
    credential: str | None = None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"urls": self.urls}
        if self.username is not None:
            body["username"] = self.username
            body["credential"] = self.credential
        return body


class IceServers(Protocol):
    """TURN/STUN servers for a device, with time-limited credentials."""

    def for_user(self, user_id: str, *, now: int) -> tuple[list[IceServer], int]:
        """The servers and the credentials' lifetime in seconds."""
        ...
