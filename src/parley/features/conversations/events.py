"""Event types the conversations feature emits: channels made, renamed, archived, joined,
left, read (marked) and opened; and which of them change a conversation's membership."""

from __future__ import annotations

from typing import Any

from parley.platform.events.types import EventPayload, EventType

DIRECTORY = ("workspace", "conversation")  # public channels: everyone; others: members
MEMBER = ("users",)


class ChannelObjectEvent(EventPayload):
    """`channel_created`, `*_joined`, `*_rename`, `mpim_joined`: a conversation object."""

    channel: dict[str, Any] | None = None


class ChannelIdEvent(EventPayload):
    """`*_left`, `*_archive`, `*_unarchive`, `*_deleted`, `*_marked`: a conversation id."""

    channel: str | None = None


class MemberChange(EventPayload):
    user: str | None = None
    channel: str | None = None
    channel_type: str | None = None
    team: str | None = None


class ImCreated(EventPayload):
    user: str | None = None
    channel: dict[str, Any] | None = None


class DirectOpenClose(EventPayload):
    user: str | None = None
    channel: str | None = None


def _public_and_private(
    suffix: str, payload: type[EventPayload], audience: tuple[str, ...], **flags: Any
) -> tuple[EventType, ...]:
    """Slack announces public channels as `channel_*`, private ones as `group_*`; only the
    public one is subscribable by apps (with `channels:read`)."""
    return (
        EventType(
            f"channel_{suffix}", payload, audience, "channels:read", events_api=True, **flags
        ),
        EventType(f"group_{suffix}", payload, audience, **flags),
    )


EVENTS = (
    EventType("channel_created", ChannelObjectEvent, DIRECTORY, "channels:read", events_api=True),
    *_public_and_private("deleted", ChannelIdEvent, DIRECTORY, membership_change=True),
    *_public_and_private("archive", ChannelIdEvent, DIRECTORY),
    *_public_and_private("unarchive", ChannelIdEvent, DIRECTORY),
    *_public_and_private("rename", ChannelObjectEvent, DIRECTORY),
    EventType(
        "member_joined_channel",
        MemberChange,
        ("conversation",),
        "channels:read",
        events_api=True,
        membership_change=True,
    ),
    EventType(
        "member_left_channel",
        MemberChange,
        ("conversation", "users"),
        "channels:read",
        events_api=True,
        membership_change=True,
    ),
    EventType("channel_joined", ChannelObjectEvent, MEMBER, membership_change=True),
    EventType("group_joined", ChannelObjectEvent, MEMBER, membership_change=True),
    EventType("channel_left", ChannelIdEvent, MEMBER, membership_change=True),
    EventType("group_left", ChannelIdEvent, MEMBER, membership_change=True),
    EventType("channel_shared", ChannelIdEvent, DIRECTORY, membership_change=True),
    EventType("channel_unshared", ChannelIdEvent, DIRECTORY, membership_change=True),
    EventType("im_created", ImCreated, MEMBER, membership_change=True),
    EventType("mpim_joined", ChannelObjectEvent, ("conversation",), membership_change=True),
    EventType("mpim_left", ChannelIdEvent, MEMBER, membership_change=True),
    EventType("channel_marked", ChannelIdEvent, MEMBER),
    EventType("group_marked", ChannelIdEvent, MEMBER),
    EventType("im_marked", ChannelIdEvent, MEMBER),
    EventType("im_open", DirectOpenClose, MEMBER),
    EventType("im_close", DirectOpenClose, MEMBER),
    EventType("mpim_open", DirectOpenClose, MEMBER),
    EventType("mpim_close", DirectOpenClose, MEMBER),
    EventType("channel_open", DirectOpenClose, MEMBER),
    EventType("channel_close", DirectOpenClose, MEMBER),
    EventType("group_open", DirectOpenClose, MEMBER),
    EventType("group_close", DirectOpenClose, MEMBER),
)
