"""slack_sdk sends chat.* as JSON bodies with the caller's native values: an integer
`post_at`, a float `thread_ts` or `ts` (issue 15, item 1). Unmodified WebClient calls."""

from __future__ import annotations

import time

from slack_sdk import WebClient

from tests.conftest import LiveServer, SyncFactory
from tests.features.messages.helpers import make_channel


def _client(live_server: LiveServer, sync_factory: SyncFactory) -> tuple[WebClient, str]:
    team = sync_factory.workspace()
    bot = sync_factory.bot(team)
    channel = sync_factory.loop.run_until_complete(
        make_channel(sync_factory.db, team, [team.owner, bot])
    )
    return WebClient(token=bot.token, base_url=live_server.api_url), channel


def test_schedule_message_with_an_integer_post_at(
    live_server: LiveServer, sync_factory: SyncFactory
) -> None:
    client, channel = _client(live_server, sync_factory)
    post_at = int(time.time()) + 600
    scheduled = client.chat_scheduleMessage(channel=channel, post_at=post_at, text="later")
    assert scheduled["post_at"] == post_at and scheduled["channel"] == channel
    listed = client.chat_scheduledMessages_list(channel=channel)
    assert [m["id"] for m in listed["scheduled_messages"]] == [scheduled["scheduled_message_id"]]
    # time.time() + 600 as it is, a float: Slack takes the whole seconds.
    floating = client.chat_scheduleMessage(channel=channel, post_at=time.time() + 600, text="f")
    assert floating["post_at"] in (post_at, post_at + 1)


def test_post_and_update_with_float_timestamps(
    live_server: LiveServer, sync_factory: SyncFactory
) -> None:
    client, channel = _client(live_server, sync_factory)
    root = client.chat_postMessage(channel=channel, text="root")
    root_ts: str = root["ts"]
    # An app that kept the ts as a number (float(event["ts"])) sends it back as a JSON float.
    reply = client.chat_postMessage(channel=channel, text="reply", thread_ts=float(root_ts))
    assert reply["message"]["thread_ts"] == root_ts
    updated = client.chat_update(channel=channel, ts=float(reply["ts"]), text="edited")
    assert updated["ts"] == reply["ts"] and updated["text"] == "edited"
    thread = client.conversations_replies(channel=channel, ts=root_ts)
    assert [m["text"] for m in thread["messages"]] == ["root", "edited"]
