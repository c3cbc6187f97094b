"""Accounts: one login behind the members of several workspaces, and the SSO landing place."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from parley.features.accounts import store
from parley.features.accounts.actions import do_link_identity
from parley.features.auth.models import BrowserSession
from parley.features.users import store as user_store
from parley.features.users.actions import do_create_user
from parley.platform.errors import ApiError
from parley.platform.services import Services
from tests.factories import PASSWORD, Factory


async def _join(services: Services, team_id: str, email: str, password: str | None) -> str:
    async with services.db.write() as uow:
        user = await do_create_user(uow, team_id, email=email, password=password)
    return user.id


async def test_same_email_in_a_second_workspace_is_the_same_account(
    services: Services, factory: Factory
) -> None:
    first, second = await factory.workspace(), await factory.workspace()
    shouted = first.owner.email.upper()
    member_id = await _join(services, second.team_id, shouted, PASSWORD)
    async with services.db.read() as session:
        owner = await user_store.get_user(session, first.team_id, first.owner.user_id)
        member = await user_store.get_user(session, second.team_id, member_id)
        account = await store.get_account_by_email(session, shouted)
    assert owner is not None and member is not None and account is not None
    assert owner.account_id == member.account_id == account.id
    assert account.email == first.owner.email.lower()
    assert member.email == shouted  # the member keeps the address as given (Slack shows it)


async def test_joining_never_changes_an_existing_password(
    services: Services, factory: Factory
) -> None:
    first, second = await factory.workspace(), await factory.workspace()
    with pytest.raises(ApiError) as refused:
        await _join(services, second.team_id, first.owner.email, "someone-elses-password")
    assert refused.value.code == "invalid_credentials"
    async with services.db.read() as session:
        assert (
            await user_store.get_user_by_email(session, second.team_id, first.owner.email) is None
        )
        account = await store.get_account_by_email(session, first.owner.email)
    assert account is not None and account.password_hash is not None
    await _join(services, second.team_id, first.owner.email, None)  # an admin adds, no password


async def test_an_account_without_password_takes_the_first_one_given(
    services: Services, factory: Factory
) -> None:
    first, second = await factory.workspace(), await factory.workspace()
    email = f"late@{first.domain}.example"
    await _join(services, first.team_id, email, None)
    await _join(services, second.team_id, email, PASSWORD)
    async with services.db.read() as session:
        account = await store.get_account_by_email(session, email)
    assert account is not None and account.password_hash is not None


async def test_bots_have_no_account(services: Services, factory: Factory) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team)
    async with services.db.read() as session:
        user = await user_store.get_user(session, team.team_id, bot.user_id)
    assert user is not None and user.is_bot and user.account_id is None


async def test_one_password_signs_in_to_each_workspace_of_the_account(
    client: httpx.AsyncClient, services: Services, factory: Factory
) -> None:
    first, second = await factory.workspace(), await factory.workspace()
    member_id = await _join(services, second.team_id, first.owner.email, PASSWORD)
    signed = {}
    for team in (first, second):
        answer = await client.post(
            "/api/auth.signin",
            json={"domain": team.domain, "email": first.owner.email, "password": PASSWORD},
        )
        signed[team.team_id] = answer.json()["user_id"]
    assert signed == {first.team_id: first.owner.user_id, second.team_id: member_id}
    async with services.db.read() as session:
        sessions = (
            await session.execute(
                select(BrowserSession.account_id, BrowserSession.workspace_id).where(
                    BrowserSession.user_id.in_([first.owner.user_id, member_id])
                )
            )
        ).all()
        account = await store.get_account_by_email(session, first.owner.email)
    assert account is not None
    assert sorted(sessions) == sorted([(account.id, first.team_id), (account.id, second.team_id)])


async def test_an_invitation_joins_the_existing_account_with_its_password(
    client: httpx.AsyncClient, services: Services, factory: Factory
) -> None:
    first, second = await factory.workspace(), await factory.workspace()
    invite = await client.post(
        "/api/admin.invites.create", headers={"authorization": f"Bearer {second.owner.token}"}
    )
    accept = {"code": invite.json()["code"], "email": first.owner.email, "password": "wrong-pass"}
    refused = (await client.post("/api/auth.acceptInvite", json=accept)).json()
    assert refused == {"ok": False, "error": "invalid_credentials"}
    accept["password"] = PASSWORD  # the invitation is still unused: the refusal rolled back
    joined = (await client.post("/api/auth.acceptInvite", json=accept)).json()
    assert joined["ok"] and joined["team_id"] == second.team_id


async def test_identity_links_land_on_one_account(services: Services, factory: Factory) -> None:
    team = await factory.workspace()
    issuer = f"https://idp.{team.domain}.example"
    async with services.db.write() as uow:
        account = await store.get_account_by_email(uow.session, team.owner.email)
        assert account is not None
        await do_link_identity(uow, account, kind="oidc", issuer=issuer, subject="sub-1")
    async with services.db.read() as session:
        found = await store.get_account_by_identity(session, issuer, "sub-1")
        assert await store.get_account_by_identity(session, issuer, "sub-2") is None
    assert found is not None and found.id == account.id
    for kind, subject, error in (
        ("oidc", "sub-1", "identity_already_linked"),
        ("kerberos", "sub-3", "invalid_identity_kind"),
        ("saml", "", "invalid_identity"),
    ):
        async with services.db.write() as uow:
            with pytest.raises(ApiError) as refused:
                await do_link_identity(uow, account, kind=kind, issuer=issuer, subject=subject)
        assert refused.value.code == error
