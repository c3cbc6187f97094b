"""Event types the notifications feature emits (Slack's where Slack has them)."""

from __future__ import annotations

from typing import Any

from parley.platform.events.types import EventPayload, EventType


class DndEvent(EventPayload):
    user: str | None = None
    dnd_status: dict[str, Any] | None = None
    event_ts: str | None = None


class DesktopNotification(EventPayload):
    """Slack's RTM `desktop_notification`, plus Parley's `reason` (dm, mention, keyword,
    all) and `is_mention` so that the client's badge follows the same rule."""

    title: str | None = None
    subtitle: str | None = None
    content: str | None = None
    channel: str | None = None
    msg: str | None = None
    ts: str | None = None
    thread_ts: str | None = None
    author: str | None = None
    reason: str | None = None
    is_mention: bool | None = None
    event_ts: str | None = None


class PrefChange(EventPayload):
    name: str | None = None
    value: Any = None
    event_ts: str | None = None


class DraftEvent(EventPayload):
    draft: dict[str, Any] | None = None
    event_ts: str | None = None


class ThreadMarked(EventPayload):
    channel: str | None = None
    thread_ts: str | None = None
    ts: str | None = None
    event_ts: str | None = None


EVENTS = (
    EventType("dnd_updated", DndEvent, ("users",), "dnd:read", events_api=True),
    EventType("dnd_updated_user", DndEvent, ("workspace",), "dnd:read", events_api=True),
    EventType("desktop_notification", DesktopNotification, ("users",)),
    EventType("pref_change", PrefChange, ("users",)),
    EventType("draft_saved", DraftEvent, ("users",)),
    EventType("draft_deleted", DraftEvent, ("users",)),
    EventType("thread_marked", ThreadMarked, ("users",)),
)
