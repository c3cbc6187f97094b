"""Unmodified slack_sdk.WebClient against a live Parley: usergroups.*."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.conftest import LiveServer, SyncFactory
from tests.features.reactions.helpers import make_conversation


def test_usergroups_with_the_sdk(live_server: LiveServer, sync_factory: SyncFactory) -> None:
    team = sync_factory.workspace()
    ann, bob = sync_factory.user(team), sync_factory.user(team)
    run = sync_factory.loop.run_until_complete
    channel = run(make_conversation(sync_factory.db, team, [team.owner]))
    client = WebClient(token=team.owner.token, base_url=live_server.api_url)

    created = client.usergroups_create(
        name="Oncall", handle="oncall", description="Pager holders", channels=[channel]
    )
    group = created["usergroup"]
    assert group["handle"] == "oncall" and group["prefs"]["channels"] == [channel]
    group_id = group["id"]

    updated = client.usergroups_users_update(usergroup=group_id, users=[ann.user_id, bob.user_id])
    assert sorted(updated["usergroup"]["users"]) == sorted([ann.user_id, bob.user_id])
    assert sorted(client.usergroups_users_list(usergroup=group_id)["users"]) == sorted(
        [ann.user_id, bob.user_id]
    )
    # The new members joined the group's default channel.
    members = client.conversations_members(channel=channel)["members"]
    assert {ann.user_id, bob.user_id} <= set(members)

    listed = client.usergroups_list(include_users=True, include_count=True)
    (only,) = listed["usergroups"]
    assert only["id"] == group_id and only["user_count"] == "2"

    renamed = client.usergroups_update(usergroup=group_id, name="Pager", include_count=True)
    assert renamed["usergroup"]["name"] == "Pager" and renamed["usergroup"]["user_count"] == "2"

    assert client.usergroups_disable(usergroup=group_id)["usergroup"]["date_delete"] > 0
    assert client.usergroups_list()["usergroups"] == []
    assert client.usergroups_list(include_disabled=True)["usergroups"][0]["id"] == group_id
    assert client.usergroups_enable(usergroup=group_id)["usergroup"]["date_delete"] == 0

    with pytest.raises(SlackApiError) as raised:
        client.usergroups_create(name="Other", handle="oncall")
    assert raised.value.response["error"] == "handle_already_exists"
    member = WebClient(token=ann.token, base_url=live_server.api_url)
    with pytest.raises(SlackApiError) as raised:
        member.usergroups_create(name="Mine")
    assert raised.value.response["error"] == "permission_denied"
