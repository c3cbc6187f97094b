"""The conversations.* rules, called as actions (no HTTP): any entry point gets them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from parley.features.conversations import actions
from parley.features.conversations.access import Access, access_conversation
from parley.platform.auth.principal import Principal
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.plugins import PLATFORM
from parley.platform.services import Services
from parley.platform.visibility import member_ids
from tests.conftest import Api
from tests.factories import Factory, Member
from tests.features.conversations.helpers import create, general_id

Rule = Callable[[UnitOfWork, Principal, Access], Awaitable[object]]


async def _principal(services: Services, member: Member) -> Principal:
    async with services.db.read() as session:
        return await PLATFORM.credentials.principal_for_token(session, member.token)


async def _refused(services: Services, member: Member, channel: str, rule: Rule) -> ApiError:
    """The Slack error the action `rule(uow, principal, access)` raises for `member`."""
    principal = await _principal(services, member)
    async with services.db.read() as session:
        access = await access_conversation(session, principal, channel)
    try:
        async with services.db.write() as uow:
            await rule(uow, principal, access)
    except ApiError as error:
        return error
    raise AssertionError("the action allowed what its rules forbid")


async def _refusal(services: Services, member: Member, channel: str, rule: Rule) -> str:
    return (await _refused(services, member, channel, rule)).code


async def _members(services: Services, channel: str) -> set[str]:
    async with services.db.read() as session:
        return set(await member_ids(session, channel))


async def test_nobody_leaves_general(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    general = await general_id(api, team.owner)
    code = await _refusal(services, team.owner, general, actions.check_leave_channel)
    assert code == "cant_leave_general"
    assert team.owner.user_id in await _members(services, general)


async def test_last_member_keeps_a_private_channel(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    alone = await create(api, team.owner, "alone", private=True)
    code = await _refusal(services, team.owner, alone, actions.check_leave_channel)
    assert code == "last_member"
    assert await _members(services, alone) == {team.owner.user_id}


async def test_guest_may_not_leave_nor_invite(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    guest = await factory.user(team, role="guest")
    colleague = await factory.user(team)
    channel = await create(api, team.owner, "with-guest")
    invited = await api(
        "conversations.invite", team.owner.token, channel=channel, users=guest.user_id
    )
    assert invited["ok"], invited
    assert await _refusal(services, guest, channel, actions.check_leave_channel) == (
        "user_is_restricted"
    )

    async def invite_colleague(uow: UnitOfWork, principal: Principal, access: Access) -> None:
        await actions.check_invite_members(
            uow,
            principal,
            access,
            [colleague.user_id],
            force=False,
        )

    assert await _refusal(services, guest, channel, invite_colleague) == "restricted_action"
    assert await _members(services, channel) == {team.owner.user_id, guest.user_id}


async def test_leaving_works_and_reports_non_members(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    channel = await create(api, team.owner, "leavable")
    await api("conversations.invite", team.owner.token, channel=channel, users=bob.user_id)
    principal = await _principal(services, bob)
    for expected in (True, False):  # a member leaves; then, no longer one, nothing happens
        async with services.db.write() as uow:
            access = await access_conversation(uow.session, principal, channel)
            assert await actions.check_leave_channel(uow, principal, access) is expected
    assert await _members(services, channel) == {team.owner.user_id}


async def test_invite_reports_each_bad_user_unless_forced(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    channel = await create(api, team.owner, "invites")
    principal = await _principal(services, team.owner)
    wanted = [team.owner.user_id, bob.user_id, "UNOBODY0000"]

    async def invite_unforced(uow: UnitOfWork, principal: Principal, access: Access) -> None:
        await actions.check_invite_members(uow, principal, access, wanted, force=False)

    refused = await _refused(services, team.owner, channel, invite_unforced)
    assert refused.code == "cant_invite_self"
    assert [e["error"] for e in refused.extra["errors"]] == [
        "cant_invite_self",
        "user_not_found",
    ]
    async with services.db.write() as uow:
        access = await access_conversation(uow.session, principal, channel)
        added = await actions.check_invite_members(uow, principal, access, wanted, force=True)
    assert added == [bob.user_id]
    assert await _members(services, channel) == {team.owner.user_id, bob.user_id}


async def test_kick_rules(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    general = await general_id(api, team.owner)
    channel = await create(api, team.owner, "kicks")
    await api("conversations.invite", team.owner.token, channel=channel, users=bob.user_id)

    def kick(user_id: str) -> Rule:
        async def rule(uow: UnitOfWork, principal: Principal, access: Access) -> None:
            await actions.check_kick_member(uow, principal, access, user_id)

        return rule

    assert await _refusal(services, team.owner, channel, kick(team.owner.user_id)) == (
        "cant_kick_self"
    )
    assert await _refusal(services, team.owner, general, kick(bob.user_id)) == (
        "cant_kick_from_general"
    )
    # A plain member may not remove people from a public channel someone else manages.
    assert await _refusal(services, bob, channel, kick(team.owner.user_id)) == "restricted_action"


async def test_guest_may_not_create_a_channel(factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    guest = await factory.user(team, role="guest")
    principal = await _principal(services, guest)
    with pytest.raises(ApiError) as refused:
        async with services.db.write() as uow:
            await actions.check_create_channel(uow, principal, "guests-room", is_private=False)
    assert refused.value.code == "restricted_action"


async def test_archive_rules(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    general = await general_id(api, team.owner)
    channel = await create(api, team.owner, "archivable")

    def archive(archived: bool) -> Rule:
        async def rule(uow: UnitOfWork, principal: Principal, access: Access) -> None:
            await actions.check_archive_channel(uow, principal, access, archived=archived)

        return rule

    assert await _refusal(services, team.owner, general, archive(True)) == "cant_archive_general"
    assert await _refusal(services, team.owner, channel, archive(False)) == "not_archived"


def _set_topic(topic: str) -> Rule:
    async def rule(uow: UnitOfWork, principal: Principal, access: Access) -> None:
        await actions.check_set_topic(uow, principal, access, topic)

    return rule


async def test_only_members_set_the_topic_and_not_once_archived(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    channel = await create(api, team.owner, "topical")
    assert await _refusal(services, bob, channel, _set_topic("drive-by")) == "not_in_channel"
    assert await _refusal(services, team.owner, channel, _set_topic("x" * 251)) == "too_long"
    principal = await _principal(services, team.owner)
    async with services.db.write() as uow:
        access = await access_conversation(uow.session, principal, channel)
        changed = await actions.check_set_topic(uow, principal, access, "  launch  ")
    assert changed.topic == "launch"
    archived = await api("conversations.archive", team.owner.token, channel=channel)
    assert archived["ok"], archived
    assert await _refusal(services, team.owner, channel, _set_topic("late")) == "is_archived"


async def _open(services: Services, member: Member, users: list[str], *, prevent: bool) -> str:
    """The error opening a DM with `users` refuses with, or "created"/"existing"."""
    principal = await _principal(services, member)
    try:
        async with services.db.write() as uow:
            opened = await actions.check_open_direct(
                uow, principal, users, prevent_creation=prevent
            )
    except ApiError as error:
        return error.code
    return "created" if opened.created else "existing"


async def test_dm_open_rules(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    gone = await factory.user(team)
    deactivated = await api(
        "admin.users.setActive", team.owner.token, user_id=gone.user_id, active="false"
    )
    assert deactivated["ok"], deactivated
    crowd = [(await factory.user(team)).user_id for _ in range(9)]
    owner = team.owner
    assert await _open(services, owner, [" "], prevent=False) == "users_list_not_supplied"
    assert await _open(services, owner, [bob.user_id, "nobody"], prevent=False) == (
        "user_not_found"
    )
    assert await _open(services, owner, [gone.user_id], prevent=False) == "user_disabled"
    assert await _open(services, owner, crowd, prevent=False) == "too_many_users"
    assert await _open(services, owner, [bob.user_id], prevent=True) == "channel_not_found"
    assert await _open(services, owner, [bob.user_id], prevent=False) == "created"
    assert await _open(services, owner, [bob.user_id], prevent=True) == "existing"


async def test_only_dms_close_and_only_for_members(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    channel = await create(api, team.owner, "not-a-dm")
    principal = await _principal(services, team.owner)
    async with services.db.write() as uow:
        dm = await actions.check_open_direct(uow, principal, [bob.user_id], prevent_creation=False)

    async def close(uow: UnitOfWork, principal: Principal, access: Access) -> bool:
        return await actions.check_close_direct(uow, access)

    assert await _refusal(services, team.owner, channel, close) == (
        "method_not_supported_for_channel_type"
    )
    for expected in (True, False):  # closed; then, already closed, nothing happens
        async with services.db.write() as uow:
            access = await access_conversation(uow.session, principal, dm.conversation.id)
            assert await actions.check_close_direct(uow, access) is expected
    async with services.db.write() as uow:
        access = await access_conversation(uow.session, principal, dm.conversation.id)
        reopened = await actions.check_reopen_direct(uow, access)
    assert not reopened.was_open
