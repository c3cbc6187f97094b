"""Migration 0012 with cursors in it, on SQLite and (when configured) PostgreSQL: the apps
delivery cursors move into the platform's `event_log_cursors` under the `app-events`
consumer, other consumers' cursors stay, and a downgrade puts them back."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from parley.features.apps.models import EVENTS_CONSUMER
from tests.features.accounts.test_migration_accounts import empty_url, insert, migrate, rows

__all__ = ["empty_url"]  # the fixture: a database of its own per dialect

T0 = datetime(2024, 1, 1, tzinfo=UTC)


async def seed_0011(engine: AsyncEngine) -> None:
    """Three workspaces: two with delivery cursors, one an unfurl cursor too."""
    await insert(
        engine,
        "workspaces",
        [
            {
                "id": team,
                "name": team,
                "domain": team.lower(),
                "email_domain": "",
                "icon_url": "",
                "created": T0,
                "event_seq": 40,
                "settings": "{}",
            }
            for team in ("TW1", "TW2", "TW3")
        ],
    )
    await insert(
        engine,
        "app_event_cursors",
        [{"workspace_id": "TW1", "last_seq": 7}, {"workspace_id": "TW2", "last_seq": 31}],
    )
    await insert(
        engine,
        "event_log_cursors",
        [{"consumer": "unfurls", "workspace_id": "TW1", "last_seq": 12}],
    )


async def tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def platform_cursors(engine: AsyncEngine) -> set[tuple[str, str, int]]:
    found = await rows(engine, "SELECT consumer, workspace_id, last_seq FROM event_log_cursors")
    return {(consumer, workspace, int(seq)) for consumer, workspace, seq in found}


async def test_0012_moves_delivery_cursors_to_the_consumer_and_back(empty_url: str) -> None:
    await migrate(empty_url, "0011")
    engine = create_async_engine(empty_url)
    try:
        await seed_0011(engine)
        await migrate(empty_url, "0012")
        assert "app_event_cursors" not in await tables(engine)
        assert await platform_cursors(engine) == {
            ("unfurls", "TW1", 12),
            (EVENTS_CONSUMER, "TW1", 7),
            (EVENTS_CONSUMER, "TW2", 31),
        }
        await migrate(empty_url, "0011", down=True)
        old = await rows(engine, "SELECT workspace_id, last_seq FROM app_event_cursors")
        assert {(workspace, int(seq)) for workspace, seq in old} == {("TW1", 7), ("TW2", 31)}
        assert await platform_cursors(engine) == {("unfurls", "TW1", 12)}
    finally:
        await engine.dispose()
