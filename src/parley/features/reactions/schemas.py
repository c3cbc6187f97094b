"""Slack-shaped reaction events and items."""

from __future__ import annotations

from typing import Any

from parley.features.messages.interface import Message
from parley.platform.clock import event_ts


def reaction_event(kind: str, *, user_id: str, name: str, message: Message) -> dict[str, Any]:
    """`reaction_added` / `reaction_removed` as Slack sends them."""
    payload: dict[str, Any] = {
        "type": kind,
        "user": user_id,
        "reaction": name,
        "item": {"type": "message", "channel": message.conversation_id, "ts": message.ts},
        "event_ts": event_ts(),
    }
    if message.user_id:
        payload["item_user"] = message.user_id
    return payload


def message_item(channel_id: str, message: dict[str, Any]) -> dict[str, Any]:
    """One `items[]` entry of reactions.list / reactions.get: a message and its channel."""
    return {"type": "message", "channel": channel_id, "message": message}
