"""Helpers for running unmodified slack_bolt apps against a live Parley."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from parley.features.apps.actions import CreatedApp
from tests.conftest import SyncFactory
from tests.factories import Team
from tests.features.apps.helpers import create_app


def make_app(sync_factory: SyncFactory, team: Team, spec: dict[str, Any]) -> CreatedApp:
    created: CreatedApp = sync_factory.loop.run_until_complete(
        create_app(sync_factory.db, team, spec)
    )
    return created


def wait_for(check: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll `check` until it returns something truthy (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def channel_with_bot(owner: WebClient, bot_user_id: str) -> str:
    channel = owner.conversations_create(name=f"bolt-{time.time_ns()}")["channel"]["id"]
    owner.conversations_invite(channel=channel, users=bot_user_id)
    return channel


def history(owner: WebClient, channel: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = owner.conversations_history(channel=channel)["messages"]
    return messages


def replies(owner: WebClient, channel: str, ts: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = owner.conversations_replies(channel=channel, ts=ts)["messages"]
    return messages


BUTTON_BLOCKS = [
    {
        "type": "section",
        "block_id": "deploy",
        "text": {"type": "mrkdwn", "text": "Deploy v2?"},
        "accessory": {
            "type": "button",
            "action_id": "approve",
            "text": {"type": "plain_text", "text": "Approve"},
            "value": "v2",
        },
    }
]
