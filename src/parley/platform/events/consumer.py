"""Log consumers: workers that follow every workspace's event log off the request path.

A feature registers one with `platform.log_consumer(name, handler)`; the platform runs it
as a worker. Each consumer has
- a persisted cursor per workspace (`event_log_cursors`): the handler gets the events after
  it in batches, in `seq` order, per workspace, and the cursor moves past a batch only once
  the handler returned. Delivery is at least once: a crash (or a handler raising) between
  the two means the batch is handled again, so handlers must tolerate repeats.
- leadership: only one node runs a given consumer at a time, holding the lease named after
  it (`platform/leadership.py`: a lease row with an expiry, renewed while it runs, taken
  over once a crashed holder's lease expired).

Where a consumer starts: with `start="end"`, its first pass ever places the cursor of every
existing workspace at the end of its log (history is not replayed); a workspace that
appears later is read from its beginning. With `follow="cursors"` the consumer reads only
the workspaces it has a cursor in, and the feature places them (`follow_from_now`, in the
transaction that makes a workspace interesting, e.g. installing an app); `only` narrows a
pass further to the workspaces a feature's query names (the others' cursors wait).

Two handler modes:
- a `BatchHandler` (at least once, above): it runs outside any transaction, and may call
  the network;
- `InTransaction(handle)`: `handle(uow, workspace_id, rows)` runs inside the write
  transaction that moves the cursor (compare-and-set first, so a second holder's attempt
  rolls back whole). What it writes commits with the cursor or not at all: exactly once.
  For turning events into rows (app deliveries); nothing slow in there, it holds the
  write transaction (on SQLite, the writer).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from parley.platform.events import store
from parley.platform.events.models import EventLogCursor
from parley.platform.events.store import Row

# Re-exported: a consumer's feature may share its lease (unfurl's own workers do).
from parley.platform.leadership import leadership as leadership
from parley.platform.tenancy import Workspace

if TYPE_CHECKING:
    from parley.platform.db import UnitOfWork
    from parley.platform.services import Services

log = logging.getLogger("parley.platform.events.consumer")

# (workspace id, the batch's rows in seq order) -> None once handled.
BatchHandler = Callable[[str, list[Row]], Awaitable[None]]
# (the cursor's write transaction, workspace id, rows in seq order): writes with the cursor.
TransactionalHandler = Callable[["UnitOfWork", str, list[Row]], Awaitable[None]]
# The workspaces a pass may read (a feature's query); the others' cursors stay put.
WorkspaceFilter = Callable[[AsyncSession], Awaitable[Collection[str]]]


@dataclass(frozen=True)
class InTransaction:
    """A handler that runs inside the transaction moving the cursor (exactly once)."""

    handle: TransactionalHandler


Handler = BatchHandler | InTransaction
# Builds a worker's handler once per start (it may hold state: caches, clients, limits).
HandlerFactory = Callable[["Services"], Handler]


@dataclass(frozen=True)
class LogConsumer:
    """A registered consumer: its name (the cursor's and the lease's key) and how to build
    its handler."""

    name: str
    make_handler: HandlerFactory
    start: Literal["end", "beginning"] = "end"
    # "all": every workspace (cursors placed by the consumer, see `start`); "cursors": only
    # those the feature placed a cursor in (`follow_from_now`).
    follow: Literal["all", "cursors"] = "all"
    only: WorkspaceFilter | None = None
    batch: int = 500
    poll_interval: float = 0.2  # fallback: a pass also starts when events are published
    # Whether published events start a pass at once. A consumer that sees every post and
    # need not be prompt (unfurls) polls instead: a pass per commit costs the posts.
    wake_on_events: bool = True
    # At-least-once handlers only: how long the cursor may run ahead of its row. 0 writes it
    # after every batch; a consumer that sees every post (unfurls) writes it at most this
    # often, because each write takes SQLite's one writer from the posts themselves. A
    # crash re-handles at most this much, which at-least-once handlers tolerate.
    persist_every: float = 0.0
    lease_seconds: float = 15.0
    retry_leadership: float = 1.0  # how often a node that is not the leader asks again


# --- cursors ------------------------------------------------------------------------------


async def cursors(session: AsyncSession, consumer: str) -> dict[str, int]:
    result = await session.execute(
        select(EventLogCursor.workspace_id, EventLogCursor.last_seq).where(
            EventLogCursor.consumer == consumer
        )
    )
    return {workspace_id: int(seq) for workspace_id, seq in result.all()}


async def log_positions(session: AsyncSession) -> dict[str, int]:
    """Every workspace's latest committed seq (not those moved to another shard: their log
    is followed there)."""
    result = await session.execute(
        select(Workspace.id, Workspace.event_seq).where(Workspace.moved_to.is_(None))
    )
    return {workspace_id: int(seq) for workspace_id, seq in result.all()}


async def place_cursors(session: AsyncSession, consumer: str, positions: dict[str, int]) -> None:
    """Create cursors (workspace -> seq) that do not exist yet; existing ones are kept."""
    existing = await cursors(session, consumer)
    rows = [
        {"consumer": consumer, "workspace_id": workspace_id, "last_seq": seq}
        for workspace_id, seq in positions.items()
        if workspace_id not in existing
    ]
    if rows:
        await session.execute(insert(EventLogCursor), rows)


async def follow_from_now(uow: UnitOfWork, consumer: str, workspace_id: str) -> None:
    """Have a `follow="cursors"` consumer read the workspace from its next event on; a
    cursor it already has stays where it is. Call it in the transaction that makes the
    workspace interesting, so no event after that commit is missed."""
    position = select(Workspace.event_seq).where(Workspace.id == workspace_id).scalar_subquery()
    values = {"consumer": consumer, "workspace_id": workspace_id, "last_seq": position}
    # Insert-or-nothing in one statement: two transactions following the same workspace at
    # once (two apps installed) must not fail on the primary key.
    dialect_insert = sqlite_insert if uow.is_sqlite else postgresql_insert
    await uow.session.execute(
        dialect_insert(EventLogCursor).values(values).on_conflict_do_nothing()
    )


async def advance_cursor(
    session: AsyncSession, consumer: str, workspace_id: str, old: int, new: int
) -> bool:
    """Compare-and-set: False when the cursor was no longer at `old` (another holder)."""
    result = await session.execute(
        update(EventLogCursor)
        .where(
            EventLogCursor.consumer == consumer,
            EventLogCursor.workspace_id == workspace_id,
            EventLogCursor.last_seq == old,
        )
        .values(last_seq=new)
    )
    return bool(getattr(result, "rowcount", 0))


class _CursorMoved(Exception):
    """Another holder moved the cursor: roll the transaction back."""


# --- running a consumer ---------------------------------------------------------------------


class ConsumerRunner:
    """Reads a consumer's events pass by pass and hands them to its handler."""

    def __init__(
        self, services: Services, consumer: LogConsumer, handler: Handler | None = None
    ) -> None:
        self.services = services
        self.consumer = consumer
        self.handler = handler if handler is not None else consumer.make_handler(services)
        self.wake = asyncio.Event()
        # workspace -> (the cursor in its row, what has been handled since): not yet written.
        self.ahead: dict[str, tuple[int, int]] = {}
        self.flushed_at = time.monotonic()
        # A consumer that runs ahead of its rows keeps its cursors here between passes
        # instead of reading them back each pass (it is the only writer while it leads).
        self.handled_to: dict[str, int] | None = None
        # What the last pass read (None before it): other workspaces' events do not wake a
        # consumer that follows only some (`follow="cursors"`), which would be a pass of
        # queries per commit for nothing.
        self.followed: frozenset[str] | None = None

    async def pass_once(self) -> int:
        """Handle what the followed workspaces' logs gained past the cursor; returns events read."""
        async with self.services.db.read() as session:
            positions = await log_positions(session)
            known = await self._known_cursors(session)
            wanted = None if self.consumer.only is None else set(await self.consumer.only(session))
        if self.consumer.follow == "all" and not await self._start_all(positions, known):
            return 0
        handled = 0
        for workspace_id, cursor in known.items():
            if wanted is not None and workspace_id not in wanted:
                continue
            latest = positions.get(workspace_id, 0)
            read, known[workspace_id] = await self._catch_up(workspace_id, cursor, latest)
            handled += read
        self.followed = frozenset(known if wanted is None else wanted & known.keys())
        if self.consumer.persist_every > 0:
            self.handled_to = known
        # A pass that found nothing new means the log is quiet: write what ran ahead now.
        await self.flush(force=handled == 0)
        return handled

    async def _known_cursors(self, session: AsyncSession) -> dict[str, int]:
        if self.handled_to is not None:
            return dict(self.handled_to)
        return self._with_ahead(await cursors(session, self.consumer.name))

    def _with_ahead(self, known: dict[str, int]) -> dict[str, int]:
        """The cursors as handled: rows, moved on by what is not written yet. A row that
        moved meanwhile (another holder) wins and what this one held ahead is dropped."""
        for workspace_id, (stored, handled) in list(self.ahead.items()):
            if known.get(workspace_id) == stored:
                known[workspace_id] = handled
            else:
                del self.ahead[workspace_id]
        return known

    async def flush(self, *, force: bool = False) -> None:
        """Write the cursors that ran ahead: all in one transaction, at most every
        `persist_every` seconds while events keep coming (or now: quiet log, stopping)."""
        due = time.monotonic() - self.flushed_at >= self.consumer.persist_every
        if not self.ahead or not (force or due):
            return
        ahead, self.ahead = self.ahead, {}
        self.flushed_at = time.monotonic()
        async with self.services.db.write() as uow:
            for workspace_id, (stored, handled) in ahead.items():
                name = self.consumer.name
                if not await advance_cursor(uow.session, name, workspace_id, stored, handled):
                    log.warning("cursor of %s in %s moved under it", name, workspace_id)

    async def _start_all(self, positions: dict[str, int], known: dict[str, int]) -> bool:
        """Place the cursors a `follow="all"` consumer lacks (`known` gains them); False on
        the first pass ever of a `start="end"` consumer, which only places them at the end."""
        if not known and self.consumer.start == "end":
            await self._place(positions)
            return False
        missing = {w: 0 for w in positions if w not in known}
        if missing:
            await self._place(missing)
            known.update(missing)
        return True

    async def _catch_up(self, workspace_id: str, cursor: int, latest: int) -> tuple[int, int]:
        """Batches until `latest`: (events read, the cursor reached)."""
        handled = 0
        while latest > cursor:
            moved = await self._handle_batch(workspace_id, cursor, latest)
            if moved is None:
                self.handled_to = None  # moved under it: read the rows again next pass
                break
            cursor, read = moved
            handled += read
        return handled, cursor

    async def _place(self, positions: dict[str, int]) -> None:
        try:
            async with self.services.db.write() as uow:
                await place_cursors(uow.session, self.consumer.name, positions)
        except IntegrityError:
            pass  # placed meanwhile by another holder (a lease handover): theirs stands

    async def _handle_batch(
        self, workspace_id: str, cursor: int, latest: int
    ) -> tuple[int, int] | None:
        """One batch after `cursor`: (the new cursor, events read), None if it did not move."""
        async with self.services.db.read() as session:
            rows = await store.events_between(
                session, workspace_id, cursor, latest, self.consumer.batch, with_created=True
            )
        # Pruned past the cursor (the log keeps a window): go on from what is there.
        new = int(rows[-1]["seq"]) if rows else latest
        if isinstance(self.handler, InTransaction):
            moved = await self._handle_in_transaction(self.handler, workspace_id, rows, cursor, new)
        else:
            moved = await self._handle_then_advance(self.handler, workspace_id, rows, cursor, new)
        if not moved:
            log.warning("cursor of %s in %s moved under it", self.consumer.name, workspace_id)
            return None
        return new, len(rows)

    async def _handle_then_advance(
        self, handler: BatchHandler, workspace_id: str, rows: list[Row], cursor: int, new: int
    ) -> bool:
        if rows:
            await handler(workspace_id, rows)
        if self.consumer.persist_every > 0:
            stored = self.ahead[workspace_id][0] if workspace_id in self.ahead else cursor
            self.ahead[workspace_id] = (stored, new)
            return True
        async with self.services.db.write() as uow:
            return await advance_cursor(uow.session, self.consumer.name, workspace_id, cursor, new)

    async def _handle_in_transaction(
        self, handler: InTransaction, workspace_id: str, rows: list[Row], cursor: int, new: int
    ) -> bool:
        try:
            async with self.services.db.write() as uow:
                # The cursor first: it locks the row, so a second holder waits here and then
                # finds the cursor moved, before it has written anything twice.
                if not await advance_cursor(
                    uow.session, self.consumer.name, workspace_id, cursor, new
                ):
                    raise _CursorMoved
                if rows:
                    await handler.handle(uow, workspace_id, rows)
        except _CursorMoved:
            return False
        return True

    def on_events(self, rows: list[Row]) -> None:
        """Bus listener: committed events start a pass now instead of at the next poll
        (for a consumer of some workspaces, only events of those)."""
        followed = self.followed
        if (
            self.consumer.follow == "all"
            or followed is None
            or any(row.get("workspace_id") in followed for row in rows)
        ):
            self.wake.set()

    async def run(self) -> None:
        """The worker: lead, then pass after pass until cancelled."""
        consumer = self.consumer
        async with leadership(
            self.services.db,
            consumer.name,
            lease_seconds=consumer.lease_seconds,
            retry=consumer.retry_leadership,
        ):
            listening = consumer.wake_on_events
            unlisten = self.services.realtime.bus.listen(self.on_events) if listening else None
            try:
                while True:
                    self.wake.clear()
                    try:
                        await self.pass_once()
                    except Exception:
                        log.exception("log consumer %s: pass failed", consumer.name)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.wake.wait(), consumer.poll_interval)
            finally:
                if unlisten is not None:
                    unlisten()
                # Still the leader here: write what was handled, so a clean stop repeats
                # nothing. (A crash repeats at most `persist_every` of events.)
                with contextlib.suppress(Exception):
                    await asyncio.shield(self.flush(force=True))


def consumer_worker(consumer: LogConsumer) -> Callable[[Services], Awaitable[None]]:
    """The worker that runs `consumer` (what `platform.log_consumer` registers)."""

    async def run(services: Services) -> None:
        await ConsumerRunner(services, consumer).run()

    return run
