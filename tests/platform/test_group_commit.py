"""Database.write_unit: concurrent units share transactions (group commit), on SQLite and on
PostgreSQL, where groups of several nodes run at once and may deadlock."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select, update

from parley.features.conversations.actions import do_create_channel
from parley.platform.db import Database, GroupCommit, UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import emit, workspace_audience
from parley.platform.events.models import EventLog
from parley.platform.services import Services
from parley.platform.spaces import Conversation
from parley.platform.tenancy import Workspace
from parley.platform.ts import allocate_ts
from tests.conftest import POSTGRES_URL
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


async def test_without_savepoints_a_failing_unit_fails_alone_and_the_rest_runs_again(
    services: Services, factory: Factory
) -> None:
    """The PostgreSQL form (no SAVEPOINT per unit, `optimistic`), run here on either
    database: the group rolls back, the failing unit gets its error, the others commit once."""
    team = await factory.workspace()
    group = GroupCommit(services.db.primary, optimistic=True)
    runs: Counter[int] = Counter()

    def unit(n: int) -> Any:
        async def work(uow: UnitOfWork) -> int:
            runs[n] += 1
            await emit(uow, team.team_id, {"type": "x_test", "n": n}, workspace_audience())
            if n == 2:
                await rename(uow, team.team_id, "broken")
                raise ApiError("invalid_arguments")
            return n

        return work

    results = await asyncio.gather(*(group.run(unit(n)) for n in range(6)), return_exceptions=True)
    assert [r if not isinstance(r, ApiError) else "error" for r in results] == [
        0,
        1,
        "error",
        3,
        4,
        5,
    ]
    assert runs == {0: 2, 1: 2, 2: 1, 3: 1, 4: 1, 5: 1}  # the first pass stopped at unit 2
    async with services.db.read() as session:
        rows = (
            await session.execute(
                select(EventLog.seq, EventLog.payload)
                .where(EventLog.workspace_id == team.team_id, EventLog.type == "x_test")
                .order_by(EventLog.seq)
            )
        ).all()
        name = await session.scalar(select(Workspace.name).where(Workspace.id == team.team_id))
    assert name != "broken"
    assert [payload["n"] for _, payload in rows] == [0, 1, 3, 4, 5]  # each once
    seqs = [seq for seq, _ in rows]
    assert seqs == list(range(seqs[0], seqs[0] + 5))


postgres_only = pytest.mark.skipif(
    not POSTGRES_URL.startswith("postgresql"), reason="needs PARLEY_TEST_DATABASE_URL=postgresql…"
)


async def two_channels(services: Services, team_id: str, owner_id: str) -> tuple[str, str]:
    async with services.db.write() as uow:
        first = await do_create_channel(uow, team_id, owner_id, "lock-x", is_private=False)
        second = await do_create_channel(uow, team_id, owner_id, "lock-y", is_private=False)
    return first.id, second.id


@postgres_only
async def test_a_deadlock_between_two_nodes_groups_commits_every_unit_once(
    database_url: str, services: Services, factory: Factory
) -> None:
    """Node A's group locks channel X then Y, node B's group Y then X: PostgreSQL aborts
    one statement; its unit is rerun alone after its group committed the rest."""
    team = await factory.workspace()
    x, y = await two_channels(services, team.team_id, team.owner.user_id)
    # Two nodes: engines of their own, each its primary shard (where GroupCommit runs).
    node_a, node_b = Database(database_url).primary, Database(database_url).primary
    node_a.event_sink = node_b.event_sink = None
    runs: Counter[int] = Counter()
    a_holds_x, b_holds_y = asyncio.Event(), asyncio.Event()

    def unit(n: int, channel: str, *, then: asyncio.Event | None = None, after: Any = None) -> Any:
        async def work(uow: UnitOfWork) -> str:
            runs[n] += 1
            if after is not None:  # the other group holds its first channel by now
                await asyncio.wait_for(after.wait(), 10)
            ts = await allocate_ts(uow, channel)  # locks the channel's row until commit
            await emit(uow, team.team_id, {"type": "x_test", "n": n}, workspace_audience())
            if then is not None:
                then.set()
            return ts

        return work

    group_a, group_b = GroupCommit(node_a, runners=1), GroupCommit(node_b, runners=1)
    try:
        answers = await asyncio.wait_for(
            asyncio.gather(
                group_a.run(unit(1, x, then=a_holds_x)),
                group_a.run(unit(2, y, after=b_holds_y)),
                group_b.run(unit(3, y, then=b_holds_y)),
                group_b.run(unit(4, x, after=a_holds_x)),
            ),
            30,
        )
    finally:
        await node_a.dispose()
        await node_b.dispose()
    assert sum(runs.values()) > 4  # the deadlock happened: a unit ran again
    assert len(set(answers)) == 4  # every caller got its own ts, none an error
    async with services.db.read() as session:
        rows = (
            await session.execute(
                select(EventLog.seq, EventLog.payload)
                .where(EventLog.workspace_id == team.team_id, EventLog.type == "x_test")
                .order_by(EventLog.seq)
            )
        ).all()
        found = await session.execute(
            select(Conversation.id, Conversation.last_ts).where(Conversation.id.in_([x, y]))
        )
        last_ts = {conversation_id: ts for conversation_id, ts in found}
    assert sorted(payload["n"] for _, payload in rows) == [1, 2, 3, 4]  # each exactly once
    seqs = [seq for seq, _ in rows]
    assert seqs == list(range(seqs[0], seqs[0] + 4))  # dense: the rolled-back run took none
    assert last_ts[x] == max(answers[0], answers[3]) and last_ts[y] == max(answers[1], answers[2])


@postgres_only
async def test_crossing_groups_of_two_nodes_under_load_lose_and_double_nothing(
    database_url: str, services: Services, factory: Factory
) -> None:
    """Posts into two channels from two nodes, several groups per node at once: a group
    holds the channels of its units in arrival order, so groups cross and deadlock. Every
    unit commits once, no ts repeats in a channel, the event sequence has no gap."""
    team = await factory.workspace()
    channels = await two_channels(services, team.team_id, team.owner.user_id)
    nodes = [Database(database_url).primary, Database(database_url).primary]
    groups = [GroupCommit(nodes[0], runners=3), GroupCommit(nodes[1], runners=3)]
    runs: Counter[int] = Counter()

    def unit(n: int, channel: str) -> Any:
        async def work(uow: UnitOfWork) -> str:
            runs[n] += 1
            ts = await allocate_ts(uow, channel)
            await asyncio.sleep(0.001)  # the other groups take their locks meanwhile
            await emit(uow, team.team_id, {"type": "x_test", "n": n}, workspace_audience())
            return ts

        return work

    def channel_of(n: int) -> str:  # node 0 visits X, Y, X…, node 1 Y, X, Y…
        return channels[(n // 2 + n % 2) % 2]

    async def submit(n: int) -> str:
        await asyncio.sleep(n % 20 * 0.004)  # arrivals spread out: many small groups
        answer: str = await groups[n % 2].run(unit(n, channel_of(n)))
        return answer

    try:
        answers = await asyncio.wait_for(asyncio.gather(*(submit(n) for n in range(160))), 120)
    finally:
        for node in nodes:
            await node.dispose()
    for channel in channels:
        handed_out = [ts for n, ts in enumerate(answers) if channel_of(n) == channel]
        assert len(set(handed_out)) == len(handed_out) == 80  # no ts twice in a channel
    async with services.db.read() as session:
        rows = (
            await session.execute(
                select(EventLog.seq, EventLog.payload)
                .where(EventLog.workspace_id == team.team_id, EventLog.type == "x_test")
                .order_by(EventLog.seq)
            )
        ).all()
    assert sorted(payload["n"] for _, payload in rows) == list(range(160))  # each once
    seqs = [seq for seq, _ in rows]
    assert seqs == list(range(seqs[0], seqs[0] + 160))
    assert sum(runs.values()) >= 160
