"""Credential actions called directly (as the CLI and other entry points do): each decides
its own rules and leaves its own audit record, with no Web API handler involved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from parley.features.audit.models import AuditEntry
from parley.features.auth import actions, store
from parley.platform.auth.principal import Principal
from parley.platform.errors import ApiError
from parley.platform.origin import CLI_ORIGIN, Origin
from parley.platform.services import Services
from tests.factories import PASSWORD, Factory
from tests.features.principals import principal_of, refusal

WEB = Origin(ip_address="203.0.113.7", user_agent="test-browser")


async def _principal(services: Services, token: str) -> Principal:
    async with services.db.read() as session:
        return await store.principal_for_token(session, token)


async def _audit(services: Services, team_id: str) -> list[tuple[str, str | None, str]]:
    async with services.db.read() as session:
        rows = await session.execute(
            select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.entity_id)
            .where(AuditEntry.workspace_id == team_id)
            .order_by(AuditEntry.id)
        )
    return [(a, b, c) for a, b, c in rows.all()]


async def test_sign_in_records_success_and_failure(services: Services, factory: Factory) -> None:
    team = await factory.workspace()
    async with services.db.write() as uow:
        failed = await actions.check_sign_in(uow, team.domain, team.owner.email, "nope", WEB)
    async with services.db.write() as uow:
        new = await actions.check_sign_in(uow, team.domain.upper(), team.owner.email, PASSWORD, WEB)
    assert failed is None and new is not None and new.user.id == team.owner.user_id
    assert await _audit(services, team.team_id) == [
        ("user_login_failed", None, team.owner.email),
        ("user_login", team.owner.user_id, team.owner.user_id),
    ]


async def test_sign_in_to_an_unknown_workspace_is_a_plain_failure(services: Services) -> None:
    async with services.db.write() as uow:
        assert (
            await actions.check_sign_in(uow, "no-such-team", "a@b.example", PASSWORD, WEB) is None
        )


async def test_sign_out_needs_a_session_and_revoke_is_audited(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    principal = await _principal(services, member.token)
    async with services.db.write() as uow:
        with pytest.raises(ApiError) as refused:
            await actions.do_sign_out(uow, principal, WEB)
    assert refused.value.code == "not_allowed_token_type"
    async with services.db.write() as uow:
        await actions.do_revoke_own_credential(uow, principal, WEB)
    assert await _audit(services, team.team_id) == [
        ("token_revoked", member.user_id, str(principal.token_id))
    ]
    async with services.db.read() as session:
        with pytest.raises(ApiError):
            await store.principal_for_token(session, member.token)


async def test_invitations_need_an_admin_and_are_audited(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    member = await _principal(services, (await factory.user(team)).token)
    owner = await _principal(services, team.owner.token)
    week = timedelta(days=7)
    async with services.db.write() as uow:
        with pytest.raises(ApiError) as refused:
            await actions.check_create_invitation(
                uow, member, email=None, role="member", lifetime=week, origin=WEB
            )
    assert refused.value.code == "not_an_admin"
    async with services.db.write() as uow:
        new = await actions.check_create_invitation(
            uow, owner, email=" guest@x.example ", role="guest", lifetime=week, origin=WEB
        )
        await actions.do_revoke_invitation(uow, owner, new.invitation.id, WEB)
    assert new.invitation.email == "guest@x.example"
    assert await _audit(services, team.team_id) == [
        ("invite_created", team.owner.user_id, new.invitation.id),
        ("invite_revoked", team.owner.user_id, new.invitation.id),
    ]
    async with services.db.write() as uow:
        with pytest.raises(ApiError) as again:
            await actions.do_revoke_invitation(uow, owner, "INOSUCHINVITE", WEB)
    assert again.value.code == "invite_not_found"


async def test_an_operator_token_for_a_bot_is_a_bot_token_and_audited(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team)
    async with services.db.write() as uow:
        _, token = await actions.do_issue_member_token(
            uow, team.team_id, bot.user_id, scopes=None, label="cli", origin=CLI_ORIGIN
        )
        with pytest.raises(ApiError) as missing:
            await actions.do_issue_member_token(
                uow, team.team_id, "UNOBODY", scopes=None, label="cli", origin=CLI_ORIGIN
            )
    assert token.startswith("xoxb-") and missing.value.code == "user_not_found"
    assert await _audit(services, team.team_id) == [("token_created", None, bot.user_id)]


async def test_a_session_needs_an_account(services: Services, factory: Factory) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team)
    async with services.db.write() as uow:
        from parley.features.users.store import get_user

        user = await get_user(uow.session, team.team_id, bot.user_id)
        assert user is not None
        with pytest.raises(ApiError) as refused:
            await actions.do_start_session(uow, user)
    assert refused.value.code == "invalid_auth"


async def test_only_admins_list_invitations(factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    member = await principal_of(services, await factory.user(team))
    owner = await principal_of(services, team.owner)
    async with services.db.read() as session:
        assert await refusal(actions.access_invitations(session, member)) == "not_an_admin"
        assert list(await actions.access_invitations(session, owner)) == []
