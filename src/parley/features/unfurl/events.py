"""Event types the unfurl feature emits: `link_shared`, to each subscribed app's bot."""

from __future__ import annotations

from typing import Any

from parley.platform.events.types import EventPayload, EventType


class LinkShared(EventPayload):
    channel: str
    user: str | None
    message_ts: str
    unfurl_id: str
    links: list[dict[str, Any]]
    event_ts: str


EVENTS = (EventType("link_shared", LinkShared, ("users",), "links:read", events_api=True),)
