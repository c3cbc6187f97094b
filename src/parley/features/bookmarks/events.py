"""Event types the bookmarks feature emits."""

from __future__ import annotations

from typing import Any

from parley.platform.events.types import EventPayload, EventType


class BookmarkEvent(EventPayload):
    channel_id: str | None = None
    bookmark: dict[str, Any] | None = None
    event_ts: str | None = None


EVENTS = tuple(
    EventType(name, BookmarkEvent, ("conversation",), "bookmarks:read")
    for name in ("bookmark_added", "bookmark_updated", "bookmark_removed")
)
