"""Driving the unfurl worker pass by pass (no background task in these tests)."""

from __future__ import annotations

from typing import Any

from parley.features.unfurl.worker import Unfurler
from tests.conftest import Api
from tests.features.apps.helpers import manifest


async def settle(unfurler: Unfurler, passes: int = 3) -> None:
    """Run passes until the log is read and every started job has finished."""
    for _ in range(passes):
        await unfurler.pass_once()
        await unfurler.drain()


async def history_message(api: Api, token: str, channel: str, ts: str) -> dict[str, Any]:
    history = await api("conversations.history", token, channel=channel)
    assert history["ok"], history
    [message] = [m for m in history["messages"] if m["ts"] == ts]
    return message


def unfurl_manifest(
    name: str = "Docs", domains: list[str] | None = None, scopes: tuple[str, ...] = ()
) -> dict[str, Any]:
    spec = manifest(
        name=name,
        socket_mode=True,
        events=("link_shared",),
        bot_scopes=scopes or ("links:read", "links:write", "chat:write"),
    )
    spec["features"]["unfurl_domains"] = domains if domains is not None else ["example.com"]
    return spec
