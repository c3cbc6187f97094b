"""The audit log records admin and security actions and only owners/admins can read it."""

from __future__ import annotations

import httpx

from parley.platform.webapi.registry import REGISTRY
from tests.conftest import Api
from tests.factories import PASSWORD, Factory


async def _signin(client: httpx.AsyncClient, domain: str, email: str, password: str) -> None:
    await client.post(
        "/api/auth.signin",
        json={"domain": domain, "email": email, "password": password},
        headers={"User-Agent": "pytest-browser/1.0"},
    )


async def test_security_actions_are_recorded(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    await api("admin.users.setRole", team.owner.token, user_id=member.user_id, role="admin")
    await api("admin.users.setActive", team.owner.token, user_id=member.user_id, active="false")
    await api("admin.invites.create", team.owner.token, email="new@x.example")
    await _signin(client, team.domain, team.owner.email, "wrong-password")
    await _signin(client, team.domain, team.owner.email, PASSWORD)
    spare = await factory.token(team.owner)
    await api("auth.revoke", spare)
    body = await api("admin.audit", team.owner.token)
    actions = [e["action"] for e in body["entries"]]
    for expected in (
        "role_changed",
        "user_deactivated",
        "invite_created",
        "user_login_failed",
        "user_login",
        "token_revoked",
    ):
        assert expected in actions, actions
    role = next(e for e in body["entries"] if e["action"] == "role_changed")
    assert role["details"] == {"previous_role": "member", "new_role": "admin"}
    assert role["actor"]["user"]["id"] == team.owner.user_id
    assert role["entity"] == {"type": "user", "id": member.user_id}
    only_logins = await api("admin.audit", team.owner.token, action="user_login")
    assert {e["action"] for e in only_logins["entries"]} == {"user_login"}


async def test_access_logs_summarise_sign_ins(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    for _ in range(2):
        await _signin(client, team.domain, team.owner.email, PASSWORD)
    logs = await api("team.accessLogs", team.owner.token)
    assert logs["logins"][0]["user_id"] == team.owner.user_id
    assert logs["logins"][0]["count"] == 2
    assert logs["logins"][0]["user_agent"] == "pytest-browser/1.0"


async def test_only_owners_read_and_nobody_writes(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    admin = await factory.user(team, role="admin")
    member = await factory.user(team)
    assert (await api("admin.audit", admin.token))["error"] == "not_an_owner"
    assert (await api("team.accessLogs", member.token))["error"] == "not_an_admin"
    assert (await api("team.accessLogs", admin.token))["ok"]
    writers = [name for name in REGISTRY if name.startswith(("admin.audit.", "team.accessLogs."))]
    assert writers == []


async def test_audit_is_per_workspace(api: Api, factory: Factory) -> None:
    a, b = await factory.workspace(), await factory.workspace()
    member = await factory.user(a)
    await api("admin.users.setRole", a.owner.token, user_id=member.user_id, role="admin")
    seen = await api("admin.audit", b.owner.token)
    assert all(e["entity"]["id"] != member.user_id for e in seen["entries"])


async def test_audit_pagination(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    for role in ("admin", "member", "admin"):
        await api("admin.users.setRole", team.owner.token, user_id=member.user_id, role=role)
    first = await api("admin.audit", team.owner.token, limit=2)
    assert len(first["entries"]) == 2
    second = await api(
        "admin.audit", team.owner.token, limit=2, cursor=first["response_metadata"]["next_cursor"]
    )
    ids = [e["id"] for e in first["entries"] + second["entries"]]
    assert len(ids) == len(set(ids)) == 3
