"""Migrations: one linear history that runs on SQLite and PostgreSQL and is idempotent."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

from parley.platform.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    upgrade_to_head_async,
)


def test_history_is_linear() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    assert sum(1 for r in revisions if r.down_revision is None) == 1


async def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    await upgrade_to_head_async(url)
    await upgrade_to_head_async(url)
    assert await current_revision(url) == head_revision()


async def test_test_database_is_at_head(database_url: str) -> None:
    await upgrade_to_head_async(database_url)  # again: a no-op on SQLite or PostgreSQL
    assert await current_revision(database_url) == head_revision()
