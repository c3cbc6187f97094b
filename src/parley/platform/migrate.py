"""Run Alembic migrations programmatically (used by `parley migrate` and on `parley serve`)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine

from parley.platform.plugins import PLATFORM

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def version_locations() -> list[Path]:
    """The platform's revisions and every installed feature's, one linear history."""
    if not PLATFORM.features:
        # Without the features their revisions are unknown and "head" would be wrong.
        raise RuntimeError("install the features (parley.composition.install) before migrating")
    return [MIGRATIONS_DIR / "versions", *PLATFORM.migration_dirs]


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "version_locations", os.pathsep.join(str(path) for path in version_locations())
    )
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


async def current_revision(database_url: str) -> str | None:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()


def upgrade_to_head(database_url: str) -> None:
    """Bring the schema to the newest revision; a no-op when it is already there."""
    command.upgrade(alembic_config(database_url), "head")


async def upgrade_to_head_async(database_url: str) -> None:
    # Alembic's env.py starts its own event loop, so run it off this one.
    await asyncio.to_thread(upgrade_to_head, database_url)
