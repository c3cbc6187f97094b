"""auth.teams.list: a token lists the one workspace it belongs to."""

from __future__ import annotations

from tests.conftest import Api
from tests.factories import Factory


async def test_a_token_lists_its_own_workspace_only(api: Api, factory: Factory) -> None:
    team = await factory.workspace(name="Globex")
    await factory.workspace(name="Rival")
    body = await api("auth.teams.list", team.owner.token)
    assert body == {
        "ok": True,
        "teams": [{"id": team.team_id, "name": "Globex"}],
        "response_metadata": {"next_cursor": ""},
    }
    bot = await factory.bot(team)
    with_icon = await api("auth.teams.list", bot.token, include_icon="true", limit="10")
    [listed] = with_icon["teams"]
    assert listed["id"] == team.team_id
    assert listed["icon"]["image_default"] is True
    assert (await api("auth.teams.list"))["error"] == "not_authed"
