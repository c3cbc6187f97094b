"""team.preferences.list and team.billing.info: Slack's fields, from the workspace's own
settings, behind their scopes, and only ever the caller's workspace."""

from __future__ import annotations

from parley.platform.services import Services
from parley.platform.tenancy import Workspace
from tests.conftest import Api
from tests.factories import Factory


async def set_settings(services: Services, workspace_id: str, settings: dict[str, object]) -> None:
    async with services.db.workspace(workspace_id), services.db.write() as uow:
        workspace = await uow.session.get(Workspace, workspace_id)
        assert workspace is not None
        workspace.settings = {**(workspace.settings or {}), **settings}


async def test_preferences_are_slacks_defaults_then_the_workspaces(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    body = await api("team.preferences.list", team.owner.token)
    assert body == {
        "ok": True,
        "msg_edit_window_mins": -1,
        "allow_message_deletion": True,
        "display_real_names": False,
        "disable_file_uploads": "allow_all",
        "who_can_post_general": "everyone",
    }
    await set_settings(services, team.team_id, {"preferences": {"display_real_names": True}})
    assert (await api("team.preferences.list", team.owner.token))["display_real_names"] is True
    bot = await factory.bot(team)
    assert (await api("team.preferences.list", bot.token))["ok"] is True
    narrow = await factory.token(team.owner, scopes=("team:read",))
    assert (await api("team.preferences.list", narrow))["error"] == "missing_scope"


async def test_billing_plan_is_free_until_plans_exist(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    rival = await factory.workspace("Rival")
    assert await api("team.billing.info", team.owner.token) == {"ok": True, "plan": ""}
    # Where the plans feature will record a workspace's plan; another workspace's is unseen.
    await set_settings(services, rival.team_id, {"plan": "plus"})
    assert (await api("team.billing.info", rival.owner.token))["plan"] == "plus"
    assert (await api("team.billing.info", team.owner.token))["plan"] == ""
    bot = await factory.bot(team)
    assert (await api("team.billing.info", bot.token))["error"] == "not_allowed_token_type"
    narrow = await factory.token(team.owner, scopes=("team:read",))
    assert (await api("team.billing.info", narrow))["error"] == "missing_scope"
