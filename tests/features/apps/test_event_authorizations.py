"""apps.event.authorizations.list: who of the calling app may see the event an envelope's
`event_context` names; another workspace's app, or a forged context, learns nothing."""

from __future__ import annotations

import time

from parley.features.apps.routing import event_context_for
from tests.features.apps.helpers import create_app, manifest


async def _app_in(factory, services, team):
    return await create_app(services.db, team, manifest(socket_mode=True))


async def test_lists_the_bot_when_it_is_in_the_conversation(api, factory, services):
    team = await factory.workspace()
    created = await _app_in(factory, services, team)
    token = team.owner.token
    channel = (await api("conversations.create", token, name=f"a{time.time_ns()}"))["channel"]
    elsewhere = (await api("conversations.create", token, name=f"b{time.time_ns()}"))["channel"]
    await api("conversations.invite", token, channel=channel["id"], users=created.app.bot_user_id)

    listed = await api(
        "apps.event.authorizations.list",
        created.app_token,
        event_context=event_context_for(team.team_id, channel["id"]),
    )
    assert listed["ok"], listed
    assert listed["authorizations"] == [
        {
            "enterprise_id": None,
            "team_id": team.team_id,
            "user_id": created.app.bot_user_id,
            "is_bot": True,
            "is_enterprise_install": False,
        }
    ]
    not_member = await api(
        "apps.event.authorizations.list",
        created.app_token,
        event_context=event_context_for(team.team_id, elsewhere["id"]),
    )
    assert not_member["authorizations"] == []
    workspace_wide = await api(
        "apps.event.authorizations.list",
        created.app_token,
        event_context=event_context_for(team.team_id, ""),
    )
    assert [a["user_id"] for a in workspace_wide["authorizations"]] == [created.app.bot_user_id]


async def test_other_workspaces_forged_contexts_and_other_tokens(api, factory, services):
    team, other = await factory.workspace(), await factory.workspace()
    created = await _app_in(factory, services, team)
    theirs = await _app_in(factory, services, other)
    their_channel = (await api("conversations.create", other.owner.token, name="theirs"))[
        "channel"
    ]["id"]
    context = event_context_for(other.team_id, their_channel)
    mismatch = await api("apps.event.authorizations.list", created.app_token, event_context=context)
    assert mismatch["error"] == "auth_mismatch"
    # A context naming this workspace with their channel is not an event here.
    crossed = event_context_for(team.team_id, their_channel)
    forged = await api("apps.event.authorizations.list", created.app_token, event_context=crossed)
    assert forged["error"] == "invalid_event_context"
    for junk in ("", "4-!!!", "nope"):
        bad = await api("apps.event.authorizations.list", created.app_token, event_context=junk)
        assert bad["error"] == "invalid_event_context"
    bot_token = await api(
        "apps.event.authorizations.list", created.bot_token, event_context=context
    )
    assert bot_token["error"] == "not_allowed_token_type"
    own = await api("apps.event.authorizations.list", theirs.app_token, event_context=context)
    assert own["ok"], own
