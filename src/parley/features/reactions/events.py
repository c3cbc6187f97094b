"""Event types the reactions feature emits."""

from __future__ import annotations

from typing import Any

from parley.platform.events.types import EventPayload, EventType


class ReactionEvent(EventPayload):
    user: str
    reaction: str
    item: dict[str, Any]
    event_ts: str


EVENTS = (
    EventType(
        "reaction_added", ReactionEvent, ("conversation",), "reactions:read", events_api=True
    ),
    EventType(
        "reaction_removed", ReactionEvent, ("conversation",), "reactions:read", events_api=True
    ),
)
