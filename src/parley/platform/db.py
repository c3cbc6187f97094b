"""Engines, sessions and the unit of work; the SQLite-versus-PostgreSQL quirks live here only."""

from __future__ import annotations

import asyncio
import logging
import os
import random
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import MetaData, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import AsyncAdaptedQueuePool

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every Parley table."""

    metadata = MetaData(naming_convention=NAMING)


# WAL + NORMAL: a commit is written to the WAL (the OS has it: it survives the process
# being killed) and fsynced at checkpoints, not at every commit. FULL also survives a power
# loss, at one fsync per commit. See docs/decisions/0005-sqlite-synchronous-normal.md.
SQLITE_SYNCHRONOUS = os.environ.get("PARLEY_SQLITE_SYNCHRONOUS", "NORMAL").upper()
if SQLITE_SYNCHRONOUS not in {"NORMAL", "FULL", "EXTRA"}:
    raise ValueError("PARLEY_SQLITE_SYNCHRONOUS must be NORMAL, FULL or EXTRA")

# Group-commit transactions one node runs at once on PostgreSQL (each on a connection of its
# own). Measured in docs/benchmarks.md ("PostgreSQL group commit and two nodes").
PG_GROUP_RUNNERS = int(os.environ.get("PARLEY_PG_GROUP_RUNNERS", "2"))
if not 1 <= PG_GROUP_RUNNERS <= 16:
    raise ValueError("PARLEY_PG_GROUP_RUNNERS must be between 1 and 16")

log = logging.getLogger("parley.db")

T = TypeVar("T")
AfterCommit = Callable[[], Awaitable[None]]
BeforeCommit = Callable[["UnitOfWork"], Awaitable[None]]
EventSink = Callable[[list[dict[str, Any]]], Awaitable[None]]


@dataclass
class UnitOfWork:
    """One write transaction, the work to run as its last step before commit (writing the
    outbox), and the work to run once it has committed (event publishing)."""

    session: AsyncSession
    is_sqlite: bool
    before_commit: list[BeforeCommit] = field(default_factory=list)
    after_commit: list[AfterCommit] = field(default_factory=list)
    emitted: list[dict[str, Any]] = field(default_factory=list)

    def on_commit(self, callback: AfterCommit) -> None:
        self.after_commit.append(callback)

    def last_before_commit(self, callback: BeforeCommit) -> None:
        """Run `callback(uow)` as the transaction's last step (once, however often asked)."""
        if callback not in self.before_commit:
            self.before_commit.append(callback)


def _install_sqlite_pragmas(engine: AsyncEngine, *, writer: bool) -> None:
    """WAL for concurrent readers, foreign keys on, and explicit BEGINs.

    pysqlite's own transaction handling defers BEGIN until the first write, which lets two
    writers read, then both try to upgrade their lock and one fails. The writer engine takes
    the write lock up front with BEGIN IMMEDIATE instead.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
        cursor.close()

    begin_sql = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin_sql)


@dataclass
class _Unit:
    work: Callable[[UnitOfWork], Awaitable[Any]]
    future: asyncio.Future[Any]


# deadlock_detected, serialization_failure: the transaction lost a race for locks, not a
# rule; run again, it succeeds (see docs/decisions/0009-group-commit-on-postgresql.md).
LOCK_CONFLICT_SQLSTATES = frozenset({"40P01", "40001"})


def is_lock_conflict(error: BaseException) -> bool:
    """Whether PostgreSQL aborted `error`'s statement to break a deadlock (or a
    serialization failure): SQLAlchemy's asyncpg errors carry the SQLSTATE on `.orig`."""
    return getattr(getattr(error, "orig", None), "sqlstate", None) in LOCK_CONFLICT_SQLSTATES


class GroupCommit:
    """Write units of concurrent requests, run back to back in shared transactions.

    SQLite has one writer connection. When ten requests take turns on it, each one holds it
    across every await of its transaction while the event loop serves the others. Measured
    in docs/benchmarks.md: one sender posted 213 msgs/s, ten senders only 173. Here one
    task drains a queue of units instead. Each unit runs in its own SAVEPOINT, so a unit
    that fails rolls back alone and its caller gets the error. The units' last steps
    (`before_commit`: writing the outbox) run once for the whole batch, so all its events
    are numbered by one UPDATE and inserted by one INSERT. The batch commits once; then
    each caller is answered and the batch's events are published together.

    On PostgreSQL up to `runners` groups run at once (a second one when a whole group's
    worth of units is waiting), each on its own connection, and the groups of other nodes
    run beside them. Groups that lock rows (conversations, in
    `allocate_ts`) in crossing orders deadlock; PostgreSQL aborts one statement. The rule
    (docs/decisions/0009-group-commit-on-postgresql.md): the unit that got the error and
    those after it are taken out of the group, the rest commits (releasing its locks), and
    each unit taken out runs again in a transaction of its own, retried on a conflict. No
    caller sees a deadlock, and a unit commits at most once: only a run that committed
    answers its caller. A unit may therefore run more than once; units are self-contained
    (docs/decisions/0007), so a run that rolled back leaves nothing behind.
    """

    MAX_UNITS = 64  # per transaction: bounds how long the first caller waits for the commit
    ALONE_ATTEMPTS = 5  # runs of a unit in its own transaction before its conflict is its error

    def __init__(self, db: Database, *, runners: int = 1, optimistic: bool = False) -> None:
        self.db = db
        self.runners = runners
        self.optimistic = optimistic
        self._queue: deque[_Unit] = deque()
        self._running: set[asyncio.Task[None]] = set()

    async def run(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        unit = _Unit(work, asyncio.get_running_loop().create_future())
        self._queue.append(unit)
        # A runner that has returned may not have run its done callbacks yet: count only
        # live ones, or a unit queued in between would wait for a runner that has gone.
        self._running = {runner for runner in self._running if not runner.done()}
        # Another group runs beside the first only when a whole group's worth is waiting:
        # measured on PostgreSQL with one busy channel, eager runners split the queue into
        # small groups that then wait for each other's conversation row (half the posts/s).
        if not self._running or (
            len(self._running) < self.runners and len(self._queue) >= self.MAX_UNITS
        ):
            self._running.add(asyncio.create_task(self._drain()))
        value: T = await asyncio.shield(unit.future)  # a caller that goes away changes nothing
        return value

    async def _drain(self) -> None:
        while self._queue:
            count = min(len(self._queue), self.MAX_UNITS)
            try:
                await self._run_batch([self._queue.popleft() for _ in range(count)])
            except Exception:
                log.exception("a group commit failed; its callers got the error")

    async def _run_batch(self, batch: list[_Unit]) -> None:
        if self.optimistic:
            batch = await self._commit_group(batch, conflicts_rerun=True, savepoints=False)
        for unit in await self._commit_group(batch, conflicts_rerun=True):
            try:
                await self._run_alone(unit)
            except Exception:  # its caller got the error; the next unit still runs
                log.exception("a unit run alone after a lock conflict failed")

    async def _run_alone(self, unit: _Unit) -> None:
        """A unit that lost a lock race: in its own transaction, which holds no other
        unit's locks, so it waits for the rows it needs instead of closing a cycle."""
        for attempt in range(1, self.ALONE_ATTEMPTS + 1):
            last = attempt == self.ALONE_ATTEMPTS
            if not await self._commit_group([unit], conflicts_rerun=not last):
                return
            await asyncio.sleep(random.uniform(0, 0.01 * attempt))  # jitter: not in lockstep

    async def _commit_group(
        self, batch: list[_Unit], *, conflicts_rerun: bool, savepoints: bool = True
    ) -> list[_Unit]:
        """Run `batch` in one transaction; answer the callers of the units that committed.

        Returns the units to run again: with `conflicts_rerun`, a lock conflict takes the
        unit that met it and those after it out of the group (the others commit), and a
        conflict outside the units (the outbox, COMMIT) rolls the whole group back.
        Without `savepoints` (two round trips per unit fewer), a unit that fails rolls the
        whole group back: it gets its error (unless a lock conflict) and the others are
        returned, to run again with savepoints.
        """
        done: list[tuple[_Unit, Any]] = []
        rerun: list[_Unit] = []
        failed: tuple[_Unit, Exception] | None = None
        try:
            async with self.db._write_sessions() as session, session.begin():
                batch_uow = UnitOfWork(session=session, is_sqlite=self.db.is_sqlite)
                for index, unit in enumerate(batch):
                    uow = UnitOfWork(session=session, is_sqlite=self.db.is_sqlite)
                    if not savepoints:
                        try:
                            value = await unit.work(uow)
                        except Exception as error:
                            failed = (unit, error)
                            raise  # rolls back the whole group
                    else:
                        try:
                            async with session.begin_nested():
                                value = await unit.work(uow)
                        except Exception as error:  # this unit only: its savepoint rolled back
                            if conflicts_rerun and is_lock_conflict(error):
                                log.info(
                                    "lock conflict: %d unit(s) to run alone", len(batch) - index
                                )
                                rerun = batch[index:]  # commit the others: breaks the cycle
                                break
                            _settle(unit.future, error=error)
                            continue
                    done.append((unit, value))
                    batch_uow.emitted += uow.emitted
                    batch_uow.after_commit += uow.after_commit
                    for callback in uow.before_commit:
                        batch_uow.last_before_commit(callback)
                for callback in batch_uow.before_commit:
                    await callback(batch_uow)
        except BaseException as error:  # nothing of the batch is stored
            if failed is not None:  # without savepoints: one unit failed, the rest runs again
                unit, unit_error = failed
                if not is_lock_conflict(unit_error):
                    _settle(unit.future, error=unit_error)
                return [unit for unit in batch if not unit.future.done()]
            if conflicts_rerun and is_lock_conflict(error):
                return [unit for unit in batch if not unit.future.done()]
            for unit in batch:
                _settle(unit.future, error=error)
            raise
        # Committed: answer the callers first. Publishing only schedules the fan-out, but
        # that task would otherwise run before the callers' answers: a post into a channel
        # of 10,000 would wait for 10,000 socket writes.
        for unit, value in done:
            _settle(unit.future, value=value)
        try:
            await self.db._committed(batch_uow)  # every unit's events, in unit order
        except Exception:
            log.exception("after-commit work of a group commit failed")
        return rerun


def _settle(
    future: asyncio.Future[Any], *, value: Any = None, error: BaseException | None = None
) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


class Database:
    """Owns the engines. On SQLite one writer connection serialises writes in-process."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.write_engine = create_async_engine(
                url,
                echo=echo,
                poolclass=AsyncAdaptedQueuePool,
                pool_size=1,
                max_overflow=0,
                pool_timeout=60,
            )
            self.read_engine = create_async_engine(
                url, echo=echo, poolclass=AsyncAdaptedQueuePool, pool_size=4, max_overflow=4
            )
            _install_sqlite_pragmas(self.write_engine, writer=True)
            _install_sqlite_pragmas(self.read_engine, writer=False)
        else:
            # JIT compilation costs ~100 ms on a cold query and never pays off for the
            # short, indexed queries chat makes. Prepared statements must be planned for
            # their actual values: a generic plan for search does not know whether a word
            # is rare or in a million messages (seconds instead of milliseconds, measured
            # in docs/benchmarks.md).
            self.write_engine = create_async_engine(
                url,
                echo=echo,
                pool_size=10,
                max_overflow=20,
                pool_pre_ping=True,
                connect_args={
                    "server_settings": {"jit": "off", "plan_cache_mode": "force_custom_plan"}
                },
            )
            self.read_engine = self.write_engine
        self._write_sessions = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)
        # Receives the events of each committed transaction (the bus, once the app wires it).
        self.event_sink: EventSink | None = None
        # SQLite: the one writer connection. PostgreSQL: a few groups at once, beside those
        # of other nodes (lock conflicts between them: GroupCommit's docstring).
        # On PostgreSQL each statement is a round trip: a group runs first without a
        # SAVEPOINT per unit (the rare failing unit reruns the others with them).
        self._group = (
            GroupCommit(self)
            if self.is_sqlite
            else GroupCommit(self, runners=PG_GROUP_RUNNERS, optimistic=True)
        )

    @asynccontextmanager
    async def write(self) -> AsyncIterator[UnitOfWork]:
        """A write transaction: commits when the block ends, then runs after-commit work."""
        async with self._write_sessions() as session:
            uow = UnitOfWork(session=session, is_sqlite=self.is_sqlite)
            async with session.begin():
                yield uow
                for callback in uow.before_commit:  # not reached when the block raised
                    await callback(uow)
        await self._committed(uow)

    async def _committed(self, uow: UnitOfWork) -> None:
        if uow.emitted and self.event_sink is not None:
            await self.event_sink(uow.emitted)
        for callback in uow.after_commit:
            await callback()

    async def write_unit(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run `work` as one unit of a transaction shared with other concurrent callers
        (`GroupCommit`). `work`'s changes commit or roll back as one, and its events are
        published once committed. `work` may run more than once (after a lock conflict on
        PostgreSQL); only a run that committed returns."""
        return await self._group.run(work)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only session (one consistent snapshot on SQLite, read committed on PostgreSQL)."""
        async with self._read_sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()
