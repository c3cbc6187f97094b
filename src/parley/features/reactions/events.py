"""Event types the reactions feature emits."""

from __future__ import annotations

from typing import Any

from parley.platform.events.types import EventPayload, EventType


class ReactionEvent(EventPayload):
    user: str | None = None
    reaction: str | None = None
    item: dict[str, Any] | None = None
    event_ts: str | None = None


EVENTS = (
    EventType(
        "reaction_added", ReactionEvent, ("conversation",), "reactions:read", events_api=True
    ),
    EventType(
        "reaction_removed", ReactionEvent, ("conversation",), "reactions:read", events_api=True
    ),
)
