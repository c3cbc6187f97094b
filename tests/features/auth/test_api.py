"""auth.*: tokens, revocation, browser sessions with CSRF, sign-up, invitations."""

from __future__ import annotations

import secrets
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from parley.features.auth.models import Invitation, Token
from parley.platform.clock import utc_now
from parley.platform.security import hash_secret
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import PASSWORD, Factory


async def test_auth_test_fields_for_user_and_bot(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    body = await api("auth.test", team.owner.token)
    assert set(body) >= {"ok", "url", "team", "user", "team_id", "user_id", "is_enterprise_install"}
    assert "bot_id" not in body
    bot = await factory.bot(team)
    bot_body = await api("auth.test", bot.token)
    assert bot_body["bot_id"].startswith("B") and bot_body["user_id"] == bot.user_id
    assert bot.token.startswith("xoxb-") and team.owner.token.startswith("xoxp-")


async def test_tokens_are_stored_only_as_hashes(services: Services, factory: Factory) -> None:
    team = await factory.workspace()
    async with services.db.read() as session:
        stored = (await session.execute(select(Token.token_hash))).scalars().all()
    assert hash_secret(team.owner.token) in stored
    assert team.owner.token not in stored


async def test_revoke_and_test_mode(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    spare = await factory.token(team.owner)
    assert await api("auth.revoke", spare, test="1") == {"ok": True, "revoked": False}
    assert await api("auth.revoke", spare) == {"ok": True, "revoked": True}
    assert (await api("auth.test", spare))["error"] == "token_revoked"
    assert (await api("auth.test", team.owner.token))["ok"]


async def _signin(
    client: httpx.AsyncClient, domain: str, email: str, password: str
) -> httpx.Response:
    return await client.post(
        "/api/auth.signin", json={"domain": domain, "email": email, "password": password}
    )


async def test_browser_session_cookie_and_csrf(client: httpx.AsyncClient, factory: Factory) -> None:
    team = await factory.workspace()
    response = await _signin(client, team.domain, team.owner.email, PASSWORD)
    body = response.json()
    assert body["ok"] and body["user_id"] == team.owner.user_id
    cookie_header = ";".join(response.headers.get_list("set-cookie"))
    assert "parley_session=" in cookie_header
    assert "HttpOnly" in cookie_header and "SameSite=lax" in cookie_header
    csrf = body["csrf_token"]
    # The cookie alone is not enough: a cross-site form post carries it but not the header.
    assert (await client.post("/api/auth.test")).json()["error"] == "invalid_csrf"
    ok = await client.post("/api/auth.test", headers={"X-Parley-CSRF": csrf})
    assert ok.json()["user_id"] == team.owner.user_id
    assert (await client.post("/api/auth.session", headers={"X-Parley-CSRF": csrf})).json()[
        "team_id"
    ] == team.team_id
    # Sign-out ends the session on the server: replaying the old cookie fails.
    old_cookie = client.cookies.get("parley_session")
    assert (await client.post("/api/auth.signout", headers={"X-Parley-CSRF": csrf})).json()["ok"]
    client.cookies.set("parley_session", old_cookie or "")
    replay = await client.post("/api/auth.test", headers={"X-Parley-CSRF": csrf})
    assert replay.json()["error"] == "invalid_auth"


async def test_each_signin_rotates_the_session(client: httpx.AsyncClient, factory: Factory) -> None:
    team = await factory.workspace()
    first = await _signin(client, team.domain, team.owner.email, PASSWORD)
    cookie_one = first.cookies.get("parley_session")
    second = await _signin(client, team.domain, team.owner.email, PASSWORD)
    assert second.cookies.get("parley_session") != cookie_one
    assert first.json()["csrf_token"] != second.json()["csrf_token"]


async def test_signin_failures_do_not_reveal_accounts(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    wrong_password = await _signin(client, team.domain, team.owner.email, "wrong-password")
    unknown_email = await _signin(client, team.domain, "nobody@example.com", PASSWORD)
    unknown_domain = await _signin(client, "no-such-domain", team.owner.email, PASSWORD)
    for response in (wrong_password, unknown_email, unknown_domain):
        assert response.json() == {"ok": False, "error": "invalid_credentials"}


async def test_signup_creates_workspace_and_session(client: httpx.AsyncClient) -> None:
    domain = f"initech-{secrets.token_hex(4)}"
    response = await client.post(
        "/api/auth.signup",
        json={
            "team_name": "Initech",
            "domain": domain,
            "email": "peter@initech.example",
            "password": "tps-reports-1",
            "real_name": "Peter",
        },
    )
    body = response.json()
    assert body["ok"], body
    again = await client.post(
        "/api/auth.signup",
        json={
            "team_name": "Initech",
            "domain": domain,
            "email": "bill@initech.example",
            "password": "tps-reports-1",
        },
    )
    assert again.json()["error"] == "domain_taken"
    bad = await client.post(
        "/api/auth.signup",
        json={"team_name": "X", "domain": "Bad Domain!", "email": "a@b.example", "password": "x"},
    )
    assert bad.json()["ok"] is False


async def test_invite_link_is_single_use(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    invite = await api("admin.invites.create", team.owner.token)
    assert invite["url"].endswith(invite["code"])
    accept = {
        "code": invite["code"],
        "email": "new@x.example",
        "password": PASSWORD,
        "real_name": "New Person",
    }
    first = (await client.post("/api/auth.acceptInvite", json=accept)).json()
    assert first["ok"] and first["team_id"] == team.team_id
    accept["email"] = "second@x.example"
    second = (await client.post("/api/auth.acceptInvite", json=accept)).json()
    assert second["error"] == "invite_already_used"
    listed = await api("admin.invites.list", team.owner.token)
    assert listed["invites"][0]["is_used"] is True


async def test_email_invite_expiry_and_revocation(
    api: Api, client: httpx.AsyncClient, services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    assert (await api("admin.invites.create", member.token))["error"] == "not_an_admin"
    bound = await api("admin.invites.create", team.owner.token, email="only@x.example")
    wrong = await client.post(
        "/api/auth.acceptInvite",
        json={"code": bound["code"], "email": "other@x.example", "password": PASSWORD},
    )
    assert wrong.json()["error"] == "invite_email_mismatch"
    async with services.db.write() as uow:
        await uow.session.execute(
            update(Invitation)
            .where(Invitation.id == bound["invite"]["id"])
            .values(expires_at=utc_now() - timedelta(seconds=1))
        )
    expired = await client.post(
        "/api/auth.acceptInvite",
        json={"code": bound["code"], "email": "only@x.example", "password": PASSWORD},
    )
    assert expired.json()["error"] == "invite_expired"
    revocable = await api("admin.invites.create", team.owner.token)
    assert (
        await api("admin.invites.revoke", team.owner.token, invite_id=revocable["invite"]["id"])
    )["ok"]
    revoked = await client.post(
        "/api/auth.acceptInvite",
        json={"code": revocable["code"], "email": "z@x.example", "password": PASSWORD},
    )
    assert revoked.json()["error"] == "invite_not_found"
    other = await factory.workspace()
    assert (await api("admin.invites.revoke", other.owner.token, invite_id=bound["invite"]["id"]))[
        "error"
    ] == "invite_not_found"


async def test_repeated_failures_lock_the_address_alike_for_real_and_unknown(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    for email in (team.owner.email, "ghost@nowhere.example"):
        answers = [
            (await _signin(client, team.domain, email, "wrong-password")).json() for _ in range(6)
        ]
        assert all(a["error"] == "invalid_credentials" for a in answers[:5]), answers
        assert answers[5]["error"] == "login_locked"
        assert answers[5]["retry_after"] >= 1
    # Even the right password waits out the lock.
    locked = await _signin(client, team.domain, team.owner.email, PASSWORD)
    assert locked.json()["error"] == "login_locked"


async def test_success_resets_the_failure_count(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    for _ in range(4):
        await _signin(client, team.domain, team.owner.email, "wrong-password")
    assert (await _signin(client, team.domain, team.owner.email, PASSWORD)).json()["ok"]
    for _ in range(4):
        failed = await _signin(client, team.domain, team.owner.email, "wrong-password")
        assert failed.json()["error"] == "invalid_credentials"


def test_lockout_backs_off_and_caps() -> None:
    from datetime import timedelta as td

    from parley.features.auth.actions import lockout_for

    assert lockout_for(4) == td(0)
    assert lockout_for(5) == td(seconds=30)
    assert lockout_for(6) == td(seconds=60)
    assert lockout_for(50) == td(hours=1)
