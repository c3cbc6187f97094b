"""Slack-shaped pin and saved-item (star) objects and events."""

from __future__ import annotations

from typing import Any

from parley.features.pins.models import Pin, SavedItem
from parley.platform.clock import as_utc


def pin_item(pin: Pin, message: dict[str, Any]) -> dict[str, Any]:
    """One `items[]` entry of pins.list (also the `item` of pin events)."""
    return {
        "type": "message",
        "channel": pin.conversation_id,
        "message": message,
        "created": int(as_utc(pin.created).timestamp()),
        "created_by": pin.pinned_by,
    }


def star_item(saved: SavedItem, message: dict[str, Any]) -> dict[str, Any]:
    """One `items[]` entry of stars.list."""
    return {
        "type": "message",
        "channel": saved.conversation_id,
        "message": message,
        "date_create": int(as_utc(saved.created).timestamp()),
    }


def pin_event(
    kind: str, pin: Pin, message: dict[str, Any], *, user_id: str, event_ts: str
) -> dict[str, Any]:
    """`pin_added` / `pin_removed` as Slack sends them."""
    payload: dict[str, Any] = {
        "type": kind,
        "user": user_id,
        "channel_id": pin.conversation_id,
        "item": pin_item(pin, message),
        "pinned_info": {
            "channel": pin.conversation_id,
            "pinned_by": pin.pinned_by,
            "pinned_ts": int(as_utc(pin.created).timestamp()),
        },
        "event_ts": event_ts,
    }
    if message.get("user"):
        payload["item_user"] = message["user"]
    return payload
