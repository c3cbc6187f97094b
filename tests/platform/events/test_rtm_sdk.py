"""The official `slack_sdk.rtm_v2.RTMClient`, unmodified, against a live Parley."""

from __future__ import annotations

import asyncio
import queue
from typing import Any

from slack_sdk.rtm_v2 import RTMClient

from parley.platform.events.emit import emit, workspace_audience
from tests.conftest import LiveServer, SyncFactory


def emit_on_server(server: LiveServer, workspace_id: str, payload: dict[str, Any]) -> int:
    async def work() -> int:
        async with server.services.db.write() as uow:
            row = await emit(uow, workspace_id, payload, workspace_audience())
        return int(row["seq"])

    loop = server.services.realtime.loop
    assert loop is not None
    return asyncio.run_coroutine_threadsafe(work(), loop).result(timeout=10)


def test_rtm_client_connects_gets_hello_and_events(
    live_server: LiveServer, sync_factory: SyncFactory
) -> None:
    team = sync_factory.workspace()
    # RTMClient drops events whose bot_id equals its own (None for a user token), so, as on
    # Slack, it is meant for bot tokens.
    bot = sync_factory.bot(team)
    received: queue.Queue[dict[str, Any]] = queue.Queue()
    rtm = RTMClient(token=bot.token, base_url=live_server.api_url, ping_interval=1)

    @rtm.on("hello")
    def on_hello(client: RTMClient, event: dict[str, Any]) -> None:
        received.put(event)

    @rtm.on("x_sdk_test")
    def on_event(client: RTMClient, event: dict[str, Any]) -> None:
        received.put(event)

    rtm.connect()
    try:
        hello = received.get(timeout=10)
        assert hello["type"] == "hello"
        seq = emit_on_server(live_server, team.team_id, {"type": "x_sdk_test", "n": 1})
        assert received.get(timeout=10) == {"type": "x_sdk_test", "n": 1, "seq": seq}
        assert rtm.is_connected()
    finally:
        rtm.close()
