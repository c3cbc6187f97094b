"""SQLite for the writer connection without a thread hop per statement.

aiosqlite runs every statement on its own thread and hands the result back through the
event loop: a queue put, a thread wake-up, `call_soon_threadsafe`, and an event-loop pass
before the caller resumes. On the single SQLite writer that hop was a quarter of the
server's CPU under load (docs/benchmarks.md, issue 14), and every pass let other tasks run
in the middle of a write transaction. SQLite itself answers a chat-sized statement in a few
microseconds (WAL, `synchronous=NORMAL`: a commit writes to the WAL and does not fsync).

`InlineConnection` has the coroutine interface SQLAlchemy's aiosqlite dialect drives, but
runs each call on the event loop's own thread: the coroutines finish without suspending.
The one slow thing a commit could do, a WAL checkpoint (which fsyncs the database file), is
taken off the commit path: the writer connection turns automatic checkpoints off and
`Checkpointer` runs them on a thread of its own with its own connection.

Trade-off (docs/decisions/0011-sqlite-writer-on-the-event-loop.md): a long write statement
now holds the event loop, where before it held only the writer. Writes are short by rule
(bulk jobs write in batches, as they must anyway to let other writers in);
`PARLEY_SQLITE_WRITER=thread` brings back aiosqlite's thread.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

log = logging.getLogger("parley.db")

CHECKPOINT_EVERY_S = 1.0
# A WAL that outgrows this many pages between passes gets a RESTART checkpoint, which waits
# for readers to finish with the old log so that the file starts over instead of growing.
RESTART_AFTER_PAGES = 20_000


class InlineCursor:
    """An aiosqlite-shaped cursor whose coroutines run `sqlite3` calls at once."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        if size is None:
            return self._cursor.fetchmany()
        return self._cursor.fetchmany(size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _ImmediateQueue:
    """Stands in for aiosqlite's request queue, which SQLAlchemy's dialect uses directly to
    set `isolation_level`: the request runs at once and its future is settled."""

    __slots__ = ()

    def put_nowait(self, item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # the dialect re-raises it from the future
            future.set_exception(error)


class InlineConnection:
    """An aiosqlite-shaped connection over a `sqlite3` connection used on the loop's thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = connection
        self._tx = _ImmediateQueue()

    @property
    def _connection(self) -> sqlite3.Connection | None:
        """What the dialect checks before a commit or rollback: None once closed."""
        return self._conn

    def _require(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("no active connection")
        return self._conn

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._require().cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        return InlineCursor(self._require().execute(sql, parameters))

    async def commit(self) -> None:
        self._require().commit()

    async def rollback(self) -> None:
        self._require().rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._require().create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._require().isolation_level

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stop(self) -> None:
        """Terminate: what the dialect calls for a connection it gives up on."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def inline_creator(path: str) -> Callable[[], Any]:
    """The `async_creator` for `create_async_engine`: a writer connection on the loop."""

    async def connect() -> InlineConnection:
        # check_same_thread=False: the pool may close it from the thread that disposes it.
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA wal_autocheckpoint=0")  # Checkpointer's job, off the loop
        return InlineConnection(connection)

    return connect


class Checkpointer:
    """Copies the WAL back into the database file every second, on its own thread.

    PASSIVE never waits for anyone; when the log has grown past `RESTART_AFTER_PAGES`
    a RESTART checkpoint waits (up to the busy timeout) for readers so it can start over.
    """

    def __init__(self, path: str, *, every_s: float = CHECKPOINT_EVERY_S) -> None:
        self.path = path
        self.every_s = every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="parley-sqlite-checkpoint", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA busy_timeout=10000")
        try:
            while not self._stop.wait(self.every_s):
                self.checkpoint(connection)
            self.checkpoint(connection)  # what the last second wrote, before shutting down
        finally:
            connection.close()

    @staticmethod
    def checkpoint(connection: sqlite3.Connection) -> tuple[int, int, int]:
        """One pass; returns SQLite's (busy, log pages, checkpointed pages)."""
        try:
            busy, log_pages, done = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if log_pages > RESTART_AFTER_PAGES:
                busy, log_pages, done = connection.execute(
                    "PRAGMA wal_checkpoint(RESTART)"
                ).fetchone()
        except sqlite3.Error:
            log.warning("SQLite checkpoint failed; the next pass retries", exc_info=True)
            return (1, 0, 0)
        return (int(busy), int(log_pages), int(done))
