"""Event types the files feature emits."""

from __future__ import annotations

from parley.features.files.wire import FileEvent
from parley.platform.events.types import EventType

TO_OWNER_AND_CHANNELS = ("conversation", "users")


EVENTS = (
    EventType("file_created", FileEvent, ("users",), "files:read"),
    EventType("file_shared", FileEvent, ("conversation",), "files:read", events_api=True),
    EventType("file_deleted", FileEvent, TO_OWNER_AND_CHANNELS, "files:read", events_api=True),
    EventType("file_public", FileEvent, TO_OWNER_AND_CHANNELS, "files:read"),
    EventType("file_unshared", FileEvent, TO_OWNER_AND_CHANNELS, "files:read"),
    EventType("file_change", FileEvent, TO_OWNER_AND_CHANNELS, "files:read"),
)
