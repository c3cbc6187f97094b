"""rtm.start: rtm.connect's URL plus self, team, users and conversations, bounded, each list
behind the scope that reads it, and nothing of another workspace."""

from __future__ import annotations

import pytest

from parley.features.rtm import api as rtm_api
from tests.conftest import Api
from tests.factories import Factory


async def test_rtm_start_answers_what_legacy_clients_read(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team, name="mia")
    private = await api("conversations.create", team.owner.token, name="secret", is_private="true")
    dm = await api("conversations.open", team.owner.token, users=member.user_id)

    body = await api("rtm.start", team.owner.token)
    assert body["ok"] is True
    assert body["url"].startswith("ws://") and "/rtm?ticket=" in body["url"]
    assert body["self"]["id"] == team.owner.user_id
    assert body["self"]["name"]
    assert body["team"]["id"] == team.team_id
    assert body["team"]["domain"] == team.domain
    assert {u["id"] for u in body["users"]} == {team.owner.user_id, member.user_id}
    [general] = [c for c in body["channels"] if c["name"] == "general"]
    assert general["is_member"] is True
    assert "latest" not in general  # Slack stopped sending it in rtm.start in 2017
    assert [g["id"] for g in body["groups"]] == [private["channel"]["id"]]
    assert [i["id"] for i in body["ims"]] == [dm["channel"]["id"]]
    assert "mpims" not in body  # only with mpim_aware
    assert "response_metadata" not in body

    aware = await api("rtm.start", team.owner.token, mpim_aware="1")
    assert aware["mpims"] == []

    # Someone else sees the private channel only once they are in it.
    theirs = await api("rtm.start", member.token)
    assert theirs["groups"] == []
    assert [i["id"] for i in theirs["ims"]] == [dm["channel"]["id"]]


async def test_each_list_needs_the_scope_that_reads_it(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    narrow = await factory.token(team.owner, scopes=("channels:read",))
    body = await api("rtm.start", narrow)
    assert body["ok"] is True
    assert body["users"] == [] and body["groups"] == [] and body["ims"] == []
    # #general (and whatever other channels a new workspace starts with).
    listed = await api("conversations.list", narrow)
    assert [c["id"] for c in body["channels"]] == [c["id"] for c in listed["channels"]]
    assert "general" in {c["name"] for c in body["channels"]}


async def test_lists_are_capped_and_say_so(
    api: Api, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = await factory.workspace()
    for _ in range(3):
        await factory.user(team)
    monkeypatch.setattr(rtm_api, "LIST_CAP", 2)
    body = await api("rtm.start", team.owner.token)
    assert len(body["users"]) == 2
    assert body["response_metadata"] == {"warnings": ["users_truncated"]}
    listed = await api("users.list", team.owner.token, limit="2")
    assert [u["id"] for u in body["users"]] == [u["id"] for u in listed["members"]]


async def test_rtm_start_shows_nothing_of_another_workspace(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    rival = await factory.workspace("Rival")
    await factory.user(rival)
    await api("conversations.create", rival.owner.token, name="rival-room")
    body = await api("rtm.start", team.owner.token, mpim_aware="true")
    assert {u["id"] for u in body["users"]} == {team.owner.user_id}
    assert "rival-room" not in {c["name"] for c in body["channels"]}
    ids = {c["id"] for key in ("channels", "groups", "ims", "mpims") for c in body[key]}
    rival_ids = {c["id"] for c in (await api("conversations.list", rival.owner.token))["channels"]}
    assert not ids & rival_ids
    assert body["team"]["id"] == team.team_id


async def test_rtm_start_needs_a_credential(api: Api) -> None:
    assert await api("rtm.start") == {"ok": False, "error": "not_authed"}
