"""PARLEY_DATABASE_URL in the forms people have: hosting services' `postgres://…` and
`postgresql://…` (no driver named) run on asyncpg, `sqlite:///path` on aiosqlite, and a URL
Parley cannot use stops `parley serve` / `parley migrate` with one clear line."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from parley.cli.main import app
from parley.platform.db import Database
from parley.platform.settings import Settings, UnusableDatabaseUrl, database_url_for
from tests.conftest import POSTGRES_URL

runner = CliRunner()


@pytest.mark.parametrize(
    ("given", "opened"),
    [
        (
            "postgresql://u:pw@db.example:5432/parley",
            "postgresql+asyncpg://u:pw@db.example:5432/parley",
        ),
        ("postgres://u:pw@db.example/parley", "postgresql+asyncpg://u:pw@db.example/parley"),
        ("postgresql+asyncpg://u@db.example/parley", "postgresql+asyncpg://u@db.example/parley"),
        (
            "postgres://u:pw@db.example/parley?sslmode=require",
            "postgresql+asyncpg://u:pw@db.example/parley?ssl=require",
        ),
        (
            "postgres://u:p%40ss@db.example/parley",
            "postgresql+asyncpg://u:p%40ss@db.example/parley",
        ),
        ("sqlite:////var/lib/parley/parley.db", "sqlite+aiosqlite:////var/lib/parley/parley.db"),
        ("sqlite+aiosqlite:////srv/p.db", "sqlite+aiosqlite:////srv/p.db"),
        (" postgres://u@db.example/parley\n", "postgresql+asyncpg://u@db.example/parley"),
    ],
)
def test_the_forms_parley_accepts(given: str, opened: str) -> None:
    assert database_url_for(given) == opened
    assert Settings(database_url=given).effective_database_url == opened


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("mysql://u@db.example/parley", "names mysql://"),
        ("postgresql+psycopg2://u@db.example/parley", "names postgresql+psycopg2://"),
        ("garbage", "is not a database URL"),
        ("sqlite://", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
        ("postgres://u@db.example", "names no database"),
    ],
)
def test_a_url_parley_cannot_use_is_refused_with_what_would_work(given: str, says: str) -> None:
    with pytest.raises(UnusableDatabaseUrl) as refused:
        database_url_for(given)
    assert says in str(refused.value)
    assert "postgresql://user:password@host/db" in str(refused.value)


@pytest.mark.parametrize("command", ["migrate", "serve"])
@pytest.mark.parametrize("given", ["mysql://u@db.example/parley", "garbage"])
def test_serve_and_migrate_stop_with_one_line_and_no_traceback(
    command: str, given: str, tmp_path: Path
) -> None:
    result = runner.invoke(app, [command, "--data-dir", str(tmp_path), "--database-url", given])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: PARLEY_DATABASE_URL"), lines
    assert "Traceback" not in result.output


def test_migrate_accepts_a_sqlite_url_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.db"
    result = runner.invoke(app, ["migrate"], env={"PARLEY_DATABASE_URL": f"sqlite:///{path}"})
    assert result.exit_code == 0, result.output
    assert path.exists()


@pytest.mark.skipif(
    not POSTGRES_URL.startswith("postgresql"), reason="needs PARLEY_TEST_DATABASE_URL=postgresql…"
)
@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_a_hosting_service_url_opens_postgresql_on_asyncpg(scheme: str) -> None:
    given = make_url(POSTGRES_URL).set(drivername=scheme, query={"sslmode": "disable"})
    raw = given.render_as_string(hide_password=False)
    result = runner.invoke(app, ["migrate"], env={"PARLEY_DATABASE_URL": raw})
    assert result.exit_code == 0, result.output

    async def select_one() -> object:
        db = Database(Settings(database_url=raw).effective_database_url)
        try:
            async with db.read() as session:
                return await session.scalar(text("SELECT 1"))
        finally:
            await db.dispose()

    assert asyncio.run(select_one()) == 1
