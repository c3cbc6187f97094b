"""team.info."""

from __future__ import annotations

from tests.conftest import Api
from tests.factories import Factory


async def test_team_info(api: Api, factory: Factory) -> None:
    team = await factory.workspace(name="Globex")
    body = await api("team.info", team.owner.token)
    assert body["team"]["id"] == team.team_id
    assert body["team"]["name"] == "Globex" and body["team"]["domain"] == team.domain
    assert (await api("team.info", team.owner.token, team=team.team_id))["ok"]
    assert (await api("team.info", team.owner.token, team="TNOTHERE"))["error"] == (
        "team_not_found"
    )
