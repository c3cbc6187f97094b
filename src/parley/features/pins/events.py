"""Event types the pins feature emits: pins (to the conversation) and saved items (stars,
to the person who saved)."""

from __future__ import annotations

from parley.features.pins.wire import PinEvent, PinItem
from parley.platform.events.types import EventPayload, EventType


class StarEvent(EventPayload):
    user: str | None = None
    item: PinItem | None = None  # a saved item names its message like a pinned one
    event_ts: str | None = None


EVENTS = (
    EventType("pin_added", PinEvent, ("conversation",), "pins:read", events_api=True),
    EventType("pin_removed", PinEvent, ("conversation",), "pins:read", events_api=True),
    EventType("star_added", StarEvent, ("users",), "stars:read"),
    EventType("star_removed", StarEvent, ("users",), "stars:read"),
)
