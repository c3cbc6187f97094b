"""The log consumer base: persisted cursors, batches in seq order, at least once, and one
leader per consumer (a lease), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from parley.platform.clock import utc_now
from parley.platform.events.consumer import (
    BatchHandler,
    ConsumerRunner,
    LogConsumer,
    leadership,
    try_lease,
)
from parley.platform.events.emit import emit, workspace_audience
from parley.platform.events.models import EventLogConsumerLease
from parley.platform.events.store import Row
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
