"""Workspace sharding over two real PostgreSQL databases (decision 0010).

Runs only when PARLEY_TEST_DATABASE_URL is PostgreSQL: the fixture creates two fresh
databases on that server (a primary, which holds the directory, and shard `b`), migrates
them, and drops them at the end.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from parley.main import build_services, create_app, migrate_shards
from parley.platform.db import PRIMARY, Database, Shard
from parley.platform.moves import MoveError, move_workspace, unmoved_tables, workspace_tables
from parley.platform.services import Services
from parley.platform.settings import Settings
from parley.platform.shards import directory_of
from parley.platform.tenancy import Workspace, WorkspaceShard
from tests.conftest import POSTGRES_URL, Api, LiveServer
from tests.factories import Factory, Team
from tests.platform.events.helpers import open_rtm

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL.startswith("postgresql"), reason="sharding is PostgreSQL only"
)


def _server_dsn(database: str) -> str:
    url = make_url(POSTGRES_URL).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(_server_dsn("postgres"))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture
def shard_urls() -> Iterator[tuple[str, str]]:
    """Two fresh databases: (primary URL, shard b URL); dropped afterwards."""
    suffix = secrets.token_hex(4)
    names = (f"parley_shard_primary_{suffix}", f"parley_shard_b_{suffix}")
    for name in names:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    base = make_url(POSTGRES_URL)
    urls = tuple(base.set(database=n).render_as_string(hide_password=False) for n in names)
    try:
        yield urls[0], urls[1]
    finally:
        for name in names:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def sharded_settings(shard_urls: tuple[str, str], tmp_path: Path) -> Settings:
    primary, b = shard_urls
    return Settings(
        data_dir=tmp_path,
        database_url=primary,
        shard_urls=f"b={b}",
        shard_directory_ttl=0.5,
        public_url="http://parley.test",
        rate_limits_enabled=False,
    )


@pytest.fixture
async def sharded(sharded_settings: Settings) -> AsyncIterator[Services]:
    services = build_services(sharded_settings)
    await migrate_shards(services.db)
    yield services
    await services.db.dispose()


@pytest.fixture
async def api(sharded: Services, sharded_settings: Settings) -> AsyncIterator[Api]:
    app = create_app(sharded_settings, migrate=False, services=sharded, start_workers=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://parley.test") as http:
        yield Api(http)


async def _count(shard: Shard, table: str, workspace_id: str) -> int:
    column = "id" if table == "workspaces" else "workspace_id"
    async with shard.read() as session:
        value = await session.scalar(
            text(f'SELECT count(*) FROM "{table}" WHERE {column} = :w'), {"w": workspace_id}
        )
    return int(value or 0)


async def _rows_everywhere(shard: Shard, workspace_id: str) -> int:
    """All rows of the workspace on `shard`, over every workspace table (tombstone included)."""
    return sum([await _count(shard, t.name, workspace_id) for t in workspace_tables()])


async def _where(db: Database, workspace_id: str) -> str:
    directory = directory_of(db)
    assert directory is not None
    return await directory.shard_of(workspace_id, fresh=True)


async def _post(api: Api, team: Team, text_: str) -> dict[str, Any]:
    general = await api("conversations.list", team.owner.token)
    channel = next(c["id"] for c in general["channels"] if c["name"] == "general")
    posted = await api("chat.postMessage", team.owner.token, channel=channel, text=text_)
    assert posted["ok"], posted
    return posted


# --- placement ------------------------------------------------------------------------------


async def test_a_new_workspace_goes_to_the_emptiest_shard(sharded: Services) -> None:
    factory = Factory(sharded.db)
    directory = directory_of(sharded.db)
    assert directory is not None
    placed = []
    for _ in range(4):
        before = await directory.workspace_counts()
        team = await factory.workspace()
        shard = await _where(sharded.db, team.team_id)
        assert before[shard] == min(before.values())
        placed.append(shard)
    assert placed == [PRIMARY, "b", PRIMARY, "b"]  # ties go to the shard configured first
    assert await directory.workspace_counts() == {PRIMARY: 2, "b": 2}


async def test_a_domain_is_unique_across_shards(sharded: Services, api: Api) -> None:
    team = await Factory(sharded.db).workspace()
    again = await api(
        "auth.signup",
        team_name="Copy",
        domain=team.domain,
        email="someone@example.com",
        password="correct-horse-battery",
    )
    assert again == {"ok": False, "error": "domain_taken"}
    async with sharded.db.primary.read() as session:
        rows = await session.scalar(select(func.count()).select_from(WorkspaceShard))
    assert rows == 1  # the refused sign-up left no reservation behind


# --- routing --------------------------------------------------------------------------------


async def test_requests_for_a_workspace_touch_only_its_shard(sharded: Services, api: Api) -> None:
    factory = Factory(sharded.db)
    a = await factory.workspace("A")
    b = await factory.workspace("B")
    assert (await _where(sharded.db, a.team_id), await _where(sharded.db, b.team_id)) == (
        PRIMARY,
        "b",
    )
    for team in (a, b):
        member = await factory.user(team)
        assert (await api("auth.test", member.token))["team_id"] == team.team_id
        await _post(api, team, f"hello from {team.team_id}")
        history = await api("conversations.list", team.owner.token)
        assert history["ok"]
    primary, shard_b = sharded.db.shards[PRIMARY], sharded.db.shards["b"]
    # Each workspace's rows are on its shard, and none on the other one.
    assert await _rows_everywhere(shard_b, a.team_id) == 0
    assert await _rows_everywhere(primary, b.team_id) == 0
    for table in ("workspaces", "users", "tokens", "messages", "event_log"):
        assert await _count(primary, table, a.team_id) > 0, table
        assert await _count(shard_b, table, b.team_id) > 0, table


async def test_a_browser_session_of_a_workspace_on_the_second_shard(
    sharded: Services, api: Api
) -> None:
    factory = Factory(sharded.db)
    await factory.workspace()  # the primary gets this one; the next goes to b
    team = await factory.workspace()
    assert await _where(sharded.db, team.team_id) == "b"
    signed_in = await api(
        "auth.signin", domain=team.domain, email=team.owner.email, password="correct-horse-battery"
    )
    assert signed_in["ok"], signed_in
    response = await api.client.post(
        "/api/auth.test", headers={"x-parley-csrf": signed_in["csrf_token"]}
    )
    assert response.json()["team_id"] == team.team_id


async def test_events_reach_sockets_of_a_workspace_on_the_second_shard(
    sharded_settings: Settings, sharded: Services
) -> None:
    factory = Factory(sharded.db)
    await factory.workspace()
    team = await factory.workspace()
    assert await _where(sharded.db, team.team_id) == "b"
    with LiveServer(sharded_settings) as server:
        rtm = await open_rtm(server, team.owner.token)
        async with httpx.AsyncClient(base_url=server.url) as http:
            live = Api(http)
            await _post(live, team, "over the socket")
        event = await rtm.event()
        assert event["type"] == "message" and event["text"] == "over the socket"
        await rtm.close()


# --- moving a workspace ---------------------------------------------------------------------


async def test_a_move_copies_verifies_switches_and_the_workspace_works_after(
    sharded_settings: Settings, sharded: Services, api: Api
) -> None:
    db = sharded.db
    factory = Factory(db)
    moving = await factory.workspace("Moving")  # primary
    await factory.workspace("Elsewhere")  # b
    staying = await factory.workspace("Staying")  # primary, untouched by the move
    member = await factory.user(moving)
    for n in range(30):
        await _post(api, moving, f"before {n}")
    await _post(api, staying, "stays here")
    primary, shard_b = db.shards[PRIMARY], db.shards["b"]
    staying_rows = await _rows_everywhere(primary, staying.team_id)
    before = {t.name: await _count(primary, t.name, moving.team_id) for t in workspace_tables()}
    token_before = (await api("auth.test", member.token))["user_id"]

    # A write that arrives while the switch holds the workspace waits, then goes to b.
    during: list[asyncio.Task[dict[str, Any]]] = []

    def progress(label: str, done: int, total: int) -> None:
        if label == "switch: verify" and done == 0:
            during.append(asyncio.create_task(_post(api, moving, "during the switch")))

    report = await move_workspace(db, moving.team_id, "b", progress, settle_seconds=0.0)
    assert report.source == PRIMARY and report.target == "b"
    assert {c.table: c.rows for c in report.verified} == before
    assert await _where(db, moving.team_id) == "b"
    assert (await during[0])["ok"]
    # The other workspace on the old shard is untouched, and b never saw its rows.
    assert await _rows_everywhere(primary, staying.team_id) == staying_rows
    assert await _rows_everywhere(shard_b, staying.team_id) == 0

    # The old shard keeps only the fence row; everything is on b, the racing post too.
    assert await _rows_everywhere(primary, moving.team_id) == 1
    async with primary.read() as session:
        fence = await session.get(Workspace, moving.team_id)
    assert fence is not None and fence.moved_to == "b"
    assert await _count(shard_b, "messages", moving.team_id) == before["messages"] + 1

    # The workspace works on b: tokens, posting, history, events.
    assert (await api("auth.test", member.token))["user_id"] == token_before
    await _post(api, moving, "after the move")
    channels = await api("conversations.list", moving.owner.token)
    general = next(c["id"] for c in channels["channels"] if c["name"] == "general")
    history = await api("conversations.history", moving.owner.token, channel=general, limit=100)
    texts = [m["text"] for m in history["messages"]]
    assert texts[0] == "after the move" and "during the switch" in texts and "before 0" in texts
    with LiveServer(sharded_settings) as server:
        rtm = await open_rtm(server, member.token)
        async with httpx.AsyncClient(base_url=server.url) as http:
            await _post(Api(http), moving, "live after the move")
        assert (await rtm.event())["text"] == "live after the move"
        await rtm.close()


async def test_a_write_on_the_old_shard_after_the_switch_is_refused(sharded: Services) -> None:
    """The fence holds even for work that is not bound to the workspace (a worker)."""
    from parley.platform.db import WorkspaceMoved
    from parley.platform.events.emit import emit, workspace_audience

    db = sharded.db
    team = await Factory(db).workspace()
    await move_workspace(db, team.team_id, "b", settle_seconds=0.0)
    payload = {"type": "user_typing", "channel": "C1", "user": team.owner.user_id}

    async def write_on_the_old_shard() -> None:
        with db.on_shard(PRIMARY):
            async with db.write() as uow:
                await emit(uow, team.team_id, payload, workspace_audience())

    with pytest.raises(WorkspaceMoved):
        await write_on_the_old_shard()


async def test_moving_to_the_shard_it_is_on_is_refused(sharded: Services) -> None:
    team = await Factory(sharded.db).workspace()
    with pytest.raises(MoveError):
        await move_workspace(sharded.db, team.team_id, PRIMARY, settle_seconds=0.0)


def test_tables_without_a_workspace_stay_behind() -> None:
    stay = set(unmoved_tables())
    assert {"accounts", "workspace_shards", "event_log_consumer_leases"} <= stay
    assert "messages" not in stay and "workspaces" not in stay


async def test_invitations_and_files_of_a_workspace_on_the_second_shard(
    sharded: Services, api: Api
) -> None:
    """Secrets with no caller behind them (invite codes, upload URLs) and routes outside
    /api (downloads, public links) find the shard too."""
    from tests.features.files.helpers import path_of, upload_bytes

    factory = Factory(sharded.db)
    await factory.workspace()
    team = await factory.workspace()
    assert await _where(sharded.db, team.team_id) == "b"
    invite = await api("admin.invites.create", team.owner.token)
    accept = {"code": invite["code"], "email": "new@x.example", "password": "correct-horse-battery"}
    accepted = (await api.client.post("/api/auth.acceptInvite", json=accept)).json()
    assert accepted["ok"] and accepted["team_id"] == team.team_id, accepted

    file = await upload_bytes(api, api.client, team.owner.token, b"sharded bytes")
    download = await api.client.get(
        path_of(file["url_private"]), headers={"Authorization": f"Bearer {team.owner.token}"}
    )
    assert download.status_code == 200 and download.content == b"sharded bytes"
    shared = await api("files.sharedPublicURL", team.owner.token, file=file["id"])
    assert shared["ok"], shared
    public = await api.client.get(path_of(shared["file"]["permalink_public"]))
    assert public.status_code in (200, 302), public.text
    assert await _count(sharded.db.shards["b"], "files", team.team_id) == 1
    assert await _count(sharded.db.shards[PRIMARY], "files", team.team_id) == 0


async def test_a_move_stopped_after_its_switch_is_finished_by_running_it_again(
    sharded: Services, api: Api
) -> None:
    """The fence is the decision: once it committed, the directory may lag (a crash), and
    writes are still sent to the new shard; the next run points the directory and cleans."""
    from parley.platform.moves import MoveReport, _copy_and_switch

    db = sharded.db
    team = await Factory(db).workspace()
    primary, shard_b = db.shards[PRIMARY], db.shards["b"]
    report = MoveReport(team.team_id, PRIMARY, "b")
    await _copy_and_switch(primary, shard_b, team.team_id, report, lambda *_: None)
    assert await _where(db, team.team_id) == PRIMARY  # "crashed" before the directory
    await _post(api, team, "between the switch and the directory")  # redirected by the fence
    assert await _count(shard_b, "messages", team.team_id) == 1

    finished = await move_workspace(db, team.team_id, "b", settle_seconds=0.0)
    assert finished.copied == {}  # nothing copied again
    assert await _where(db, team.team_id) == "b"
    assert await _rows_everywhere(primary, team.team_id) == 1  # the fence row only
    assert (await api("auth.test", team.owner.token))["team_id"] == team.team_id


def test_the_move_command(shard_urls: tuple[str, str], tmp_path: Path) -> None:
    """`parley shard move` end to end: progress, verification, the answer."""
    import json

    from typer.testing import CliRunner

    from parley.cli.main import app as cli

    primary, b = shard_urls
    env = {
        "PARLEY_DATABASE_URL": primary,
        "PARLEY_SHARD_URLS": f"b={b}",
        "PARLEY_SHARD_DIRECTORY_TTL": "0.1",
        "PARLEY_DATA_DIR": str(tmp_path),
    }
    runner = CliRunner()
    create = [
        "workspace", "create", "--name", "Acme", "--domain", "acme-cli",
        "--owner-email", "o@acme.example", "--owner-password", "correct-horse-battery", "--json",
    ]  # fmt: skip
    created = runner.invoke(cli, create, env=env)
    assert created.exit_code == 0, created.output
    team_id = json.loads(created.output)["team_id"]
    listed = runner.invoke(cli, ["shard", "list", "--json"], env=env)
    assert json.loads(listed.output) == {PRIMARY: 1, "b": 0}
    moved = runner.invoke(
        cli, ["shard", "move", "--workspace", team_id, "--to", "b", "--json"], env=env
    )
    assert moved.exit_code == 0, moved.output
    answer = json.loads(moved.output)
    assert answer["from"] == PRIMARY and answer["to"] == "b" and answer["rows"] > 0
    assert answer["verified_tables"] == len(workspace_tables())
    assert json.loads(runner.invoke(cli, ["shard", "list", "--json"], env=env).output) == {
        PRIMARY: 0,
        "b": 1,
    }
    again = runner.invoke(cli, ["shard", "move", "--workspace", team_id, "--to", "b"], env=env)
    assert again.exit_code == 1 and "already on b" in again.output


async def test_a_move_that_meets_another_account_of_the_same_person_changes_nothing(
    sharded: Services, api: Api
) -> None:
    """Accounts are per shard: one email with an account on each shard stops the move
    before the switch, cleanly (the account directory is what lifts this)."""
    from parley.features.users.actions import do_create_user

    db = sharded.db
    factory = Factory(db)
    a = await factory.workspace()  # primary
    b = await factory.workspace()  # b
    for team in (a, b):
        async with db.workspace(team.team_id), db.write() as uow:
            await do_create_user(
                uow, team.team_id, email="same@person.example", password="correct-horse-battery"
            )
    with pytest.raises(MoveError, match="conflicts on b"):
        await move_workspace(db, a.team_id, "b", settle_seconds=0.0)
    assert await _where(db, a.team_id) == PRIMARY
    assert await _rows_everywhere(db.shards["b"], a.team_id) == 0
    await _post(api, a, "still here")  # untouched, and writable
