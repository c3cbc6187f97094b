"""Event types the emoji feature emits."""

from __future__ import annotations

from parley.platform.events.types import EventPayload, EventType


class EmojiChanged(EventPayload):
    subtype: str  # add | remove | None = None
    event_ts: str | None = None


EVENTS = (EventType("emoji_changed", EmojiChanged, ("workspace",), "emoji:read", events_api=True),)
