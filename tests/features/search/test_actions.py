"""Search as an action (no HTTP): any entry point searches as the principal, and gets only
what that principal may read."""

from __future__ import annotations

from dataclasses import replace

from parley.features.search import actions
from parley.platform.auth.principal import Principal
from parley.platform.services import Services
from tests.factories import Factory
from tests.features.principals import principal_of, refusal
from tests.features.search.seed import Seeder


async def _texts(services: Services, principal: Principal, text: str) -> list[str]:
    async with services.db.read() as session:
        searched = await actions.access_search_results(
            session, principal, text, sort="timestamp", ascending=True, offset=0, limit=100
        )
    return [hit.message.text for hit in searched.result.hits]


async def test_results_are_what_the_principal_may_read(
    factory: Factory, services: Services, seed: Seeder
) -> None:
    team = await factory.workspace()
    ann = await factory.user(team)
    bob = await factory.user(team)
    public = await seed.channel(team, [ann], name="open")
    secret = await seed.channel(team, [ann], name="closed", private=True)
    await seed.post(public, ann, "okapi one")
    await seed.post(secret, ann, "okapi two")
    assert await _texts(services, await principal_of(services, ann), "okapi") == [
        "okapi one",
        "okapi two",
    ]
    assert await _texts(services, await principal_of(services, bob), "okapi") == ["okapi one"]


async def test_a_principal_without_a_member_row_may_not_search(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    elsewhere = await factory.workspace()
    owner = await principal_of(services, team.owner)
    # A credential naming a user of another workspace is not a searcher here.
    stranger = replace(owner, user_id=elsewhere.owner.user_id)
    async with services.db.read() as session:
        assert await refusal(actions.access_viewer(session, stranger)) == "invalid_auth"
