"""Database.write_unit: on SQLite, concurrent units share transactions (group commit)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select, update

from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import emit, workspace_audience
from parley.platform.events.models import EventLog
from parley.platform.services import Services
from parley.platform.tenancy import Workspace
from tests.factories import Factory


async def rename(uow: UnitOfWork, team_id: str, name: str) -> None:
    await uow.session.execute(update(Workspace).where(Workspace.id == team_id).values(name=name))


async def test_concurrent_units_commit_alone_or_fail_alone(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    published: list[dict[str, Any]] = []
    sink = services.db.event_sink

    async def spy(rows: list[dict[str, Any]]) -> None:
        published.extend(rows)
        if sink is not None:
            await sink(rows)

    services.db.event_sink = spy

    def unit(n: int) -> Any:
        async def work(uow: UnitOfWork) -> int:
            await emit(uow, team.team_id, {"type": "x_test", "n": n}, workspace_audience())
            if n % 5 == 3:  # fails after writing: its event and rename must vanish
                await rename(uow, team.team_id, f"broken {n}")
                raise ApiError("invalid_arguments")
            return n

        return work

    results = await asyncio.gather(
        *(services.db.write_unit(unit(n)) for n in range(20)), return_exceptions=True
    )
    failed = [n for n, r in enumerate(results) if isinstance(r, ApiError)]
    assert failed == [3, 8, 13, 18]
    assert [r for r in results if not isinstance(r, ApiError)] == [
        n for n in range(20) if n not in failed
    ]
    async with services.db.read() as session:
        rows = (
            await session.execute(
                select(EventLog.seq, EventLog.payload)
                .where(EventLog.workspace_id == team.team_id, EventLog.type == "x_test")
                .order_by(EventLog.seq)
            )
        ).all()
        name = await session.scalar(select(Workspace.name).where(Workspace.id == team.team_id))
    assert not str(name).startswith("broken")
    stored = [payload["n"] for _, payload in rows]
    assert sorted(stored) == [n for n in range(20) if n not in failed]
    if services.db.is_sqlite:  # one group, run in arrival order (PostgreSQL: commit order)
        assert stored == sorted(stored)
    seqs = [seq for seq, _ in rows]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # dense: no number lost
    assert sorted(row["seq"] for row in published if row["type"] == "x_test") == seqs


async def test_a_failing_commit_fails_every_unit_of_the_batch(
    services: Services, factory: Factory
) -> None:
    if not services.db.is_sqlite:
        pytest.skip("group commit is the SQLite writer's; PostgreSQL runs units alone")
    team = await factory.workspace()

    async def refuse(uow: UnitOfWork) -> None:
        raise RuntimeError("disk full")

    async def fine(uow: UnitOfWork) -> str:
        await rename(uow, team.team_id, "renamed")
        return "ok"

    async def breaks_the_commit(uow: UnitOfWork) -> str:
        uow.last_before_commit(refuse)
        return "ok"

    results = await asyncio.gather(
        services.db.write_unit(fine),
        services.db.write_unit(breaks_the_commit),
        return_exceptions=True,
    )
    assert all(isinstance(r, RuntimeError) for r in results)
    async with services.db.read() as session:
        name = await session.scalar(select(Workspace.name).where(Workspace.id == team.team_id))
    assert name != "renamed"  # nothing of the batch was stored
    assert await services.db.write_unit(fine) == "ok"  # and the writer goes on
