"""The audit trail: security-relevant actions are recorded, owners read them, nobody can
change them through the API. Extends tests/audit/test_api.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from parley.composition import install
from parley.features.audit.models import AuditEntry
from parley.platform.services import Services
from parley.platform.settings import Settings
from parley.platform.webapi.registry import REGISTRY
from tests.conftest import Api
from tests.factories import PASSWORD, Factory
from tests.security.test_isolation import CHANNEL_VARIANTS, _arguments
from tests.security.world import app_manifest, build_workspace_a

install()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        public_url="http://parley.test",
        rate_limits_enabled=False,
    )


async def _rows(services: Services, workspace_id: str) -> list[tuple[Any, ...]]:
    async with services.db.read() as session:
        result = await session.execute(
            select(AuditEntry).where(AuditEntry.workspace_id == workspace_id)
        )
        return sorted(
            tuple(getattr(row, c.key) for c in AuditEntry.__table__.columns)
            for row in result.scalars()
        )


async def test_security_actions_are_recorded(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    owner = team.owner.token
    member = await factory.user(team)
    await api("admin.users.setRole", owner, user_id=member.user_id, role="admin")
    await api("admin.users.setRole", owner, user_id=member.user_id, role="member")
    await api("admin.users.setActive", owner, user_id=member.user_id, active="false")
    await api("admin.users.setActive", owner, user_id=member.user_id, active="true")
    invite = await api("admin.invites.create", owner, email="new@x.example")
    await api("admin.invites.revoke", owner, invite_id=invite["invite"]["id"])
    await client.post(
        "/api/auth.signin",
        json={"domain": team.domain, "email": team.owner.email, "password": "wrong"},
    )
    signed = await client.post(
        "/api/auth.signin",
        json={"domain": team.domain, "email": team.owner.email, "password": PASSWORD},
    )
    await client.post("/api/auth.signout", headers={"X-Parley-CSRF": signed.json()["csrf_token"]})
    client.cookies.clear()
    spare = await factory.token(team.owner)
    await api("auth.revoke", spare)
    actions = {e["action"] for e in (await api("admin.audit", owner, limit=200))["entries"]}
    expected = {
        "role_changed",
        "user_deactivated",
        "user_reactivated",
        "invite_created",
        "invite_revoked",
        "user_login_failed",
        "user_login",
        "user_logout",
        "token_revoked",
    }
    assert expected <= actions, expected - actions
    failed = await api("admin.audit", owner, action="user_login_failed")
    entry = failed["entries"][0]
    assert "wrong" not in json.dumps(entry)  # the attempted password is never recorded


async def test_app_install_is_recorded(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    created = await api(
        "apps.manifest.create", team.owner.token, manifest=json.dumps(app_manifest("Audited"))
    )
    assert created["ok"], created
    entries = (await api("admin.audit", team.owner.token))["entries"]
    recorded = {(e["action"], e["entity"]["id"]) for e in entries}
    assert ("app_installed", created["app_id"]) in recorded, entries


async def test_only_owners_read_the_audit_trail(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    readers = {
        "admin": await factory.user(team, role="admin"),
        "member": await factory.user(team),
        "guest": await factory.user(team, role="guest"),
    }
    bot = await factory.bot(team)
    for role, person in readers.items():
        assert (await api("admin.audit", person.token))["error"] == "not_an_owner", role
    assert (await api("admin.audit", bot.token))["error"] == "not_allowed_token_type"
    for role in ("member", "guest"):
        assert (await api("team.accessLogs", readers[role].token))["error"] == "not_an_admin"


async def test_no_method_alters_the_audit_trail(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    """Call every registered method as the owner, aimed at the workspace's own objects; the
    rows already in the trail stay exactly as they were (new rows may only be added)."""
    a = await build_workspace_a(api, client, factory)
    await api("admin.users.setRole", a.owner.token, user_id=a.member.user_id, role="admin")
    before = await _rows(services, a.team.team_id)
    assert before
    entry_ids = [str(row[0]) for row in before]
    for name in sorted(REGISTRY):
        if name in {"auth.revoke", "auth.signout"}:
            continue  # they would only end the owner's token (and record that)
        args = _arguments(REGISTRY[name], a, CHANNEL_VARIANTS[0])
        args.update({p: entry_ids[0] for p in REGISTRY[name].params.model_fields if p == "id"})
        await api.client.post(
            f"/api/{name}", data=args, headers={"Authorization": f"Bearer {a.owner.token}"}
        )
    after = await _rows(services, a.team.team_id)
    kept = [row for row in after if str(row[0]) in set(entry_ids)]
    assert kept == before
    assert [n for n in REGISTRY if "audit" in n.lower() and n != "admin.audit"] == []
