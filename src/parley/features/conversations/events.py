"""Event types the conversations feature emits: channels made, renamed, archived, joined,
left, read (marked) and opened; and which of them change a conversation's membership."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from parley.features.conversations.wire import (
    ConversationEvent,
    ConversationIdEvent,
    MarkedEvent,
    MemberEvent,
)
from parley.platform.events.types import EventPayload, EventType

DIRECTORY = ("workspace", "conversation")  # public channels: everyone; others: members
MEMBER = ("users",)


class DirectOpenClose(EventPayload):
    user: str | None = None
    channel: str | None = None


def _public_and_private(
    suffix: str, payload: type[BaseModel], audience: tuple[str, ...], **flags: Any
) -> tuple[EventType, ...]:
    """Slack announces public channels as `channel_*` (apps subscribe with `channels:read`),
    private ones as `group_*` (with `groups:read`)."""
    return (
        EventType(
            f"channel_{suffix}", payload, audience, "channels:read", events_api=True, **flags
        ),
        EventType(f"group_{suffix}", payload, audience, "groups:read", events_api=True, **flags),
    )


EVENTS = (
    EventType("channel_created", ConversationEvent, DIRECTORY, "channels:read", events_api=True),
    *_public_and_private("deleted", ConversationIdEvent, DIRECTORY, membership_change=True),
    *_public_and_private("archive", ConversationIdEvent, DIRECTORY),
    *_public_and_private("unarchive", ConversationIdEvent, DIRECTORY),
    *_public_and_private("rename", ConversationEvent, DIRECTORY),
    EventType(
        "member_joined_channel",
        MemberEvent,
        ("conversation",),
        "channels:read",
        events_api=True,
        membership_change=True,
    ),
    EventType(
        "member_left_channel",
        MemberEvent,
        ("conversation", "users"),
        "channels:read",
        events_api=True,
        membership_change=True,
    ),
    EventType("channel_joined", ConversationEvent, MEMBER, membership_change=True),
    EventType("group_joined", ConversationEvent, MEMBER, membership_change=True),
    # To the member who left (or was removed): an app hears of its own bot leaving.
    EventType(
        "channel_left",
        ConversationIdEvent,
        MEMBER,
        "channels:read",
        events_api=True,
        membership_change=True,
    ),
    EventType(
        "group_left",
        ConversationIdEvent,
        MEMBER,
        "groups:read",
        events_api=True,
        membership_change=True,
    ),
    # Parley's own (Slack does not document one): the channel keeps its id and becomes a
    # private channel; sent to everyone, as non-members must drop it from their directory.
    EventType(
        "channel_converted_to_private", ConversationIdEvent, ("workspace",), membership_change=True
    ),
    EventType("channel_shared", ConversationIdEvent, DIRECTORY, membership_change=True),
    EventType("channel_unshared", ConversationIdEvent, DIRECTORY, membership_change=True),
    EventType(
        "im_created", ConversationEvent, MEMBER, "im:read", events_api=True, membership_change=True
    ),
    EventType("mpim_joined", ConversationEvent, ("conversation",), membership_change=True),
    EventType("mpim_left", ConversationIdEvent, MEMBER, membership_change=True),
    EventType("channel_marked", MarkedEvent, MEMBER),
    EventType("group_marked", MarkedEvent, MEMBER),
    EventType("im_marked", MarkedEvent, MEMBER),
    EventType("im_open", DirectOpenClose, MEMBER, "im:read", events_api=True),
    EventType("im_close", DirectOpenClose, MEMBER, "im:read", events_api=True),
    EventType("mpim_open", DirectOpenClose, MEMBER),
    EventType("mpim_close", DirectOpenClose, MEMBER),
    EventType("channel_open", DirectOpenClose, MEMBER),
    EventType("channel_close", DirectOpenClose, MEMBER),
    EventType("group_open", DirectOpenClose, MEMBER),
    EventType("group_close", DirectOpenClose, MEMBER),
)
