"""The log consumer base: persisted cursors, batches in seq order, at least once, and one
leader per consumer (a lease), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.platform.clock import utc_now
from parley.platform.db import UnitOfWork
from parley.platform.events.consumer import (
    BatchHandler,
    ConsumerRunner,
    InTransaction,
    LogConsumer,
    cursors,
    follow_from_now,
)
from parley.platform.events.emit import emit, workspace_audience
from parley.platform.events.models import EventLogConsumerLease
from parley.platform.events.store import Row
from parley.platform.leadership import leadership, try_lease
from parley.platform.services import Services
from tests.factories import Factory


class Recorder:
    """A handler that records what it was given, and fails while told to."""

    def __init__(self) -> None:
        self.batches: list[tuple[str, list[int]]] = []
        self.failing = False

    async def __call__(self, workspace_id: str, rows: list[Row]) -> None:
        if self.failing:
            raise RuntimeError("handler down")
        # Only the test's numbered events (a new workspace's log starts with its setup).
        numbered = [int(row["payload"]["n"]) for row in rows if row["type"] == "x_n"]
        self.batches.append((workspace_id, numbered))

    def seen(self, workspace_id: str) -> list[int]:
        return [n for w, ns in self.batches if w == workspace_id for n in ns]


def consumer(recorder: Recorder, **options: object) -> LogConsumer:
    def make(_services: Services) -> BatchHandler:
        return recorder

    return LogConsumer(f"test-{uuid.uuid4().hex[:12]}", make, **options)  # type: ignore[arg-type]


async def emit_numbered(services: Services, workspace_id: str, numbers: range) -> None:
    async with services.db.write() as uow:
        for n in numbers:
            await emit(uow, workspace_id, {"type": "x_n", "n": n}, workspace_audience())


async def test_starts_at_the_end_then_reads_in_order_in_batches(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    await emit_numbered(services, team.team_id, range(3))  # history: not replayed
    recorder = Recorder()
    runner = ConsumerRunner(services, consumer(recorder, batch=2))
    assert await runner.pass_once() == 0
    await emit_numbered(services, team.team_id, range(3, 8))
    assert await runner.pass_once() == 5
    assert recorder.seen(team.team_id) == [3, 4, 5, 6, 7]
    assert [len(ns) for w, ns in recorder.batches if w == team.team_id] == [2, 2, 1]
    assert await runner.pass_once() == 0  # nothing new: nothing handled twice


async def test_the_cursor_survives_a_restart_and_new_workspaces_start_at_their_beginning(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    recorder = Recorder()
    declared = consumer(recorder)
    await ConsumerRunner(services, declared).pass_once()
    await emit_numbered(services, team.team_id, range(2))  # while no worker runs
    later = await factory.workspace("Later")
    await emit_numbered(services, later.team_id, range(100, 102))
    restarted = ConsumerRunner(services, declared)
    await restarted.pass_once()
    assert recorder.seen(team.team_id) == [0, 1]
    assert recorder.seen(later.team_id) == [100, 101]  # its whole log, after its setup


async def test_a_failed_batch_is_handled_again(services: Services, factory: Factory) -> None:
    team = await factory.workspace()
    recorder = Recorder()
    runner = ConsumerRunner(services, consumer(recorder))
    await runner.pass_once()
    await emit_numbered(services, team.team_id, range(3))
    recorder.failing = True
    with pytest.raises(RuntimeError, match="handler down"):
        await runner.pass_once()
    recorder.failing = False
    await runner.pass_once()
    assert recorder.seen(team.team_id) == [0, 1, 2]  # the cursor had not moved


async def test_one_leader_at_a_time(services: Services) -> None:
    name = f"test-lead-{uuid.uuid4().hex[:8]}"
    async with leadership(services.db, name, retry=0.05):
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.3), leadership(services.db, name, retry=0.05):
                pass  # pragma: no cover - the lease is held
    async with asyncio.timeout(2), leadership(services.db, name, retry=0.05):
        pass  # released when the first leader left


async def test_an_expired_lease_is_taken_over(services: Services) -> None:
    """A leader that crashed (never released) holds the consumer only until its lease ends."""
    name = f"test-crash-{uuid.uuid4().hex[:8]}"
    assert await try_lease(services.db, name, "crashed-node", 60)
    assert not await try_lease(services.db, name, "other-node", 60)
    async with services.db.write() as uow:
        await uow.session.execute(
            update(EventLogConsumerLease)
            .where(EventLogConsumerLease.consumer == name)
            .values(expires=utc_now() - timedelta(seconds=1))
        )
    assert await try_lease(services.db, name, "other-node", 60)
    assert not await try_lease(services.db, name, "crashed-node", 60)


# --- in-transaction handlers and followed workspaces ------------------------------------------


class Marker:
    """An in-transaction handler that writes one row per numbered event: a lease row named
    `<tag>-<n>` (a primary key, so writing one twice would fail), and fails while told to."""

    def __init__(self) -> None:
        self.tag = f"mark-{uuid.uuid4().hex[:8]}"
        self.failing = False

    async def handle(self, uow: UnitOfWork, workspace_id: str, rows: list[Row]) -> None:
        for row in rows:
            if row["type"] == "x_n":
                uow.session.add(
                    EventLogConsumerLease(
                        consumer=f"{self.tag}-{row['payload']['n']}",
                        holder=workspace_id,
                        expires=row["created"],  # rows carry their log time
                    )
                )
        await uow.session.flush()
        if self.failing:
            raise RuntimeError("handler down after writing")

    def consumer(self, **options: object) -> LogConsumer:
        def make(_services: Services) -> InTransaction:
            return InTransaction(self.handle)

        return LogConsumer(f"test-{uuid.uuid4().hex[:12]}", make, **options)  # type: ignore[arg-type]

    async def marks(self, services: Services) -> list[tuple[int, str]]:
        async with services.db.read() as session:
            found = await session.execute(
                select(EventLogConsumerLease.consumer, EventLogConsumerLease.holder).where(
                    EventLogConsumerLease.consumer.like(f"{self.tag}-%")
                )
            )
        return sorted((int(name.rsplit("-", 1)[1]), holder) for name, holder in found.all())


async def test_in_transaction_writes_commit_with_the_cursor_or_not_at_all(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    marker = Marker()
    runner = ConsumerRunner(services, marker.consumer())
    await runner.pass_once()
    await emit_numbered(services, team.team_id, range(3))
    marker.failing = True
    with pytest.raises(RuntimeError, match="handler down"):
        await runner.pass_once()
    assert await marker.marks(services) == []  # rolled back with the cursor
    marker.failing = False
    assert await runner.pass_once() >= 3
    assert await runner.pass_once() == 0
    assert await marker.marks(services) == [(n, team.team_id) for n in range(3)]


async def test_in_transaction_a_second_holder_behind_the_cursor_writes_nothing(
    services: Services, factory: Factory
) -> None:
    """A holder that read the cursor before another moved it (a lease handover) finds it
    moved at its compare-and-set and rolls back, instead of writing the batch again."""
    team = await factory.workspace()
    marker = Marker()
    declared = marker.consumer()
    first, second = ConsumerRunner(services, declared), ConsumerRunner(services, declared)
    await first.pass_once()
    async with services.db.read() as session:
        stale = (await cursors(session, declared.name))[team.team_id]
    await emit_numbered(services, team.team_id, range(2))
    await first.pass_once()
    async with services.db.read() as session:
        latest = (await cursors(session, declared.name))[team.team_id]
    assert await second._handle_batch(team.team_id, stale, latest) is None
    assert await marker.marks(services) == [(0, team.team_id), (1, team.team_id)]


async def test_follow_cursors_reads_only_the_workspaces_placed_from_then_on(
    services: Services, factory: Factory
) -> None:
    followed, ignored = await factory.workspace(), await factory.workspace("Ignored")
    recorder = Recorder()
    declared = consumer(recorder, follow="cursors", start="beginning")
    runner = ConsumerRunner(services, declared)
    await emit_numbered(services, followed.team_id, range(2))  # before it was followed
    async with services.db.write() as uow:
        await follow_from_now(uow, declared.name, followed.team_id)
    async with services.db.write() as uow:
        await follow_from_now(uow, declared.name, followed.team_id)  # again: kept as is
    await emit_numbered(services, followed.team_id, range(2, 4))
    await emit_numbered(services, ignored.team_id, range(10, 12))
    assert await runner.pass_once() == 2
    assert recorder.seen(followed.team_id) == [2, 3]
    assert recorder.seen(ignored.team_id) == []
    async with services.db.read() as session:
        assert ignored.team_id not in await cursors(session, declared.name)


async def test_only_filter_leaves_other_cursors_waiting(
    services: Services, factory: Factory
) -> None:
    one, two = await factory.workspace(), await factory.workspace("Two")
    wanted = {one.team_id}

    async def only(_session: AsyncSession) -> set[str]:
        return set(wanted)

    recorder = Recorder()
    declared = consumer(recorder, follow="cursors", only=only)
    runner = ConsumerRunner(services, declared)
    for team in (one, two):
        async with services.db.write() as uow:
            await follow_from_now(uow, declared.name, team.team_id)
    await emit_numbered(services, one.team_id, range(2))
    await emit_numbered(services, two.team_id, range(5, 7))
    await runner.pass_once()
    assert recorder.seen(one.team_id) == [0, 1]
    assert recorder.seen(two.team_id) == []
    wanted.add(two.team_id)  # e.g. an app there subscribed again: it resumes where it was
    await runner.pass_once()
    assert recorder.seen(two.team_id) == [5, 6]


async def _stored_cursor(services: Services, name: str, workspace_id: str) -> int | None:
    async with services.db.read() as session:
        return (await cursors(session, name)).get(workspace_id)


async def test_a_busy_consumer_writes_its_cursor_at_most_every_persist_interval(
    services: Services, factory: Factory
) -> None:
    """Each cursor write takes SQLite's one writer from the posts: under load the cursor
    runs ahead of its row, and is written when the log goes quiet or the worker stops."""
    team = await factory.workspace()
    recorder = Recorder()
    runner = ConsumerRunner(services, consumer(recorder, persist_every=3600.0))
    await runner.pass_once()  # places the cursor at the end
    placed = await _stored_cursor(services, runner.consumer.name, team.team_id)
    await emit_numbered(services, team.team_id, range(3))
    assert await runner.pass_once() == 3
    assert await _stored_cursor(services, runner.consumer.name, team.team_id) == placed
    await emit_numbered(services, team.team_id, range(3, 5))
    assert await runner.pass_once() == 2  # read from where it got to, not from the row
    assert recorder.seen(team.team_id) == [0, 1, 2, 3, 4]
    assert await runner.pass_once() == 0  # quiet: the row catches up
    assert placed is not None
    assert await _stored_cursor(services, runner.consumer.name, team.team_id) == placed + 5
    restarted = Recorder()
    again = ConsumerRunner(services, LogConsumer(runner.consumer.name, lambda _s: restarted))
    assert await again.pass_once() == 0  # nothing handled twice after a restart
