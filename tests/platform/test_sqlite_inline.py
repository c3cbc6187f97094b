"""The SQLite writer on the event loop (platform/sqlite_inline.py) and its checkpointer."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from parley.platform.db import Database
from parley.platform.sqlite_inline import Checkpointer, InlineConnection


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    async with database.write() as uow:
        await uow.session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
    yield database  # type: ignore[misc]
    await database.dispose()


async def test_writer_statements_run_on_the_loops_thread(db: Database) -> None:
    seen: list[str] = []

    def record(value: str) -> str:
        seen.append(threading.current_thread().name)
        return value

    async with db.write() as uow:
        raw = await uow.session.connection()
        driver = (await raw.get_raw_connection()).driver_connection
        assert isinstance(driver, InlineConnection)
        await driver.create_function("record", 1, record)
        await uow.session.execute(text("INSERT INTO t (v) VALUES (record('a'))"))
    assert seen == [threading.current_thread().name]
    async with db.read() as session:
        assert (await session.execute(text("SELECT v FROM t"))).scalar_one() == "a"


async def test_a_failing_statement_rolls_back_its_transaction(db: Database) -> None:
    async with db.write() as uow:
        await uow.session.execute(text("INSERT INTO t (v) VALUES ('x')"))

    async def insert_y_then_a_duplicate() -> None:
        async with db.write() as uow:
            await uow.session.execute(text("INSERT INTO t (v) VALUES ('y')"))
            await uow.session.execute(text("INSERT INTO t (v) VALUES ('x')"))

    with pytest.raises(IntegrityError):
        await insert_y_then_a_duplicate()
    async with db.read() as session:
        rows = (await session.execute(text("SELECT v FROM t ORDER BY v"))).scalars().all()
    assert rows == ["x"]  # 'y' went with the failed transaction


async def test_a_unit_that_fails_rolls_back_to_its_savepoint_alone(db: Database) -> None:
    async with db.write() as uow:
        await uow.session.execute(text("INSERT INTO t (v) VALUES ('kept')"))
        with pytest.raises(IntegrityError):
            async with uow.session.begin_nested():
                await uow.session.execute(text("INSERT INTO t (v) VALUES ('kept')"))
        await uow.session.execute(text("INSERT INTO t (v) VALUES ('after')"))
    async with db.read() as session:
        rows = (await session.execute(text("SELECT v FROM t ORDER BY v"))).scalars().all()
    assert rows == ["after", "kept"]


async def test_the_writer_leaves_checkpoints_to_the_checkpointer(db: Database) -> None:
    async with db.write() as uow:
        autocheckpoint = (await uow.session.execute(text("PRAGMA wal_autocheckpoint"))).scalar()
    assert autocheckpoint == 0  # a commit never copies the log into the file (no fsync)
    assert db.primary._checkpointer is not None  # …the checkpointer's thread does


async def test_checkpointer_thread_copies_the_log_and_stops(tmp_path: Path) -> None:
    path = str(tmp_path / "c.db")
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("PRAGMA wal_autocheckpoint=0")
    setup.execute("CREATE TABLE t (v TEXT)")
    setup.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 500)
    checkpointer = Checkpointer(path, every_s=0.05)
    checkpointer.start()
    checkpointer.stop()  # one last pass on the way out
    busy, log_pages, done = Checkpointer.checkpoint(setup)
    setup.close()
    assert busy == 0 and done == log_pages  # nothing left behind
