"""Event types the calls feature emits.

Call and huddle events go to the members of the call's conversation (sockets, and apps
with `calls:read` through the Events API or Socket Mode); ringing goes to the callee
(every device: each of their sockets); reactions are ephemeral (published, never stored).
"""

from __future__ import annotations

from typing import Any

from parley.platform.events.types import EventPayload, EventType


class CallEvent(EventPayload):
    call_id: str | None = None
    channel: str | None = None
    call: dict[str, Any] | None = None
    user: dict[str, Any] | None = None
    reason: str | None = None
    device_id: str | None = None
    event_ts: str | None = None


CONVERSATION_EVENTS = (
    "call_started",
    "call_ended",
    "call_participant_joined",
    "call_participant_left",
    "call_participant_updated",
)
CALLEE_EVENTS = ("call_ringing", "call_ring_stopped")

EVENTS = (
    *(EventType(name, CallEvent, ("conversation",), "calls:read") for name in CONVERSATION_EVENTS),
    *(EventType(name, CallEvent, ("users",), "calls:read") for name in CALLEE_EVENTS),
    EventType("call_reaction", CallEvent, ("conversation",), "calls:read"),
)
