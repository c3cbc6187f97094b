"""admin.invites.*: invitations mailed to one or many addresses, resent with a fresh link,
listed with their state and inviter; the invite page's preview (auth.inviteInfo); who may
invite follows the workspace setting."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from parley.features.auth.models import Invitation
from parley.platform.clock import utc_now
from parley.platform.mail.worker import send_due_mail
from parley.platform.services import Services
from parley.platform.settings import Settings
from tests.conftest import Api
from tests.factories import PASSWORD, Factory
from tests.mail import SmtpServer


@pytest.fixture
def settings(database_url: str, tmp_path: Path, smtp_server: SmtpServer) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        public_url="http://parley.test",
        smtp_url=smtp_server.url,
    )


async def test_invite_many_by_mail_and_join_from_the_link(
    api: Api,
    client: httpx.AsyncClient,
    services: Services,
    factory: Factory,
    smtp_server: SmtpServer,
) -> None:
    team = await factory.workspace("Mailers Inc")
    a, b = f"ann@{team.domain}.example", f"bob@{team.domain}.example"
    created = await api(
        "admin.invites.create", team.owner.token, emails=f"{a}, {b}\n{a}", role="guest"
    )
    assert created["ok"] and created["email_configured"] is True
    assert [i["invite"]["email"] for i in created["invites"]] == [a, b]
    assert all(i["email_sent"] and i["invite"]["role"] == "guest" for i in created["invites"])
    await send_due_mail(services)
    [mail] = smtp_server.wait_for(a)
    assert "Olive Owner" in mail.subject and "Mailers Inc" in mail.subject
    assert "as a guest" in mail.text
    code = mail.link("/invite/").rsplit("/", 1)[1]
    preview = (await client.post("/api/auth.inviteInfo", json={"code": code})).json()
    assert preview["team"]["name"] == "Mailers Inc" and preview["team"]["id"] == team.team_id
    assert preview["inviter"]["name"] == "Olive Owner" and preview["email"] == a
    joined = await client.post(
        "/api/auth.acceptInvite", json={"code": code, "email": a, "password": PASSWORD}
    )
    assert joined.json()["team_id"] == team.team_id
    listed = await api("admin.invites.list", team.owner.token)
    states = {i["email"]: i["state"] for i in listed["invites"]}
    assert states == {a: "accepted", b: "pending"}
    assert {i["invited_by"] for i in listed["invites"]} == {team.owner.user_id}
    used = (await client.post("/api/auth.inviteInfo", json={"code": code})).json()
    assert used["error"] == "invite_already_used"


async def test_resend_mails_a_fresh_link_and_the_old_one_stops(
    api: Api,
    client: httpx.AsyncClient,
    services: Services,
    factory: Factory,
    smtp_server: SmtpServer,
) -> None:
    team = await factory.workspace()
    address = f"late@{team.domain}.example"
    first = await api("admin.invites.create", team.owner.token, email=address)
    invite_id = first["invite"]["id"]
    async with services.db.write() as uow:  # it ran out before they saw it
        await uow.session.execute(
            update(Invitation)
            .where(Invitation.id == invite_id)
            .values(expires_at=utc_now() - timedelta(seconds=1))
        )
    listed = await api("admin.invites.list", team.owner.token)
    assert listed["invites"][0]["state"] == "expired"
    resent = await api("admin.invites.resend", team.owner.token, invite_id=invite_id)
    assert resent["ok"] and resent["email_sent"] and resent["invite"]["state"] == "pending"
    await send_due_mail(services)
    mails = smtp_server.wait_for(address, 2)
    new_code = mails[-1].link("/invite/").rsplit("/", 1)[1]
    assert new_code == resent["code"] != first["code"]
    old = (await client.post("/api/auth.inviteInfo", json={"code": first["code"]})).json()
    assert old["error"] == "invite_not_found"
    assert (await api("admin.invites.revoke", team.owner.token, invite_id=invite_id))["ok"]
    listed = await api("admin.invites.list", team.owner.token)
    assert listed["invites"][0]["state"] == "revoked"
    again = await api("admin.invites.resend", team.owner.token, invite_id=invite_id)
    assert again["error"] == "invite_not_found"


async def test_resend_and_list_are_for_admins_of_the_workspace(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    other = await factory.workspace()
    member = await factory.user(team)
    mine = await api("admin.invites.create", team.owner.token, email=f"x@{team.domain}.example")
    resend = await api("admin.invites.resend", member.token, invite_id=mine["invite"]["id"])
    assert resend["error"] == "not_an_admin"
    theirs = await api("admin.invites.resend", other.owner.token, invite_id=mine["invite"]["id"])
    assert theirs["error"] == "invite_not_found"
    too_many = ",".join(f"p{n}@x.example" for n in range(51))
    assert (await api("admin.invites.create", team.owner.token, emails=too_many))[
        "error"
    ] == "too_many_emails"
    assert (await api("admin.invites.create", team.owner.token, emails=" , "))[
        "error"
    ] == "invalid_email"


async def test_members_invite_when_the_workspace_lets_everyone(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    guest = await factory.user(team, role="guest")
    assert (await api("admin.invites.create", member.token))["error"] == "not_an_admin"
    changed = await api(
        "admin.teams.settings.setPermissions", team.owner.token, who_can_invite="everyone"
    )
    assert changed["ok"]
    assert (await api("admin.invites.create", member.token))["ok"]
    assert (await api("admin.invites.create", guest.token))["error"] == "not_an_admin"


async def test_without_smtp_invites_say_email_is_not_configured(
    api: Api, settings: Settings, factory: Factory
) -> None:
    # The same app without a relay (a separate settings object, so no mail fixture).
    from parley.main import build_services, create_app

    bare = settings.with_overrides(smtp_url="")
    services = build_services(bare)
    app = create_app(bare, migrate=False, services=services)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://parley.test"
        ) as http:
            team = await factory.workspace()
            body = (
                await http.post(
                    "/api/admin.invites.create",
                    data={"email": f"n@{team.domain}.example"},
                    headers={"Authorization": f"Bearer {team.owner.token}"},
                )
            ).json()
            assert body["ok"] and body["email_configured"] is False and not body["email_sent"]
            assert body["url"].startswith("http://parley.test/invite/")
    finally:
        await services.db.dispose()
