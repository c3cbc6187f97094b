"""An unmodified async Bolt app (`AsyncApp` + `AsyncWebClient`, aiohttp Socket Mode client)
against a live Parley: app_mention → say() and a slash command → ack(text) + respond()."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk import WebClient
from slack_sdk.web.async_client import AsyncWebClient

from parley.features.apps.socket import socket_hub
from tests.conftest import LiveServer, SyncFactory
from tests.contract.bolt_support import channel_with_bot, history, make_app, replies, wait_for
from tests.features.apps.helpers import manifest

pytestmark = pytest.mark.slow


def build_async_app(token: str, api_url: str) -> AsyncApp:
    app = AsyncApp(client=AsyncWebClient(token=token, base_url=api_url))

    @app.event("app_mention")
    async def on_mention(event: dict[str, Any], say: Any) -> None:
        await say(text=f"async pong: {event['text']}", thread_ts=event["ts"])

    @app.command("/aecho")
    async def on_echo(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        await ack(f"async working on {command['text']}")
        await respond(text=f"async echo: {command['text']}", response_type="in_channel")

    return app


@pytest.fixture
def async_bolt(live_server: LiveServer, sync_factory: SyncFactory) -> Iterator[dict[str, Any]]:
    team = sync_factory.workspace()
    created = make_app(
        sync_factory, team, manifest(name="Async Bolt", socket_mode=True, commands=("/aecho",))
    )
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> AsyncSocketModeHandler:
        # aiohttp sessions must be made inside the loop that runs them.
        app = build_async_app(created.bot_token, live_server.api_url)
        handler = AsyncSocketModeHandler(app, created.app_token)
        await handler.connect_async()
        return handler

    handler = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    wait_for(lambda: socket_hub(live_server.services).has(created.app.id), what="async socket")
    owner = WebClient(token=team.owner.token, base_url=live_server.api_url)
    try:
        yield {"created": created, "owner": owner}
    finally:
        asyncio.run_coroutine_threadsafe(handler.close_async(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()


def test_async_bolt_in_socket_mode(async_bolt: dict[str, Any]) -> None:
    owner, created = async_bolt["owner"], async_bolt["created"]
    channel = channel_with_bot(owner, created.app.bot_user_id)
    posted = owner.chat_postMessage(channel=channel, text=f"<@{created.app.bot_user_id}> yo")
    [reply] = wait_for(
        lambda: [m for m in replies(owner, channel, posted["ts"]) if m["ts"] != posted["ts"]],
        what="the async app's reply",
    )
    assert reply["text"] == f"async pong: <@{created.app.bot_user_id}> yo"
    assert reply["bot_id"] == created.app.bot_id
    answer = owner.api_call(
        "commands.invoke", params={"channel": channel, "command": "/aecho", "text": "x"}
    )
    assert answer["response"]["response_type"] == "ephemeral"
    wait_for(
        lambda: [m for m in history(owner, channel) if m.get("text") == "async echo: x"],
        what="the async in_channel response",
    )
