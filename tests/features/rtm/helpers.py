"""Helpers for the rtm feature's tests: Web API calls that may fail, and socket replies."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import LiveServer
from tests.platform.events.helpers import Rtm


async def call_raw(server: LiveServer, method: str, token: str, **args: Any) -> dict[str, Any]:
    """A Web API call on the live server, answered as it is (ok or not)."""
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(
            f"/api/{method}", headers={"Authorization": f"Bearer {token}"}, json=args
        )
    body: dict[str, Any] = response.json()
    return body


async def general_id(server: LiveServer, token: str) -> str:
    body = await call_raw(server, "conversations.list", token)
    [general] = [c for c in body["channels"] if c["name"] == "general"]
    channel: str = general["id"]
    return channel


async def reply_to(client: Rtm, frame_id: int, wait: float = 5.0) -> dict[str, Any]:
    """The answer to the frame sent with `id` (events in between are skipped)."""
    while True:
        frame = await client.frame(wait)
        if frame.get("reply_to") == frame_id and frame.get("type") != "pong":
            return frame
