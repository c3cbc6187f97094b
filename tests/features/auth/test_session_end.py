"""Web sessions that end: after PARLEY_SESSION_TTL (`token_expired`, so the client can say
"Your session expired"), and at once when an admin deactivates the person (with a reason)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from parley.features.auth.models import BrowserSession
from parley.platform.clock import as_utc, utc_now
from parley.platform.services import Services
from parley.platform.settings import Settings
from tests.conftest import Api
from tests.factories import PASSWORD, Factory


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, session_ttl=600)


async def _signin(client: httpx.AsyncClient, domain: str, email: str) -> str:
    response = await client.post(
        "/api/auth.signin", json={"domain": domain, "email": email, "password": PASSWORD}
    )
    body = response.json()
    assert body["ok"], body
    assert "Max-Age=600" in ";".join(response.headers.get_list("set-cookie"))
    return str(body["csrf_token"])


async def test_session_lasts_the_configured_ttl_then_says_token_expired(
    client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    csrf = await _signin(client, team.domain, team.owner.email)
    headers = {"X-Parley-CSRF": csrf}
    async with services.db.write() as uow:
        row = (
            await uow.session.execute(
                select(BrowserSession).where(BrowserSession.user_id == team.owner.user_id)
            )
        ).scalar_one()
        lifetime = as_utc(row.expires_at) - utc_now()
        assert timedelta(seconds=590) < lifetime <= timedelta(seconds=600)
    assert (await client.post("/api/auth.session", headers=headers)).json()["ok"]
    async with services.db.write() as uow:
        await uow.session.execute(
            update(BrowserSession)
            .where(BrowserSession.user_id == team.owner.user_id)
            .values(expires_at=utc_now() - timedelta(seconds=1))
        )
    # The credential cache may trust a session for 5 s more (platform/auth/cache.py).
    services.credentials.forget_user(team.team_id, team.owner.user_id)
    expired = (await client.post("/api/auth.session", headers=headers)).json()
    assert expired == {"ok": False, "error": "token_expired"}


async def test_deactivation_ends_sessions_and_tells_the_reason(
    client: httpx.AsyncClient, api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    csrf = await _signin(client, team.domain, bob.email)
    done = await api(
        "admin.users.setActive",
        team.owner.token,
        user_id=bob.user_id,
        active=False,
        reason="Contract ended",
    )
    assert done["ok"], done
    async with services.db.read() as session:
        revoked = (
            await session.execute(
                select(BrowserSession.revoked_at).where(BrowserSession.user_id == bob.user_id)
            )
        ).scalar_one()
    assert revoked is not None
    answer = (await client.post("/api/auth.session", headers={"X-Parley-CSRF": csrf})).json()
    assert answer["error"] == "account_inactive"
    assert answer["reason"] == "Contract ended" and answer["team_name"]
    again = (
        await client.post(
            "/api/auth.signin",
            json={"domain": team.domain, "email": bob.email, "password": PASSWORD},
        )
    ).json()
    assert again["error"] == "account_inactive" and again["reason"] == "Contract ended"
    # A wrong password learns nothing about the account.
    wrong = (
        await client.post(
            "/api/auth.signin",
            json={"domain": team.domain, "email": bob.email, "password": "not-it-at-all"},
        )
    ).json()
    assert wrong == {"ok": False, "error": "invalid_credentials"}
    # Reactivated: no reason is shown any more on the next deactivation without one.
    await api("admin.users.setActive", team.owner.token, user_id=bob.user_id, active=True)
    await api("admin.users.setActive", team.owner.token, user_id=bob.user_id, active=False)
    latest = (
        await client.post(
            "/api/auth.signin",
            json={"domain": team.domain, "email": bob.email, "password": PASSWORD},
        )
    ).json()
    assert latest["error"] == "account_inactive" and "reason" not in latest
