"""auth.passwordReset.*: a mailed, single-use, short-lived link; every session ended on
reset; the same answer for addresses that are not members; a few mails an hour at most."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from parley.features.auth.models import PasswordReset
from parley.platform.clock import utc_now
from parley.platform.mail.worker import send_due_mail
from parley.platform.security import hash_secret
from parley.platform.services import Services
from parley.platform.settings import Settings
from tests.conftest import Api
from tests.factories import PASSWORD, Factory
from tests.mail import SmtpServer

NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture
def settings(database_url: str, tmp_path: Path, smtp_server: SmtpServer) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        public_url="http://parley.test",
        smtp_url=smtp_server.url,
        password_reset_minutes=20,
    )


async def _request(client: httpx.AsyncClient, domain: str, email: str) -> dict[str, object]:
    response = await client.post(
        "/api/auth.passwordReset.request", json={"domain": domain, "email": email}
    )
    body: dict[str, object] = response.json()
    return body


async def _mailed_token(services: Services, smtp: SmtpServer, email: str, count: int = 1) -> str:
    await send_due_mail(services)
    mail = smtp.wait_for(email, count)[-1]
    assert "20 minutes" in mail.text
    return mail.link("/reset-password/").rsplit("/", 1)[1]


async def _signin(client: httpx.AsyncClient, domain: str, email: str, password: str) -> str:
    """The CSRF token of the new session, or "" when the sign-in failed."""
    response = await client.post(
        "/api/auth.signin", json={"domain": domain, "email": email, "password": password}
    )
    return str(response.json().get("csrf_token", ""))


async def test_reset_by_mail_sets_the_password_and_ends_every_session(
    services: Services, client: httpx.AsyncClient, factory: Factory, smtp_server: SmtpServer
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    other_browser = httpx.AsyncClient(transport=client._transport, base_url="http://parley.test")
    async with other_browser:
        csrf = {"X-Parley-CSRF": await _signin(other_browser, team.domain, member.email, PASSWORD)}
        assert (await other_browser.post("/api/auth.session", headers=csrf)).json()["ok"]
        assert await _request(client, team.domain, member.email) == {"ok": True}
        token = await _mailed_token(services, smtp_server, member.email)
        async with services.db.read() as session:  # stored only hashed
            stored = await session.scalar(
                select(PasswordReset.token_hash).where(
                    PasswordReset.token_hash == hash_secret(token)
                )
            )
        assert stored is not None
        check = (await client.post("/api/auth.passwordReset.check", json={"code": token})).json()
        assert check.get("ok"), check
        assert check["team"]["id"] == team.team_id
        short = await client.post(
            "/api/auth.passwordReset.complete", json={"code": token, "password": "short"}
        )
        assert short.json()["error"] == "password_too_short"
        done = await client.post(
            "/api/auth.passwordReset.complete", json={"code": token, "password": NEW_PASSWORD}
        )
        body = done.json()
        assert body["ok"] and body["user_id"] == member.user_id and body["csrf_token"]
        # The other browser's session is over; the new password signs in, the old does not.
        ended = await other_browser.post("/api/auth.session", headers=csrf)
        assert ended.json()["error"] == "invalid_auth"
    assert await _signin(client, team.domain, member.email, NEW_PASSWORD)
    assert not await _signin(client, team.domain, member.email, PASSWORD)
    again = await client.post(
        "/api/auth.passwordReset.complete", json={"code": token, "password": NEW_PASSWORD}
    )
    assert again.json()["error"] == "invalid_reset_token"


async def test_no_user_enumeration_and_no_mail_for_strangers(
    services: Services, client: httpx.AsyncClient, factory: Factory, smtp_server: SmtpServer
) -> None:
    team = await factory.workspace()
    stranger = f"nobody@{team.domain}.example"
    assert await _request(client, team.domain, stranger) == {"ok": True}
    assert await _request(client, "no-such-workspace", team.owner.email) == {"ok": True}
    await send_due_mail(services)
    assert smtp_server.mails_to(stranger) == []
    # A member of another workspace is not reset through this one.
    elsewhere = await factory.workspace()
    assert await _request(client, team.domain, elsewhere.owner.email) == {"ok": True}
    await send_due_mail(services)
    assert smtp_server.mails_to(elsewhere.owner.email) == []


async def test_links_expire_and_mails_are_rate_limited(
    services: Services, client: httpx.AsyncClient, factory: Factory, smtp_server: SmtpServer
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    token = ""
    for n in range(1, 4):
        assert await _request(client, team.domain, member.email) == {"ok": True}
        token = await _mailed_token(services, smtp_server, member.email, n)
    assert await _request(client, team.domain, member.email) == {"ok": True}  # a 4th: no mail
    await send_due_mail(services)
    assert len(smtp_server.mails_to(member.email)) == 3
    async with services.db.write() as uow:
        await uow.session.execute(
            update(PasswordReset)
            .where(PasswordReset.token_hash == hash_secret(token))
            .values(expires_at=utc_now() - timedelta(seconds=1))
        )
    expired = await client.post(
        "/api/auth.passwordReset.complete", json={"code": token, "password": NEW_PASSWORD}
    )
    assert expired.json()["error"] == "reset_token_expired"
    bogus = await client.post(
        "/api/auth.passwordReset.check", json={"code": f"{team.team_id}-made-up"}
    )
    assert bogus.json()["error"] == "invalid_reset_token"


async def test_deactivated_members_get_no_reset(
    api: Api,
    services: Services,
    client: httpx.AsyncClient,
    factory: Factory,
    smtp_server: SmtpServer,
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    assert (
        await api("admin.users.setActive", team.owner.token, user_id=member.user_id, active="false")
    )["ok"]
    assert await _request(client, team.domain, member.email) == {"ok": True}
    await send_due_mail(services)
    assert smtp_server.mails_to(member.email) == []
