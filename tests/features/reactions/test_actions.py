"""The reactions.* rules, called as actions (no HTTP): any entry point gets them."""

from __future__ import annotations

from parley.features.reactions import actions
from parley.platform.services import Services
from tests.factories import Factory
from tests.features.principals import principal_of, refusal_in
from tests.features.reactions.helpers import make_conversation, post, set_archived


async def test_each_person_removes_only_their_own_reaction(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    channel = await make_conversation(services.db, team, [team.owner, bob])
    ts = await post(services.db, team, channel, team.owner)
    owner = await principal_of(services, team.owner)
    other = await principal_of(services, bob)
    async with services.db.write() as uow:
        await actions.check_add_reaction(uow, owner, channel, ts, ":tada:")
    remove = actions.check_remove_reaction
    assert await refusal_in(services, remove, other, channel, ts, "tada") == "no_reaction"
    assert await refusal_in(services, remove, owner, channel, ts, "::") == "invalid_name"
    assert await refusal_in(services, actions.check_add_reaction, owner, channel, ts, "tada") == (
        "already_reacted"
    )
    async with services.db.write() as uow:
        await remove(uow, owner, channel, ts, "tada")


async def test_no_reactions_in_an_archived_channel_nor_unknown_emoji(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_conversation(services.db, team, [team.owner])
    ts = await post(services.db, team, channel, team.owner)
    owner = await principal_of(services, team.owner)
    add = actions.check_add_reaction
    assert await refusal_in(services, add, owner, channel, ts, "no-such-emoji") == "invalid_name"
    await set_archived(services.db, channel)
    assert await refusal_in(services, add, owner, channel, ts, "tada") == "is_archived"
