"""Event types the unfurl feature emits: `link_shared`, to each subscribed app's bot."""

from __future__ import annotations

from typing import Any

from parley.platform.events.types import EventPayload, EventType


class LinkShared(EventPayload):
    channel: str | None = None
    user: str | None
    message_ts: str | None = None
    unfurl_id: str | None = None
    links: list[dict[str, Any]] | None = None
    event_ts: str | None = None


EVENTS = (EventType("link_shared", LinkShared, ("users",), "links:read", events_api=True),)
