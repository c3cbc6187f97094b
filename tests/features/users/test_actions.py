"""Member actions called directly: the admin rules and the audit records live here, so any
entry point (Web API, CLI, an admin console) gets them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from parley.features.audit.models import AuditEntry
from parley.features.auth.store import principal_for_token
from parley.features.users import actions
from parley.platform.auth.principal import Principal
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.origin import Origin
from parley.platform.services import Services
from tests.factories import Factory
from tests.features.principals import principal_of, refusal, refusal_in

WEB = Origin(ip_address="203.0.113.9", user_agent="test-browser")


async def _principal(services: Services, token: str) -> Principal:
    async with services.db.read() as session:
        return await principal_for_token(session, token)


async def _refusal(services: Services, call: Callable[[UnitOfWork], Awaitable[None]]) -> str:
    async with services.db.write() as uow:
        with pytest.raises(ApiError) as refused:
            await call(uow)
    return refused.value.code


async def test_set_role_rules_and_audit(services: Services, factory: Factory) -> None:
    team = await factory.workspace()
    admin = await _principal(services, (await factory.user(team, role="admin")).token)
    member = await factory.user(team)
    owner = await _principal(services, team.owner.token)

    async def make_owner(uow: UnitOfWork) -> None:
        await actions.check_set_role(uow, admin, member.user_id, "owner", WEB)

    async def demote_owner(uow: UnitOfWork) -> None:
        await actions.check_set_role(uow, admin, team.owner.user_id, "member", WEB)

    assert await _refusal(services, make_owner) == "not_an_owner"
    assert await _refusal(services, demote_owner) == "cannot_update_admin_user"
    async with services.db.write() as uow:
        user = await actions.check_set_role(uow, owner, member.user_id, "admin", WEB)
    assert user.role == "admin"
    async with services.db.read() as session:
        entry = (
            await session.execute(
                select(AuditEntry).where(
                    AuditEntry.workspace_id == team.team_id, AuditEntry.action == "role_changed"
                )
            )
        ).scalar_one()
    assert entry.actor_id == team.owner.user_id and entry.entity_id == member.user_id
    assert entry.details == {"previous_role": "member", "new_role": "admin"}
    assert entry.ip_address == WEB.ip_address


async def test_set_active_rules_and_audit(services: Services, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    owner = await _principal(services, team.owner.token)
    plain = await _principal(services, member.token)

    async def deactivate_self(uow: UnitOfWork) -> None:
        await actions.check_set_active(uow, owner, owner.user_id, False, WEB)

    async def as_member(uow: UnitOfWork) -> None:
        await actions.check_set_active(uow, plain, team.owner.user_id, False, WEB)

    assert await _refusal(services, deactivate_self) == "cant_deactivate_self"
    assert await _refusal(services, as_member) == "not_an_admin"
    for active in (False, True):
        async with services.db.write() as uow:
            user = await actions.check_set_active(uow, owner, member.user_id, active, WEB)
        assert user.deleted is not active
    async with services.db.read() as session:
        logged = (
            await session.execute(
                select(AuditEntry.action)
                .where(AuditEntry.workspace_id == team.team_id)
                .order_by(AuditEntry.id)
            )
        ).scalars()
        assert list(logged) == ["user_deactivated", "user_reactivated"]


async def test_profile_rules(services: Services, factory: Factory) -> None:
    team = await factory.workspace()
    member = await _principal(services, (await factory.user(team)).token)
    admin = await _principal(services, (await factory.user(team, role="admin")).token)

    async def nothing(uow: UnitOfWork) -> None:
        await actions.check_set_profile(uow, member, member.user_id, {})

    async def someone_else(uow: UnitOfWork) -> None:
        await actions.check_set_profile(uow, member, admin.user_id, {"title": "x"})

    async def the_owner(uow: UnitOfWork) -> None:
        await actions.check_set_profile(uow, admin, team.owner.user_id, {"title": "x"})

    assert await _refusal(services, nothing) == "invalid_profile"
    assert await _refusal(services, someone_else) == "not_admin"
    assert await _refusal(services, the_owner) == "cannot_update_admin_user"
    async with services.db.write() as uow:
        user = await actions.check_set_profile(uow, admin, member.user_id, {"title": " Chef "})
    assert user.title == "Chef"


async def test_a_named_member_must_exist_in_the_callers_workspace(
    factory: Factory, services: Services
) -> None:
    # reactions.list and users.conversations both list someone else's things through it.
    team = await factory.workspace()
    bob = await factory.user(team)
    elsewhere = await factory.workspace()
    owner = await principal_of(services, team.owner)
    check = actions.check_user_in_workspace
    async with services.db.read() as session:
        assert await check(session, owner, None) == team.owner.user_id
        assert await check(session, owner, "") == team.owner.user_id
        assert await check(session, owner, team.owner.user_id) == team.owner.user_id
        assert await check(session, owner, bob.user_id) == bob.user_id
        for stranger in ("nobody", elsewhere.owner.user_id):
            assert await refusal(check(session, owner, stranger)) == "user_not_found"


async def test_members_are_found_only_in_the_callers_workspace(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    other = await factory.workspace()
    owner = await principal_of(services, team.owner)
    member = await factory.user(team)
    async with services.db.read() as session:
        for user_id in (None, "", "nonsense", "C123", other.owner.user_id):
            assert await refusal(actions.access_user(session, owner, user_id)) == "user_not_found"
        assert (await actions.access_user(session, owner, member.user_id)).id == member.user_id
        # Slack's plural error name for an unknown email; another workspace's is unknown.
        code = await refusal(actions.access_user_by_email(session, owner, other.owner.email))
        assert code == "users_not_found"
        found = await actions.access_user_by_email(session, owner, member.email)
        assert found.id == member.user_id
        user, workspace = await actions.access_identity(session, owner)
    assert (user.id, workspace.id) == (team.owner.user_id, team.team_id)


async def test_presence_is_the_callers_own_and_one_of_auto_or_away(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    owner = await principal_of(services, team.owner)
    assert await refusal_in(services, actions.check_set_presence, owner, "busy") == (
        "invalid_presence"
    )
    async with services.db.write() as uow:
        user = await actions.check_set_presence(uow, owner, "away")
    assert (user.id, user.manual_presence) == (team.owner.user_id, "away")


async def test_only_admins_read_who_signed_in(factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    member = await principal_of(services, await factory.user(team))
    owner = await principal_of(services, team.owner)
    async with services.db.read() as session:
        code = await refusal(
            actions.access_logins(session, member, before=None, limit=10, offset=0)
        )
        assert code == "not_an_admin"
        rows, _users = await actions.access_logins(session, owner, before=None, limit=10, offset=0)
    assert list(rows) == []
