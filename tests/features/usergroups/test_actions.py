"""The usergroups rules called as actions (no HTTP): any other entry point (an admin
console, SCIM's groups later) gets the same rules."""

from __future__ import annotations

from functools import partial

import pytest

from parley.features.usergroups import actions, store
from parley.platform import visibility
from parley.platform.errors import ApiError
from parley.platform.services import Services
from tests.factories import Factory
from tests.features.principals import principal_of, refusal_in
from tests.features.reactions.helpers import make_conversation


def test_handles_are_checked_and_derived() -> None:
    assert actions.check_handle("@ops-team") == "ops-team"
    assert actions.handle_from_name("  Night Shift (EU) ") == "night-shift-eu"
    assert actions.handle_from_name("!!!") == "group"
    for bad in ("", "Ops", "ops team", "-ops", "x" * 81):
        with pytest.raises(ApiError) as raised:
            actions.check_handle(bad)
        assert raised.value.code == "bad_handle", bad
    for word in ("here", "channel", "everyone"):
        with pytest.raises(ApiError) as raised:
            actions.check_handle(word)
        assert raised.value.code == "forbidden_handle"


async def test_only_managers_write_and_checks_come_first(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    member = await principal_of(services, await factory.user(team))
    admin = await principal_of(services, await factory.user(team, role="admin"))
    # The permission is decided before the name is even looked at.
    create = partial(actions.check_create_group, **_fields(name=""))
    assert await refusal_in(services, create, member) == "permission_denied"
    async with services.db.write() as uow:
        group = await actions.check_create_group(uow, admin, **_fields(name="Ops"))
    assert await refusal_in(services, actions.check_set_enabled, member, group.id, False) == (
        "permission_denied"
    )
    async with services.db.read() as session:
        assert [
            g.id for g in await store.list_groups(session, team.team_id, include_disabled=False)
        ] == [group.id]


async def test_a_refused_member_list_writes_nothing(factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    owner = await principal_of(services, team.owner)
    ann = await factory.user(team)
    bot = await factory.bot(team)
    async with services.db.write() as uow:
        group = await actions.check_create_group(uow, owner, **_fields(name="Eng"))
    # One bad id refuses the whole list: no half-written membership.
    assert await refusal_in(
        services, actions.check_set_members, owner, group.id, [ann.user_id, bot.user_id]
    ) == ("invalid_users")
    async with services.db.read() as session:
        assert await store.member_ids(session, group.id) == []


async def test_members_joining_a_disabled_group_join_no_channel(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    owner = await principal_of(services, team.owner)
    ann = await factory.user(team)
    channel = await make_conversation(services.db, team, [team.owner])
    async with services.db.write() as uow:
        group = await actions.check_create_group(
            uow, owner, **_fields(name="Eng", channels=[channel])
        )
        await actions.check_set_enabled(uow, owner, group.id, False)
        await actions.check_set_members(uow, owner, group.id, [ann.user_id])
    async with services.db.read() as session:
        assert await store.member_ids(session, group.id) == [ann.user_id]
        assert ann.user_id not in await visibility.member_ids(session, channel)


def _fields(*, name: str, channels: list[str] | None = None) -> dict[str, str | list[str] | None]:
    return {"name": name, "handle": None, "description": None, "channels": channels}


async def test_the_unique_constraints_decide_a_race(factory: Factory, services: Services) -> None:
    """Two creates that both passed the checks: the second one's row is refused with
    Slack's error, not a crash (do_create_group skips the checks, as a racing twin would)."""
    team = await factory.workspace()

    async def create(name: str, handle: str) -> str:
        try:
            async with services.db.write() as uow:
                await actions.do_create_group(
                    uow,
                    team.team_id,
                    team.owner.user_id,
                    name=name,
                    handle=handle,
                    description="",
                    channels=[],
                )
        except ApiError as error:
            return error.code
        return "ok"

    assert await create("Eng", "eng") == "ok"
    assert await create("Eng", "eng2") == "name_already_exists"
    assert await create("Eng 2", "eng") == "handle_already_exists"
