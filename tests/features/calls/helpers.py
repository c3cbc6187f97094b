"""Worlds and a stand-in media server for the calls tests.

`FakeSfu` stands in for the media servers (Janus, another branch's work) at the
`MediaEngine` seam: it keeps rooms and endpoints in memory, answers offers with a fixed
SDP and lets a test raise the events a real node would (endpoint down, node down).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update

from parley.features.calls.media.engine import (
    Endpoint,
    Jsep,
    MediaListener,
    MediaUnavailable,
    NodeHealth,
    RoomRef,
)
from parley.platform.db import Database
from parley.platform.tenancy import Workspace
from tests.factories import Factory, Member, Team
from tests.features.reactions.helpers import make_conversation

ANSWER_SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=answer\r\n"
OFFER_SDP = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=offer\r\n"


@dataclass
class FakeSfu:
    """Media nodes in memory: `load` sets each node's reported participants."""

    load: dict[str, int] = field(default_factory=lambda: {"n1": 0})
    unhealthy: set[str] = field(default_factory=set)
    rooms: dict[int, str] = field(default_factory=dict)
    endpoints: dict[tuple[int, int], Endpoint] = field(default_factory=dict)
    hung_up: list[Endpoint] = field(default_factory=list)
    closed: list[RoomRef] = field(default_factory=list)
    muted: list[tuple[int, int]] = field(default_factory=list)
    republished: list[Endpoint] = field(default_factory=list)
    listeners: list[MediaListener] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1000))

    async def nodes(self) -> list[NodeHealth]:
        return [
            NodeHealth(node, node not in self.unhealthy, participants=count)
            for node, count in self.load.items()
        ]

    async def open_room(self, node_id: str, *, max_publishers: int, audio_only: bool) -> RoomRef:
        room = next(self._ids)
        self.rooms[room] = node_id
        return RoomRef(node_id, room)

    async def close_room(self, room: RoomRef) -> None:
        self.closed.append(room)

    def _endpoint(self, room: RoomRef, role: Any) -> Endpoint:
        endpoint = Endpoint(room.node_id, next(self._ids), next(self._ids), role)
        self.endpoints[(endpoint.session, endpoint.handle)] = endpoint
        return endpoint

    async def publish(
        self, room: RoomRef, *, feed: int, display: str, offer: Jsep
    ) -> tuple[Endpoint, Jsep]:
        if room.node_id in self.unhealthy:
            raise MediaUnavailable(room.node_id)
        return self._endpoint(room, "publisher"), Jsep("answer", ANSWER_SDP)

    async def republish(
        self,
        endpoint: Endpoint,
        offer: Jsep,
        *,
        audio: bool | None = None,
        video: bool | None = None,
    ) -> Jsep:
        self.republished.append(endpoint)
        return Jsep("answer", ANSWER_SDP)

    async def subscribe(self, room: RoomRef, *, feeds: list[int]) -> tuple[Endpoint, Jsep]:
        return self._endpoint(room, "subscriber"), Jsep("offer", OFFER_SDP)

    async def update_subscription(
        self, endpoint: Endpoint, *, add: list[int], remove: list[int]
    ) -> Jsep | None:
        return None

    async def answer(self, endpoint: Endpoint, answer: Jsep) -> None:
        return None

    async def trickle(self, endpoint: Endpoint, candidate: dict[str, Any] | None) -> None:
        return None

    async def mute_feed(self, room: RoomRef, feed: int, *, audio: bool, video: bool) -> None:
        self.muted.append((room.room, feed))

    async def hang_up(self, endpoint: Endpoint) -> None:
        self.hung_up.append(endpoint)

    def listen(self, listener: MediaListener) -> None:
        self.listeners.append(listener)

    async def close(self) -> None:
        return None


@dataclass
class World:
    team: Team
    alice: Member  # in every conversation
    bob: Member  # in the channel and the DM
    carol: Member  # in no conversation (may read the public channel)
    guest: Member  # a guest, member of the channel only
    channel: str
    private: str
    dm: str


async def build_world(factory: Factory) -> World:
    team = await factory.workspace()
    alice = await factory.user(team)
    bob = await factory.user(team)
    carol = await factory.user(team)
    guest = await factory.user(team, role="guest")
    channel = await make_conversation(factory.db, team, [alice, bob, guest])
    private = await make_conversation(factory.db, team, [alice], kind="group")
    dm = await make_conversation(factory.db, team, [alice, bob], kind="im")
    return World(team, alice, bob, carol, guest, channel, private, dm)


async def set_max_huddle(db: Database, team: Team, size: int) -> None:
    async with db.write() as uow:
        await uow.session.execute(
            update(Workspace)
            .where(Workspace.id == team.team_id)
            .values(settings={"huddle_max_size": size})
        )
