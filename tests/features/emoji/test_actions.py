"""The admin.emoji.* rules, called as actions (no HTTP): the admin console and the CLI
get them too."""

from __future__ import annotations

from parley.features.emoji import actions, store
from parley.platform.services import Services
from tests.factories import Factory
from tests.features.principals import principal_of, refusal_in

URL = "https://example.com/parrot.gif"


async def _custom_names(services: Services, workspace_id: str) -> set[str]:
    async with services.db.read() as session:
        return {row.name for row in await store.list_custom_emoji(session, workspace_id)}


async def test_only_admins_manage_custom_emoji(factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    member = await principal_of(services, await factory.user(team))
    admin = await principal_of(services, team.owner)
    # The admin rule comes first, before the name is even looked at.
    assert await refusal_in(services, actions.check_add_emoji, member, "", URL) == "not_an_admin"
    assert await refusal_in(services, actions.check_add_alias, member, "p", "partyparrot") == (
        "not_an_admin"
    )
    async with services.db.write() as uow:
        await actions.check_add_emoji(uow, admin, ":partyparrot:", URL)
        await actions.check_add_alias(uow, admin, "polly", "partyparrot")
    assert await refusal_in(services, actions.check_remove_emoji, member, "partyparrot") == (
        "not_an_admin"
    )
    assert await _custom_names(services, team.team_id) == {"partyparrot", "polly"}
    async with services.db.write() as uow:
        removed = await actions.check_remove_emoji(uow, admin, ":partyparrot:")
    assert sorted(removed) == ["partyparrot", "polly"]
    assert await refusal_in(services, actions.check_remove_emoji, admin, "partyparrot") == (
        "emoji_not_found"
    )
