"""Slack's calls.* methods: fields, errors, scopes, and who may change an app's call."""

from __future__ import annotations

import json

from tests.conftest import Api
from tests.factories import Factory

USERS = json.dumps(
    [{"external_id": "ext-1", "display_name": "Zed", "avatar_url": "https://a.example/z.png"}]
)


async def test_add_info_update_participants_end(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    bob = await factory.user(team)
    added = await api(
        "calls.add",
        alice.token,
        external_unique_id="zoom-123",
        join_url="https://call.example/j/123",
        desktop_app_join_url="callapp://join/123",
        external_display_id="123-456",
        title="Standup",
        date_start="1700000000",
        users=json.dumps([{"slack_id": alice.user_id}, *json.loads(USERS)]),
    )
    assert added["ok"], added
    call = added["call"]
    assert call["id"].startswith("R") and call["date_start"] == 1700000000
    assert call["external_unique_id"] == "zoom-123" and call["title"] == "Standup"
    assert call["join_url"] == "https://call.example/j/123"
    assert call["desktop_app_join_url"] == "callapp://join/123"
    assert call["external_display_id"] == "123-456"
    assert call["users"] == [
        {"slack_id": alice.user_id},
        {"external_id": "ext-1", "display_name": "Zed", "avatar_url": "https://a.example/z.png"},
    ]
    call_id = call["id"]
    info = await api("calls.info", bob.token, id=call_id)
    assert info["call"] == call

    updated = await api("calls.update", alice.token, id=call_id, title="Retro")
    assert updated["call"]["title"] == "Retro"
    assert (await api("calls.update", bob.token, id=call_id, title="Mine"))["error"] == (
        "not_authorized"
    )

    more = json.dumps([{"slack_id": bob.user_id}])
    assert (await api("calls.participants.add", alice.token, id=call_id, users=more))["ok"]
    assert (await api("calls.participants.add", alice.token, id=call_id, users=more))[
        "error"
    ] == "bad_users"
    assert (await api("calls.participants.remove", alice.token, id=call_id, users=USERS))["ok"]
    info = await api("calls.info", alice.token, id=call_id)
    assert info["call"]["users"] == [{"slack_id": alice.user_id}, {"slack_id": bob.user_id}]

    assert (await api("calls.end", alice.token, id=call_id, duration="600"))["ok"]
    ended = await api("calls.info", alice.token, id=call_id)
    assert ended["call"]["date_end"] == 1700000600 and ended["call"]["users"] == []
    assert (await api("calls.end", alice.token, id=call_id))["error"] == "inactive_call"
    assert (await api("calls.participants.add", alice.token, id=call_id, users=more))[
        "error"
    ] == "inactive_call"


async def test_errors(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    base = {"external_unique_id": "x-1", "join_url": "https://call.example/x"}
    bad_url = await api("calls.add", alice.token, **{**base, "join_url": "javascript:alert(1)"})
    assert bad_url["error"] == "invalid_arguments"
    stranger = await api("calls.add", alice.token, **base, created_by="U0NOBODY00")
    assert stranger["error"] == "invalid_created_by"
    unknown = json.dumps([{"slack_id": "U0NOBODY00"}])
    assert (await api("calls.add", alice.token, **base, users=unknown))["error"] == (
        "user_not_found"
    )
    assert (await api("calls.add", alice.token, **base, users="[1]"))["error"] == (
        "invalid_arguments"
    )
    assert (await api("calls.add", alice.token, **base, date_start="-5"))["error"] == (
        "invalid_start_time"
    )
    assert (await api("calls.info", alice.token, id="R0NOPE0000"))["error"] == "invalid_call_id"
    assert (await api("calls.info", alice.token))["error"] == "invalid_call_id"
    # A bot must say who created the call.
    bot = await factory.bot(team, scopes=("calls:write", "calls:read"))
    assert (await api("calls.add", bot.token, **base))["error"] == "invalid_created_by"
    by_bot = await api("calls.add", bot.token, **base, created_by=alice.user_id)
    assert by_bot["ok"], by_bot
    # The scopes are Slack's.
    reader = await factory.token(alice, scopes=("calls:read",))
    assert (await api("calls.add", reader, **base))["error"] == "missing_scope"
    assert (await api("calls.info", reader, id=by_bot["call"]["id"]))["ok"]


async def test_another_workspace_cannot_reach_a_call(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    call_id = (
        await api(
            "calls.add", alice.token, external_unique_id="x", join_url="https://call.example/x"
        )
    )["call"]["id"]
    mallory = (await factory.workspace()).owner
    for method in ("calls.info", "calls.update", "calls.end"):
        assert (await api(method, mallory.token, id=call_id))["error"] == "invalid_call_id"
    users = json.dumps([{"slack_id": mallory.user_id}])
    assert (await api("calls.participants.add", mallory.token, id=call_id, users=users))[
        "error"
    ] == "invalid_call_id"
    assert (await api("calls.info", alice.token, id=call_id))["call"]["users"] == []
