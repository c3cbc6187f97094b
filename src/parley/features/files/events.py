"""Event types the files feature emits."""

from __future__ import annotations

from typing import Any

from parley.platform.events.types import EventPayload, EventType

TO_OWNER_AND_CHANNELS = ("conversation", "users")


class FileEvent(EventPayload):
    file_id: str | None = None
    file: dict[str, Any] | None = None


class FileShared(FileEvent):
    user_id: str | None = None
    channel_id: str | None = None
    event_ts: str | None = None


class FileDeleted(EventPayload):
    file_id: str | None = None
    channel_ids: list[str] | None = None
    event_ts: str | None = None


EVENTS = (
    EventType("file_created", FileEvent, ("users",), "files:read"),
    EventType("file_shared", FileShared, ("conversation",), "files:read", events_api=True),
    EventType("file_deleted", FileDeleted, TO_OWNER_AND_CHANNELS, "files:read", events_api=True),
    EventType("file_public", FileEvent, TO_OWNER_AND_CHANNELS, "files:read"),
    EventType("file_unshared", FileEvent, TO_OWNER_AND_CHANNELS, "files:read"),
    EventType("file_change", FileEvent, TO_OWNER_AND_CHANNELS, "files:read"),
)
