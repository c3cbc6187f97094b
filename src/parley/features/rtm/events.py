"""Event types the rtm feature sends: typing indicators (ephemeral, sockets only)."""

from __future__ import annotations

from parley.platform.events.types import EventPayload, EventType


class UserTyping(EventPayload):
    channel: str | None = None
    user: str | None = None


# Only people in a conversation a bot can read see typing in it.
EVENTS = (EventType("user_typing", UserTyping, ("conversation",), "channels:history"),)
