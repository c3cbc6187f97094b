"""Engines, sessions and the unit of work; the SQLite-versus-PostgreSQL quirks live here only."""

from __future__ import annotations

import asyncio
import logging
import os
import random
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import (
    AbstractAsyncContextManager,
    AsyncExitStack,
    asynccontextmanager,
    contextmanager,
)
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from sqlalchemy import MetaData, event, make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import AsyncAdaptedQueuePool

from parley.platform.security import workspace_in_secret
from parley.platform.sqlite_inline import Checkpointer, inline_creator

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

# "inline": the writer connection runs on the event loop's thread (sqlite_inline.py);
# "thread": aiosqlite's thread hop per statement, as before issue 14.
SQLITE_WRITER = os.environ.get("PARLEY_SQLITE_WRITER", "inline").lower()
if SQLITE_WRITER not in {"inline", "thread"}:
    raise ValueError("PARLEY_SQLITE_WRITER must be inline or thread")

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


def _savepoints_as_plain_sql(engine: AsyncEngine) -> None:
    """Send SAVEPOINT, RELEASE and ROLLBACK TO as plain SQL strings.

    SQLAlchemy compiles each savepoint statement afresh (its name is new each time, so it is
    never cached): ~0.1 ms per statement, and group commit takes a savepoint per unit. The
    names are SQLAlchemy's own (`sa_savepoint_N`), so the strings are safe to build.
    """
    dialect: Any = engine.sync_engine.dialect

    def savepoint(connection: Any, name: str) -> None:
        connection.exec_driver_sql(f"SAVEPOINT {name}")

    def release(connection: Any, name: str) -> None:
        connection.exec_driver_sql(f"RELEASE SAVEPOINT {name}")

    def rollback_to(connection: Any, name: str) -> None:
        connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {name}")

    dialect.do_savepoint = savepoint
    dialect.do_release_savepoint = release
    dialect.do_rollback_to_savepoint = rollback_to


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

    def __init__(self, db: Shard, *, runners: int = 1, optimistic: bool = False) -> None:
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


class Shard:
    """One database: owns its engines. On SQLite one writer connection serialises writes
    in-process. `Database` routes to one of these (the only one, unless sharded)."""

    def __init__(self, name: str, url: str, *, echo: bool = False) -> None:
        self.name = name
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self._checkpointer: Checkpointer | None = None
        if self.is_sqlite:
            path = make_url(url).database or ""
            inline = SQLITE_WRITER == "inline" and path not in {"", ":memory:"}
            self.write_engine = create_async_engine(
                url,
                echo=echo,
                poolclass=AsyncAdaptedQueuePool,
                pool_size=1,
                max_overflow=0,
                pool_timeout=60,
                **({"async_creator": inline_creator(path)} if inline else {}),
            )
            if inline:
                self._checkpointer = Checkpointer(path)
                self._checkpointer.start()
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
        _savepoints_as_plain_sql(self.write_engine)
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
    async def write(self, *, fence: str | None = None) -> AsyncIterator[UnitOfWork]:
        """A write transaction: commits when the block ends, then runs after-commit work.
        With `fence` (a workspace id), it first checks that the workspace has not moved to
        another shard, and holds off a move's final switch until it commits (`check_fence`)."""
        async with self._write_sessions() as session:
            uow = UnitOfWork(session=session, is_sqlite=self.is_sqlite)
            async with session.begin():
                if fence is not None:
                    await check_fence(session, fence)
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
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()


# --- shards: one database per group of workspaces ------------------------------------------

PRIMARY = "primary"  # the shard PARLEY_DATABASE_URL names; it also holds the directory
MOVE_RETRIES = 3  # a write that finds its workspace moved re-resolves it this often


class WorkspaceMoved(Exception):
    """A write reached a shard its workspace has moved away from (the row's `moved_to`)."""

    def __init__(self, workspace_id: str, moved_to: str) -> None:
        super().__init__(f"workspace {workspace_id} moved to shard {moved_to}")
        self.workspace_id = workspace_id
        self.moved_to = moved_to


async def check_fence(session: AsyncSession, workspace_id: str) -> None:
    """The write side of a move (decision 0010): a KEY SHARE lock on the workspace's row
    on this shard, held until the transaction ends. Writers do not block each other (the
    event counter's UPDATE takes a weaker lock than FOR UPDATE), but a move's final switch,
    which takes FOR UPDATE, waits for every write in flight and holds new ones; once it has
    committed, they find `moved_to` set and go to the new shard. A row that is not there
    (a workspace being created in this transaction) has nothing to fence."""
    moved_to = await session.scalar(
        text("SELECT moved_to FROM workspaces WHERE id = :id FOR KEY SHARE"), {"id": workspace_id}
    )
    if moved_to is not None:
        raise WorkspaceMoved(workspace_id, str(moved_to))


class ShardLocator(Protocol):
    """Which shard a workspace lives on (the directory: platform/shards.py)."""

    async def shard_of(self, workspace_id: str, *, fresh: bool = False) -> str: ...

    async def shard_of_domain(self, domain: str) -> str: ...

    def forget(self, workspace_id: str) -> None: ...


@dataclass(frozen=True)
class Binding:
    """Where the current task's database work goes: a shard, and the workspace it acts
    for (a request, a socket) or None (a per-shard worker, the directory)."""

    shard: str
    workspace_id: str | None = None


_BOUND: ContextVar[Binding | None] = ContextVar("parley_db_binding", default=None)


class _PrimaryOnly:
    """The locator of an unsharded database: every workspace is on the primary."""

    async def shard_of(self, workspace_id: str, *, fresh: bool = False) -> str:
        return PRIMARY

    async def shard_of_domain(self, domain: str) -> str:
        return PRIMARY

    def forget(self, workspace_id: str) -> None:
        return None


class Database:
    """What every handler, action and worker calls: routes each read and write to the
    shard of the workspace the current task is bound to (`bind_workspace`, set once per
    request, socket or worker task), the primary when unbound.

    Unsharded (the default, and always on SQLite) there is one shard and nothing is looked
    up: `read()`/`write()` are the primary's own. Sharding is PostgreSQL only.
    """

    def __init__(
        self, url: str, *, shard_urls: Mapping[str, str] | None = None, echo: bool = False
    ) -> None:
        self.primary = Shard(PRIMARY, url, echo=echo)
        self.shards: dict[str, Shard] = {PRIMARY: self.primary}
        for name, shard_url in (shard_urls or {}).items():
            if name in self.shards:
                raise ValueError(f"shard {name!r} is named twice")
            self.shards[name] = Shard(name, shard_url, echo=echo)
        self.url = url
        self.is_sqlite = self.primary.is_sqlite
        self.sharded = len(self.shards) > 1
        if self.sharded and any(shard.is_sqlite for shard in self.shards.values()):
            raise ValueError("sharding needs PostgreSQL: every shard URL must be postgresql")
        self.locator: ShardLocator = _PrimaryOnly()

    @property
    def read_engine(self) -> AsyncEngine:
        """The primary's reader engine (tools and tests that watch statements)."""
        return self.primary.read_engine

    @property
    def write_engine(self) -> AsyncEngine:
        """The primary's writer engine."""
        return self.primary.write_engine

    # --- the events of committed transactions ------------------------------------------

    @property
    def event_sink(self) -> EventSink | None:
        return self.primary.event_sink

    @event_sink.setter
    def event_sink(self, sink: EventSink | None) -> None:
        for shard in self.shards.values():
            shard.event_sink = sink

    # --- binding ----------------------------------------------------------------------

    def current(self) -> Shard:
        """The shard the current task is bound to (the primary when unbound)."""
        binding = _BOUND.get()
        return self.primary if binding is None else self.shards[binding.shard]

    async def bind_workspace(self, workspace_id: str) -> Token[Binding | None] | None:
        """Route this task's work to the workspace's shard until `unbind`; None (nothing to
        undo) when unsharded."""
        if not self.sharded:
            return None
        shard = await self.locator.shard_of(workspace_id)
        return _BOUND.set(Binding(shard, workspace_id))

    async def bind_workspace_of_secret(self, secret: str) -> Token[Binding | None] | None:
        """`bind_workspace` for the workspace a secret names (`security.workspace_in_secret`);
        nothing when it names none."""
        workspace_id = workspace_in_secret(secret) if self.sharded else None
        return None if workspace_id is None else await self.bind_workspace(workspace_id)

    def unbind(self, token: Token[Binding | None] | None) -> None:
        if token is not None:
            _BOUND.reset(token)

    @asynccontextmanager
    async def workspace(self, workspace_id: str | None) -> AsyncIterator[None]:
        """Bound to `workspace_id`'s shard for the block (None: left as it is)."""
        token = None if workspace_id is None else await self.bind_workspace(workspace_id)
        try:
            yield
        finally:
            self.unbind(token)

    @contextmanager
    def isolated(self) -> Iterator[None]:
        """Whatever the block binds is undone after it (an HTTP request outside `/api`,
        which binds itself once it knows its viewer: `webapi.http.viewer_of_get`)."""
        token = _BOUND.set(None)
        try:
            yield
        finally:
            _BOUND.reset(token)

    @contextmanager
    def on_shard(self, name: str, workspace_id: str | None = None) -> Iterator[None]:
        """Bound to the shard `name` for the block (per-shard workers, placement, moves)."""
        if name not in self.shards:
            raise KeyError(f"unknown shard {name!r}")
        token = _BOUND.set(Binding(name, workspace_id))
        try:
            yield
        finally:
            _BOUND.reset(token)

    # --- the three ways in --------------------------------------------------------------

    def read(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A read-only session on the current shard (see `Shard.read`)."""
        return self.current().read()

    def write(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """A write transaction on the current shard (see `Shard.write`); a task bound to a
        workspace of a sharded database writes through the move fence."""
        binding = _BOUND.get()
        if not self.sharded or binding is None or binding.workspace_id is None:
            return self.current().write()
        return self._fenced_write(binding.shard, binding.workspace_id)

    async def write_unit(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """One unit of work (see `Shard.write_unit`), on the current shard."""
        if not self.sharded:
            return await self.primary.write_unit(work)
        async with self.write() as uow:
            return await work(uow)

    @asynccontextmanager
    async def _fenced_write(self, shard: str, workspace_id: str) -> AsyncIterator[UnitOfWork]:
        async with AsyncExitStack() as stack:
            for _ in range(MOVE_RETRIES):
                try:
                    uow = await stack.enter_async_context(
                        self.shards[shard].write(fence=workspace_id)
                    )
                    break
                except WorkspaceMoved as moved:
                    # Moved since this node looked. The fence names the new shard (the
                    # directory is updated just after it): go there, and keep the rest of
                    # the task (its reads too) on it.
                    self.locator.forget(workspace_id)
                    shard = moved.moved_to
                    if shard not in self.shards:
                        shard = await self.locator.shard_of(workspace_id, fresh=True)
                    _BOUND.set(Binding(shard, workspace_id))
            else:
                raise WorkspaceMoved(workspace_id, shard)
            yield uow

    async def dispose(self) -> None:
        for shard in self.shards.values():
            await shard.dispose()
