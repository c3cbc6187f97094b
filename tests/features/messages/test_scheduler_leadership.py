"""One node polls for due scheduled messages: the scheduler loop runs under a lease
(`platform/leadership.py`); another loop takes over when the holder stops or crashes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select

from parley.features.messages import scheduler
from parley.platform.events.models import EventLogConsumerLease
from parley.platform.leadership import try_lease
from parley.platform.services import Services

LEASE = 0.6  # seconds: short, so a crashed holder's lease runs out within the test


class Polls:
    """Records which loop (task name) called `deliver_due`."""

    def __init__(self) -> None:
        self.by: list[str] = []

    async def __call__(self, _services: Services, now: int | None = None) -> int:
        task = asyncio.current_task()
        self.by.append(task.get_name() if task is not None else "?")
        return 0

    def since(self, mark: int) -> set[str]:
        return set(self.by[mark:])


@pytest.fixture
def polls(monkeypatch: pytest.MonkeyPatch) -> Polls:
    recorder = Polls()
    monkeypatch.setattr(scheduler, "deliver_due", recorder)
    monkeypatch.setattr(scheduler, "TICK_SECONDS", 0.02)
    return recorder


def start(services: Services, name: str) -> asyncio.Task[None]:
    loop = scheduler.run_scheduler(services, lease_seconds=LEASE, retry=0.02)
    return asyncio.create_task(loop, name=name)


async def until(condition: Callable[[], bool], limit: float = 5.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "not reached in time"
        await asyncio.sleep(0.02)


async def holder(services: Services) -> str | None:
    async with services.db.read() as session:
        found = await session.execute(
            select(EventLogConsumerLease.holder).where(
                EventLogConsumerLease.consumer == scheduler.LEASE_NAME
            )
        )
    return found.scalar_one_or_none()


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_only_the_lease_holder_polls_and_the_other_takes_over(
    services: Services, polls: Polls
) -> None:
    first = start(services, "first")
    await until(lambda: "first" in polls.by)
    second = start(services, "second")
    try:
        mark = len(polls.by)
        await asyncio.sleep(LEASE * 1.5)  # renewals included: the lease stays with the first
        assert polls.since(mark) == {"first"}
        await stop(first)  # releases the lease
        mark = len(polls.by)
        await until(lambda: "second" in polls.since(mark))
        assert polls.since(mark) == {"second"}
    finally:
        for task in (first, second):
            task.cancel()
        await asyncio.gather(first, second, return_exceptions=True)
    assert await holder(services) is None  # the last holder released it on stop


async def test_a_crashed_holders_lease_is_taken_over_after_expiry(
    services: Services, polls: Polls
) -> None:
    taken = time.monotonic()  # before: the lease runs LEASE seconds from inside try_lease
    assert await try_lease(services.db, scheduler.LEASE_NAME, "crashed-node", LEASE)
    loop = start(services, "survivor")
    try:
        await asyncio.sleep(LEASE / 2)
        assert polls.by == []  # the crashed node's lease still runs
        await until(lambda: "survivor" in polls.by)
        assert time.monotonic() - taken >= LEASE
        assert await holder(services) not in (None, "crashed-node")
    finally:
        await stop(loop)
