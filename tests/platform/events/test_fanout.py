"""The hub in-process: ordering, gap filling, de-duplication, the relay and the sweep."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from sqlalchemy import select

from parley.platform.auth.principal import Principal
from parley.platform.db import Database
from parley.platform.events import relay, store
from parley.platform.events.emit import emit, workspace_audience
from parley.platform.events.fanout import Connection
from parley.platform.events.models import EventLog
from parley.platform.events.wire import text_frame
from parley.platform.services import Services
from tests.factories import Factory
from tests.platform.events.helpers import unframe


class Frames:
    """A transport that records what is sent: by the writer task, or written directly."""

    def __init__(self, *, direct: bool = True) -> None:
        self.frames: list[dict[str, Any]] = []
        self.direct = direct  # False: a socket that cannot take a frame now (paused, closing)
        self.direct_writes = 0
        self.closed: tuple[int, str] | None = None

    async def send_text(self, frame: str) -> None:
        self.frames.append(orjson.loads(frame))

    def write_now(self, wire: bytes) -> bool:
        if not self.direct:
            return False
        self.direct_writes += 1
        self.frames.append(orjson.loads(unframe(wire)))
        return True

    async def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)

    def seqs(self) -> list[int]:
        return [f["seq"] for f in self.frames if "seq" in f]


def principal(team_id: str, user_id: str) -> Principal:
    return Principal(team_id, user_id, "user", frozenset(), "member")


async def live_connection(
    services: Services, team_id: str, user_id: str
) -> tuple[Connection, Frames, asyncio.Task[None]]:
    frames = Frames()
    connection = Connection(principal(team_id, user_id), frames, 100)
    writer = asyncio.create_task(connection.run_writer())
    await services.realtime.hub.attach(connection)
    connection.finish_catch_up(0)
    return connection, frames, writer


async def emit_unpublished(database_url: str, team_id: str, count: int) -> list[int]:
    """Events written by 'another node' whose publish never reached this one."""
    other = Database(database_url)
    try:
        async with other.write() as uow:
            rows = [
                await emit(uow, team_id, {"type": "x", "n": n}, workspace_audience())
                for n in range(count)
            ]
        return [int(row["seq"]) for row in rows]
    finally:
        await other.dispose()


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0.01)


async def test_out_of_order_publishes_are_delivered_in_order_once(
    services: Services, factory: Factory, database_url: str
) -> None:
    team = await factory.workspace()
    hub = services.realtime.hub
    hub.config.gap_wait = 5.0  # the reordered publish arrives well before a fill would
    connection, frames, writer = await live_connection(services, team.team_id, team.owner.user_id)
    seqs = await emit_unpublished(database_url, team.team_id, 3)
    async with services.db.read() as session:
        rows = await store.events_between(session, team.team_id, seqs[0] - 1)
    await hub.accept([rows[2]])
    await hub.accept([rows[0], rows[2]])
    await settle()
    assert frames.seqs() == seqs[:1]  # 3 waits for 2
    await hub.accept([rows[1], rows[0]])
    await settle()
    assert frames.seqs() == seqs
    connection.close(1000, "")
    await writer
    hub.detach(connection)


async def test_a_gap_is_filled_from_the_log(
    services: Services, factory: Factory, database_url: str
) -> None:
    team = await factory.workspace()
    hub = services.realtime.hub
    hub.config.gap_wait = 0.01
    connection, frames, writer = await live_connection(services, team.team_id, team.owner.user_id)
    seqs = await emit_unpublished(database_url, team.team_id, 4)
    async with services.db.read() as session:
        rows = await store.events_between(session, team.team_id, seqs[-2])
    await hub.accept(rows)  # only the last one was published; 3 are missing
    for _ in range(100):
        if len(frames.seqs()) == 4:
            break
        await asyncio.sleep(0.02)
    assert frames.seqs() == seqs
    assert [f["n"] for f in frames.frames] == [0, 1, 2, 3]
    connection.close(1000, "")
    await writer
    hub.detach(connection)


async def test_sweep_heals_a_publish_that_never_came(
    services: Services, factory: Factory, database_url: str
) -> None:
    team = await factory.workspace()
    connection, frames, writer = await live_connection(services, team.team_id, team.owner.user_id)
    seqs = await emit_unpublished(database_url, team.team_id, 2)
    await settle()
    assert frames.seqs() == []
    await services.realtime.hub.sweep()
    await settle()
    assert frames.seqs() == seqs
    connection.close(1000, "")
    await writer
    services.realtime.hub.detach(connection)


async def test_relay_publishes_and_marks_orphans(
    services: Services, factory: Factory, database_url: str
) -> None:
    team = await factory.workspace()
    services.realtime.config.relay_grace = 0.0
    connection, frames, writer = await live_connection(services, team.team_id, team.owner.user_id)
    seqs = await emit_unpublished(database_url, team.team_id, 2)
    while await relay.publish_orphans(services):
        pass
    await settle()
    assert frames.seqs() == seqs
    async with services.db.read() as session:
        published = (
            (
                await session.execute(
                    select(EventLog.published).where(
                        EventLog.workspace_id == team.team_id, EventLog.seq.in_(seqs)
                    )
                )
            )
            .scalars()
            .all()
        )
    assert published == [True, True]
    connection.close(1000, "")
    await writer
    services.realtime.hub.detach(connection)


async def test_events_published_after_commit_are_marked(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    async with services.db.write() as uow:
        row = await emit(uow, team.team_id, {"type": "x"}, workspace_audience())
    seq = int(row["seq"])
    await services.realtime.bus.marker.flush()
    async with services.db.read() as session:
        row = await session.get(EventLog, (team.team_id, seq))
    assert row is not None and row.published is True


async def test_slow_connection_queue_is_bounded(services: Services, factory: Factory) -> None:
    team = await factory.workspace()
    frames = Frames()
    connection = Connection(principal(team.team_id, team.owner.user_id), frames, 3)
    connection.finish_catch_up(0)
    for seq in range(1, 6):  # no writer running: nothing drains
        connection.deliver(seq, '{"type":"x"}')
    assert connection.close_code == 4008 and connection.queued == 0
    await connection.run_writer()
    assert frames.closed is not None and frames.closed[0] == 4008
    assert frames.closed[1] == "too_slow: resume with since=0"  # nothing was written


async def test_an_idle_socket_is_written_directly_and_a_busy_one_keeps_order(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    frames = Frames()
    connection = Connection(principal(team.team_id, team.owner.user_id), frames, 100)
    writer = asyncio.create_task(connection.run_writer())
    await asyncio.sleep(0)  # the writer is now waiting: the socket is idle
    connection.finish_catch_up(0)
    connection.deliver(1, '{"n":1}')  # no wire bytes offered: queued for the writer
    connection.deliver(2, '{"n":2}', text_frame('{"n":2}'))  # 1 is still queued: so is 2
    assert frames.direct_writes == 0 and connection.queued == 2
    await settle()
    connection.deliver(3, '{"n":3}', text_frame('{"n":3}'))  # idle again: straight out
    assert frames.direct_writes == 1 and connection.sent_seq == 3
    frames.direct = False  # the socket cannot take it now: the writer sends it later
    connection.deliver(4, '{"n":4}', text_frame('{"n":4}'))
    assert connection.sent_seq == 3
    await settle()
    assert [f["n"] for f in frames.frames] == [1, 2, 3, 4] and connection.sent_seq == 4
    connection.close(1000, "")
    await writer


async def test_presence_index_follows_subscriptions_and_departures(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    hub = services.realtime.hub
    everyone, everyone_frames, w1 = await live_connection(services, team.team_id, bob.user_id)
    picky, picky_frames, w2 = await live_connection(services, team.team_id, team.owner.user_id)
    hub.subscribe_presence(picky, frozenset({"U_CAROL"}))
    hub.subscribe_presence(picky, frozenset({"U_DAN"}))  # replaces the first subscription

    async def change(user: str) -> None:
        payload = {"type": "presence_change", "user": user, "presence": "active"}
        await hub.accept_ephemeral(team.team_id, payload, workspace_audience())

    for user in ("U_CAROL", "U_DAN"):
        await change(user)
    await settle()
    assert [f["user"] for f in everyone_frames.frames] == ["U_CAROL", "U_DAN"]
    assert [f["user"] for f in picky_frames.frames] == ["U_DAN"]
    stream = hub.streams[team.team_id]
    assert set(stream.presence_watchers) == {"U_DAN"}
    hub.detach(picky)
    assert stream.presence_watchers == {} and picky not in stream.presence_everyone
    for connection, writer in ((everyone, w1), (picky, w2)):
        connection.close(1000, "")
        await writer
