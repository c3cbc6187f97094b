"""Migration 0010 on a database with people in it, on SQLite and (when configured) PostgreSQL:
upgrade from 0009 with raw rows, check accounts, links, sessions and conflicts, sign in
with the migrated data, then downgrade and check the passwords are back on the members."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from parley.features.auth.actions import check_sign_in
from parley.platform.db import Database
from parley.platform.migrate import alembic_config
from parley.platform.origin import CLI_ORIGIN
from parley.platform.security import hash_password

POSTGRES_URL = os.environ.get("PARLEY_TEST_DATABASE_URL", "")
OLD_PASSWORD = "alice-first-password"
NEW_PASSWORD = "alice-second-password"
T0 = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database of its own (the migration goes down again), dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'accounts.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PARLEY_TEST_DATABASE_URL is not set: no PostgreSQL to migrate")
    name = f"parley_mig_{secrets.token_hex(4)}"
    server = create_async_engine(
        make_url(POSTGRES_URL).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    async with server.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        async with server.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await server.dispose()


async def migrate(url: str, revision: str, *, down: bool = False) -> None:
    step = command.downgrade if down else command.upgrade
    await asyncio.to_thread(step, alembic_config(url), revision)


def user_row(user_id: str, workspace_id: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": user_id,
        "workspace_id": workspace_id,
        "name": user_id.lower(),
        "email": None,
        "password_hash": None,
        "role": "member",
        "is_primary_owner": False,
        "is_bot": False,
        "bot_id": None,
        "app_id": None,
        "deleted": False,
        "real_name": user_id,
        "display_name": "",
        "first_name": "",
        "last_name": "",
        "title": "",
        "phone": "",
        "status_text": "",
        "status_emoji": "",
        "status_expiration": 0,
        "tz": "UTC",
        "avatar_url": "",
        "color": "9f69e7",
        "manual_presence": "auto",
        "created": T0,
        "updated": 0,
    }
    row.update(values)
    return row


async def insert(engine: AsyncEngine, table: str, rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    sql = text(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
    )
    async with engine.begin() as conn:
        await conn.execute(sql, rows)


async def seed_0009(engine: AsyncEngine) -> dict[str, str]:
    """Two workspaces. Alice is in both, with a different password each (newer in W2) and
    her email typed in another case; Bob and a bot in W1; Carol (no password) in W2."""
    hashes = {"old": hash_password(OLD_PASSWORD), "new": hash_password(NEW_PASSWORD)}
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
                "event_seq": 0,
                "settings": "{}",
            }
            for team in ("TW1", "TW2")
        ],
    )
    await insert(
        engine,
        "users",
        [
            user_row("UALICE1", "TW1", email="Alice@Example.com", password_hash=hashes["old"]),
            user_row("UBOB", "TW1", email="bob@example.com", password_hash="bob-hash"),
            user_row("UBOT", "TW1", is_bot=True, bot_id="BX", name="robot"),
            user_row(
                "UALICE2",
                "TW2",
                email="alice@example.com",
                password_hash=hashes["new"],
                created=T0 + timedelta(days=3),
            ),
            user_row("UCAROL", "TW2", email="carol@example.com"),
        ],
    )
    expires = T0 + timedelta(days=3650)
    await insert(
        engine,
        "browser_sessions",
        [
            {
                "session_hash": f"s-{user}",
                "workspace_id": team,
                "user_id": user,
                "csrf_token": "c",
                "created": T0,
                "expires_at": expires,
                "revoked_at": None,
            }
            for user, team in (("UALICE1", "TW1"), ("UALICE2", "TW2"), ("UBOT", "TW1"))
        ],
    )
    await insert(
        engine,
        "tokens",
        [
            {
                "token_hash": "t-bot",
                "workspace_id": "TW1",
                "user_id": "UBOT",
                "kind": "bot",
                "scopes": "",
                "app_id": None,
                "label": "",
                "created": T0,
                "revoked_at": None,
            }
        ],
    )
    return hashes


async def rows(engine: AsyncEngine, sql: str) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(text(sql))).all())


async def columns(engine: AsyncEngine, table: str) -> set[str]:
    async with engine.connect() as conn:
        found = await conn.run_sync(lambda sync: inspect(sync).get_columns(table))
    return {c["name"] for c in found}


async def test_0010_moves_people_to_accounts_and_back(empty_url: str) -> None:
    await migrate(empty_url, "0009")
    engine = create_async_engine(empty_url)
    try:
        hashes = await seed_0009(engine)
        await migrate(empty_url, "0010")
        await check_upgraded(engine, hashes)
        await migrate(empty_url, "0009", down=True)
        await check_downgraded(engine, hashes)
    finally:
        await engine.dispose()


async def check_upgraded(engine: AsyncEngine, hashes: dict[str, str]) -> None:
    accounts = {r.email: r for r in await rows(engine, "SELECT * FROM accounts")}
    assert set(accounts) == {"alice@example.com", "bob@example.com", "carol@example.com"}
    alice = accounts["alice@example.com"]
    assert alice.password_hash == hashes["new"]  # the newest member's password wins
    assert accounts["bob@example.com"].password_hash == "bob-hash"
    assert accounts["carol@example.com"].password_hash is None
    links = dict(await rows(engine, "SELECT id, account_id FROM users"))
    assert links["UALICE1"] == links["UALICE2"] == alice.id
    assert links["UBOB"] == accounts["bob@example.com"].id
    assert links["UBOT"] is None
    assert "password_hash" not in await columns(engine, "users")
    sessions = dict(await rows(engine, "SELECT user_id, account_id FROM browser_sessions"))
    assert sessions == {"UALICE1": alice.id, "UALICE2": alice.id}  # the bot's had no login
    assert await rows(engine, "SELECT token_hash FROM tokens") == [("t-bot",)]
    notes = await rows(engine, "SELECT workspace_id, action, entity_id FROM audit_log")
    assert notes == [("TW1", "account_password_merged", "UALICE1")]


async def check_downgraded(engine: AsyncEngine, hashes: dict[str, str]) -> None:
    passwords = dict(await rows(engine, "SELECT id, password_hash FROM users"))
    assert passwords == {
        "UALICE1": hashes["new"],
        "UALICE2": hashes["new"],
        "UBOB": "bob-hash",
        "UBOT": None,
        "UCAROL": None,
    }
    assert "account_id" not in await columns(engine, "users")
    assert "account_id" not in await columns(engine, "browser_sessions")
    assert len(await rows(engine, "SELECT id FROM browser_sessions")) == 2
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    assert "accounts" not in tables and "account_identities" not in tables


async def test_migrated_account_signs_in_to_both_workspaces(empty_url: str) -> None:
    await migrate(empty_url, "0009")
    engine = create_async_engine(empty_url)
    try:
        await seed_0009(engine)
    finally:
        await engine.dispose()
    await migrate(empty_url, "head")
    db = Database(empty_url)
    try:
        for domain, member in (("tw1", "UALICE1"), ("tw2", "UALICE2")):
            async with db.write() as uow:
                new = await check_sign_in(
                    uow, domain, "ALICE@example.com", NEW_PASSWORD, CLI_ORIGIN
                )
            assert new is not None and new.user.id == member
        async with db.write() as uow:  # the password merged away no longer signs in
            refused = await check_sign_in(uow, "tw1", "alice@example.com", OLD_PASSWORD, CLI_ORIGIN)
        assert refused is None
    finally:
        await db.dispose()
