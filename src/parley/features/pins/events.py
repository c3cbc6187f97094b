"""Event types the pins feature emits: pins (to the conversation) and saved items (stars,
to the person who saved)."""

from __future__ import annotations

from typing import Any

from parley.platform.events.types import EventPayload, EventType


class PinEvent(EventPayload):
    user: str | None = None
    channel_id: str | None = None
    item: dict[str, Any] | None = None
    event_ts: str | None = None


class StarEvent(EventPayload):
    user: str | None = None
    item: dict[str, Any] | None = None
    event_ts: str | None = None


EVENTS = (
    EventType("pin_added", PinEvent, ("conversation",), "pins:read", events_api=True),
    EventType("pin_removed", PinEvent, ("conversation",), "pins:read", events_api=True),
    EventType("star_added", StarEvent, ("users",), "stars:read"),
    EventType("star_removed", StarEvent, ("users",), "stars:read"),
)
