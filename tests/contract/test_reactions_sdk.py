"""Unmodified slack_sdk.WebClient against a live Parley: reactions, pins, stars, bookmarks."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.conftest import LiveServer, SyncFactory
from tests.features.reactions.helpers import make_conversation


def test_reactions_pins_stars_with_the_sdk(
    live_server: LiveServer, sync_factory: SyncFactory
) -> None:
    team = sync_factory.workspace()
    member = sync_factory.user(team)
    run = sync_factory.loop.run_until_complete
    channel = run(make_conversation(sync_factory.db, team, [team.owner, member]))
    client = WebClient(token=team.owner.token, base_url=live_server.api_url)
    ts = client.chat_postMessage(channel=channel, text="ship it")["ts"]

    client.reactions_add(channel=channel, timestamp=ts, name="tada")
    client.reactions_add(channel=channel, timestamp=ts, name="thumbsup::skin-tone-3")
    history = client.conversations_history(channel=channel)["messages"]
    assert [r["name"] for r in history[0]["reactions"]] == ["tada", "thumbsup::skin-tone-3"]
    got = client.reactions_get(channel=channel, timestamp=ts, full=True)
    assert got["message"]["reactions"][0] == {
        "name": "tada",
        "users": [team.owner.user_id],
        "count": 1,
    }
    listed = client.reactions_list(limit=1)
    assert len(listed["items"]) == 1 and listed["response_metadata"]["next_cursor"]
    with pytest.raises(SlackApiError) as raised:
        client.reactions_add(channel=channel, timestamp=ts, name="tada")
    assert raised.value.response["error"] == "already_reacted"
    with pytest.raises(SlackApiError) as raised:
        client.reactions_add(channel=channel, timestamp="1000000000.000001", name="tada")
    assert raised.value.response["error"] == "message_not_found"
    client.reactions_remove(channel=channel, timestamp=ts, name="tada")

    client.pins_add(channel=channel, timestamp=ts)
    assert client.conversations_history(channel=channel)["messages"][0]["pinned_to"] == [channel]
    pins = client.pins_list(channel=channel)
    assert pins["items"][0]["message"]["ts"] == ts
    assert pins["items"][0]["created_by"] == team.owner.user_id
    client.pins_remove(channel=channel, timestamp=ts)

    # The SDK warns that Slack retired stars.*; the calls must still work unchanged.
    with pytest.warns(UserWarning, match="deprecated"):
        client.stars_add(channel=channel, timestamp=ts)
    with pytest.warns(UserWarning, match="deprecated"):
        assert client.stars_list()["items"][0]["message"]["text"] == "ship it"
    with pytest.warns(UserWarning, match="deprecated"):
        client.stars_remove(channel=channel, timestamp=ts)


def test_bookmarks_and_emoji_with_the_sdk(
    live_server: LiveServer, sync_factory: SyncFactory
) -> None:
    team = sync_factory.workspace()
    run = sync_factory.loop.run_until_complete
    channel = run(make_conversation(sync_factory.db, team, [team.owner]))
    client = WebClient(token=team.owner.token, base_url=live_server.api_url)

    added = client.bookmarks_add(
        channel_id=channel, title="Runbook", type="link", link="https://example.com/run"
    )
    bookmark_id = added["bookmark"]["id"]
    client.bookmarks_edit(channel_id=channel, bookmark_id=bookmark_id, title="Runbook v2")
    assert client.bookmarks_list(channel_id=channel)["bookmarks"][0]["title"] == "Runbook v2"
    client.bookmarks_remove(channel_id=channel, bookmark_id=bookmark_id)
    with pytest.raises(SlackApiError) as raised:
        client.bookmarks_add(channel_id=channel, title="x", type="link", link="ftp://nope")
    assert raised.value.response["error"] == "invalid_link"

    client.api_call("admin.emoji.add", params={"name": "shipit2", "url": "https://e.x/s.png"})
    client.admin_emoji_addAlias(name="ship2", alias_for="shipit2")
    assert client.emoji_list()["emoji"] == {
        "shipit2": "https://e.x/s.png",
        "ship2": "alias:shipit2",
    }
    client.admin_emoji_remove(name="shipit2")
    assert client.emoji_list()["emoji"] == {}
