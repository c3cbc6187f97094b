"""Event types the users feature emits: people arriving and changing (and leaving)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from parley.features.users.wire import UserEvent
from parley.platform.events.types import EventType, Payload, SocketClosure


class UserObject(BaseModel):
    """Slack's user object, as `users.info` returns it (without the email)."""

    model_config = ConfigDict(extra="allow")

    id: str | None = None
    team_id: str | None = None
    name: str | None = None
    deleted: bool | None = None
    profile: dict[str, Any] | None = None


def deactivated_users_sockets(payload: Payload) -> SocketClosure | None:
    """A `user_change` that deactivates someone closes their sockets (after the event)."""
    user = payload.get("user")
    if isinstance(user, dict) and user.get("deleted") is True:
        return SocketClosure(str(user.get("id")), "account_inactive")
    return None


# Slack sends these beside `user_change` when a profile or a status changes; Parley's own
# client and RTM bots follow `user_change`, so they go to apps only.
PROFILE_EVENTS = ("user_profile_changed", "user_status_changed")


class TeamProfileEvent(BaseModel):
    """`team_profile_change` / `team_profile_delete`: the changed (or removed) fields."""

    model_config = ConfigDict(extra="allow")

    type: str
    profile: dict[str, Any]


EVENTS = (
    EventType(
        "team_profile_change",
        TeamProfileEvent,
        ("workspace",),
        "users.profile:read",
    ),
    # RTM events only: Slack's Events API has no team_profile_* events (apps/slack/events.json).
    EventType(
        "team_profile_delete",
        TeamProfileEvent,
        ("workspace",),
        "users.profile:read",
    ),
    EventType("team_join", UserEvent, ("workspace",), "users:read", events_api=True),
    *(
        EventType(name, UserEvent, ("workspace",), "users:read", rtm=False, events_api=True)
        for name in PROFILE_EVENTS
    ),
    EventType(
        "user_change",
        UserEvent,
        ("workspace",),
        "users:read",
        events_api=True,
        closes_sockets_of=deactivated_users_sockets,
    ),
)
