"""Unmodified slack_sdk clients (sync and async) posting, editing, deleting and paging."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from parley.platform.services import Services
from tests.conftest import LiveServer, SyncFactory
from tests.factories import Factory
from tests.features.messages.helpers import make_channel


def test_sync_client_messages(live_server: LiveServer, sync_factory: SyncFactory) -> None:
    team = sync_factory.workspace()
    bot = sync_factory.bot(team)
    run = sync_factory.loop.run_until_complete
    channel = run(make_channel(sync_factory.db, team, [team.owner, bot]))
    client = WebClient(token=bot.token, base_url=live_server.api_url)
    posted = client.chat_postMessage(
        channel=channel,
        text="fallback",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*deploy* done"}}],
    )
    assert posted["message"]["bot_id"] and posted["message"]["user"] == bot.user_id
    assert "html" not in posted["message"]  # Slack's shape: the HTML is Parley's web client's
    for n in range(4):
        client.chat_postMessage(channel=channel, text=f"m{n}")
    updated = client.chat_update(channel=channel, ts=posted["ts"], text="edited")
    assert updated["message"]["edited"]["user"] == bot.user_id
    reply = client.chat_postMessage(channel=channel, text="in thread", thread_ts=posted["ts"])
    thread = client.conversations_replies(channel=channel, ts=posted["ts"])
    assert [m["ts"] for m in thread["messages"]] == [posted["ts"], reply["ts"]]
    texts, pages = [], 0
    # The SDK reuses one response object while paging: read each page inside the loop.
    for page in client.conversations_history(channel=channel, limit=2):
        texts += [m["text"] for m in page["messages"]]
        pages += 1
    assert texts == ["m3", "m2", "m1", "m0", "edited"]
    assert pages == 3
    client.chat_delete(channel=channel, ts=reply["ts"])
    link = client.chat_getPermalink(channel=channel, message_ts=posted["ts"])
    assert link["permalink"].endswith(posted["ts"].replace(".", ""))
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0DOESNOTEXIST", text="x")
    assert raised.value.response["error"] == "channel_not_found"


async def test_async_client_messages(
    live_server: LiveServer, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    client = AsyncWebClient(token=team.owner.token, base_url=live_server.api_url)
    posted = await client.chat_postMessage(channel=channel, text="hello from async")
    assert posted["channel"] == channel
    await client.chat_postMessage(channel=channel, text="second")
    await client.chat_update(channel=channel, ts=posted["ts"], text="hello, edited")
    reply = await client.chat_postMessage(channel=channel, text="reply", thread_ts=posted["ts"])
    texts = []
    async for page in await client.conversations_history(channel=channel, limit=2):
        texts += [m["text"] for m in page["messages"]]
    assert texts == ["second", "hello, edited"]
    thread = await client.conversations_replies(channel=channel, ts=posted["ts"])
    assert thread["messages"][1]["ts"] == reply["ts"]
    deleted = await client.chat_delete(channel=channel, ts=reply["ts"])
    assert deleted["ts"] == reply["ts"]
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C0DOESNOTEXIST", text="x")
    assert raised.value.response["error"] == "channel_not_found"
