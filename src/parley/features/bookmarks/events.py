"""Event types the bookmarks feature emits."""

from __future__ import annotations

from typing import Any

from parley.platform.events.types import EventPayload, EventType


class BookmarkEvent(EventPayload):
    channel_id: str
    bookmark: dict[str, Any]
    event_ts: str


EVENTS = tuple(
    EventType(name, BookmarkEvent, ("conversation",), "bookmarks:read")
    for name in ("bookmark_added", "bookmark_updated", "bookmark_removed")
)
