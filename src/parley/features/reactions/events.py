"""Event types the reactions feature emits."""

from __future__ import annotations

from parley.features.reactions.wire import ReactionEvent
from parley.platform.events.types import EventType

EVENTS = (
    EventType(
        "reaction_added", ReactionEvent, ("conversation",), "reactions:read", events_api=True
    ),
    EventType(
        "reaction_removed", ReactionEvent, ("conversation",), "reactions:read", events_api=True
    ),
)
