"""Event types the usergroups feature emits: Slack's `subteam_*`, to the whole workspace."""

from __future__ import annotations

from typing import Any

from parley.platform.events.types import EventPayload, EventType


class SubteamEvent(EventPayload):
    """subteam_created / subteam_updated: the group as it is now (`users` up to 500)."""

    subteam: dict[str, Any]


class SubteamMembersChanged(EventPayload):
    subteam_id: str
    team_id: str
    date_previous_update: int
    date_update: int
    added_users: list[str]
    added_users_count: str  # Slack sends the counts as strings
    removed_users: list[str]
    removed_users_count: str


EVENTS = (
    EventType("subteam_created", SubteamEvent, ("workspace",), "usergroups:read", events_api=True),
    EventType("subteam_updated", SubteamEvent, ("workspace",), "usergroups:read", events_api=True),
    EventType(
        "subteam_members_changed",
        SubteamMembersChanged,
        ("workspace",),
        "usergroups:read",
        events_api=True,
    ),
)
