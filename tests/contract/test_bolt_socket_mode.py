"""The same kind of unmodified slack_bolt App in Socket Mode (slack_sdk's builtin client,
plain ws://): app_mention → say, slash command → ack(text) + respond, button → respond."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import websockets.sync.client as ws_client
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from websockets.exceptions import ConnectionClosed, InvalidStatus

from parley.features.apps.delivery import CONFIG
from tests.conftest import LiveServer, SyncFactory
from tests.contract.bolt_support import (
    BUTTON_BLOCKS,
    channel_with_bot,
    history,
    make_app,
    replies,
    wait_for,
)
from tests.contract.test_bolt_http import build_bolt_app
from tests.features.apps.helpers import manifest

pytestmark = pytest.mark.slow


@pytest.fixture
def bolt_socket(live_server: LiveServer, sync_factory: SyncFactory) -> Iterator[dict[str, Any]]:
    team = sync_factory.workspace()
    spec = manifest(name="Bolt Socket", socket_mode=True, commands=("/echo", "/survey"))
    created = make_app(sync_factory, team, spec)
    bolt = build_bolt_app(created.bot_token, created.app.signing_secret, live_server.api_url)
    handler = SocketModeHandler(bolt, created.app_token)
    handler.connect()
    wait_for(lambda: _connected(live_server, created.app.id), what="the Socket Mode connection")
    owner = WebClient(token=team.owner.token, base_url=live_server.api_url)
    try:
        yield {"team": team, "created": created, "owner": owner, "handler": handler}
    finally:
        handler.close()


def _connected(live_server: LiveServer, app_id: str) -> bool:
    from parley.features.apps.socket import socket_hub

    return socket_hub(live_server.services).has(app_id)


def test_socket_mode_mention_command_and_button(
    bolt_socket: dict[str, Any], live_server: LiveServer
) -> None:
    owner, created = bolt_socket["owner"], bolt_socket["created"]
    channel = channel_with_bot(owner, created.app.bot_user_id)

    posted = owner.chat_postMessage(channel=channel, text=f"<@{created.app.bot_user_id}> hi")
    [reply] = wait_for(
        lambda: [m for m in replies(owner, channel, posted["ts"]) if m["ts"] != posted["ts"]],
        what="the bot's reply over Socket Mode",
    )
    assert reply["text"] == f"pong: <@{created.app.bot_user_id}> hi"

    answer = owner.api_call(
        "commands.invoke", params={"channel": channel, "command": "/echo", "text": "sock"}
    )
    assert answer["response"]["response_type"] == "ephemeral"
    wait_for(
        lambda: [m for m in history(owner, channel) if m.get("text") == "echo: sock"],
        what="the in_channel response",
    )

    bot = WebClient(token=created.bot_token, base_url=live_server.api_url)
    button = bot.chat_postMessage(channel=channel, text="Deploy v2?", blocks=BUTTON_BLOCKS)
    owner.api_call(
        "interactions.blockAction",
        params={"channel": channel, "ts": button["ts"], "action_id": "approve"},
    )
    wait_for(
        lambda: [
            m
            for m in history(owner, channel)
            if m["ts"] == button["ts"] and m["text"].startswith("approved v2")
        ],
        what="the replaced message",
    )


def test_socket_url_is_single_use(bolt_socket: dict[str, Any], live_server: LiveServer) -> None:
    app_client = WebClient(base_url=live_server.api_url)
    url = app_client.apps_connections_open(app_token=bolt_socket["created"].app_token)["url"]
    assert url.startswith("ws://127.0.0.1:")
    with ws_client.connect(url, open_timeout=5) as first:
        hello = json.loads(first.recv(timeout=5))
        assert hello["type"] == "hello"
        assert hello["connection_info"]["app_id"] == bolt_socket["created"].app.id
        assert hello["num_connections"] == 2  # overlapping with Bolt's own socket
    with (
        pytest.raises((InvalidStatus, ConnectionClosed)),
        ws_client.connect(url, open_timeout=5) as again,
    ):
        again.recv(timeout=2)


def test_unacked_envelope_is_redelivered_to_one_socket(
    live_server: LiveServer, sync_factory: SyncFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CONFIG, "request_timeout", 0.5)
    monkeypatch.setattr(CONFIG, "retry_delays", (0.0, 0.0, 0.0))
    team = sync_factory.workspace()
    created = make_app(
        sync_factory, team, manifest(name="Raw", socket_mode=True, events=("app_mention",))
    )
    api = WebClient(base_url=live_server.api_url)
    owner = WebClient(token=team.owner.token, base_url=live_server.api_url)
    channel = channel_with_bot(owner, created.app.bot_user_id)
    urls = [api.apps_connections_open(app_token=created.app_token)["url"] for _ in range(2)]
    with ws_client.connect(urls[0]) as one, ws_client.connect(urls[1]) as two:
        for sock in (one, two):
            assert json.loads(sock.recv(timeout=5))["type"] == "hello"
        owner.chat_postMessage(channel=channel, text=f"<@{created.app.bot_user_id}> hello")
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + 10
        while len(seen) < 2 and time.monotonic() < deadline:
            for sock in (one, two):
                try:
                    seen.append(json.loads(sock.recv(timeout=0.1)))
                except TimeoutError:
                    continue
        first, second = seen[:2]
        assert first["type"] == second["type"] == "events_api"
        assert first["payload"]["event_id"] == second["payload"]["event_id"]
        assert first["envelope_id"] != second["envelope_id"]
        assert (first["retry_attempt"], second["retry_attempt"]) == (0, 1)
        assert second["retry_reason"] == "timeout"
        # Acknowledge the redelivery: no third copy arrives.
        for sock in (one, two):
            sock.send(json.dumps({"envelope_id": second["envelope_id"]}))
        time.sleep(1.0)
        later = [json.loads(m) for m in _drain(one) + _drain(two)]
        assert all(m["payload"]["event_id"] != first["payload"]["event_id"] for m in later)


def _drain(sock: Any) -> list[str]:
    messages: list[str] = []
    while True:
        try:
            messages.append(sock.recv(timeout=0.2))
        except TimeoutError:
            return messages


def test_disconnect_makes_bolt_reconnect(bolt_socket: dict[str, Any], live_server: LiveServer):
    import asyncio

    from parley.features.apps.socket import socket_hub

    owner, created = bolt_socket["owner"], bolt_socket["created"]
    hub = socket_hub(live_server.services)
    [old] = hub.sockets[created.app.id]
    loop = live_server.services.realtime.loop
    assert loop is not None
    asyncio.run_coroutine_threadsafe(hub.disconnect_all("refresh_requested"), loop).result(5)
    # slack_sdk opens a new socket on `disconnect`, then closes the old one.
    wait_for(
        lambda: hub.sockets.get(created.app.id) and old not in hub.sockets[created.app.id],
        what="Bolt's reconnection",
    )
    channel = channel_with_bot(owner, created.app.bot_user_id)
    posted = owner.chat_postMessage(channel=channel, text=f"<@{created.app.bot_user_id}> again")
    wait_for(
        lambda: [m for m in replies(owner, channel, posted["ts"]) if m["ts"] != posted["ts"]],
        what="a reply over the new socket",
    )
