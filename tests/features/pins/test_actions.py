"""The pins.* rules, called as actions (no HTTP): any entry point gets them."""

from __future__ import annotations

from parley.features.pins import actions
from parley.platform.services import Services
from tests.factories import Factory
from tests.features.principals import principal_of, refusal_in
from tests.features.reactions.helpers import make_conversation, post, set_archived


async def test_only_members_pin_and_not_once_archived(factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    outsider = await principal_of(services, await factory.user(team))  # sees, is not in it
    channel = await make_conversation(services.db, team, [team.owner])
    ts = await post(services.db, team, channel, team.owner)
    owner = await principal_of(services, team.owner)
    assert await refusal_in(services, actions.check_pin, outsider, channel, ts) == (
        "not_in_channel"
    )
    async with services.db.write() as uow:
        await actions.check_pin(uow, owner, channel, ts)
    assert await refusal_in(services, actions.check_pin, owner, channel, ts) == "already_pinned"
    assert await refusal_in(services, actions.check_unpin, outsider, channel, ts) == (
        "not_in_channel"
    )
    await set_archived(services.db, channel)
    assert await refusal_in(services, actions.check_unpin, owner, channel, ts) == "is_archived"
