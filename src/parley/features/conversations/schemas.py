"""Slack-shaped conversation objects (channels, private channels, group DMs, DMs)."""

from __future__ import annotations

from typing import Any

from parley.features.conversations.store import ReadState
from parley.features.users.interface import User
from parley.platform.spaces import Conversation, ConversationMember


def display_name(conversation: Conversation) -> str:
    """A channel's name; group DMs are named like Slack's `mpdm-alice--bob--carol-1`."""
    if conversation.name:
        return conversation.name
    stored = (conversation.properties or {}).get("name")
    return str(stored) if stored else f"mpdm-{conversation.id.lower()}-1"


def _text_field(value: str, creator: str, last_set: int) -> dict[str, Any]:
    return {"value": value, "creator": creator, "last_set": last_set}


def _channel_flags(conversation: Conversation) -> dict[str, bool]:
    """Today's Slack: private channels have C ids and is_channel; legacy G ids are groups."""
    legacy_group = conversation.kind == "group" and conversation.id.startswith("G")
    return {
        "is_channel": conversation.kind == "channel"
        or (conversation.kind == "group" and not legacy_group),
        "is_group": legacy_group,
        "is_im": False,
        "is_mpim": conversation.kind == "mpim",
        "is_private": conversation.kind != "channel",
    }


def conversation_object(
    conversation: Conversation,
    *,
    is_member: bool | None = None,
    num_members: int | None = None,
    read: ReadState | None = None,
) -> dict[str, Any]:
    """A channel, private channel or group DM. `is_member` is left out of objects broadcast
    to several people (events), where it would be true for some and false for others."""
    name = display_name(conversation)
    body: dict[str, Any] = {
        "id": conversation.id,
        "name": name,
        "name_normalized": name,
        "created": conversation.created,
        "creator": conversation.creator,
        "is_archived": conversation.is_archived,
        **_channel_flags(conversation),
        "is_general": conversation.is_general,
        "is_shared": False,
        "is_org_shared": False,
        "is_ext_shared": False,
        "is_pending_ext_shared": False,
        "pending_shared": [],
        "is_read_only": False,
        "unlinked": 0,
        "context_team_id": conversation.workspace_id,
        "shared_team_ids": [conversation.workspace_id],
        "updated": conversation.updated or conversation.created * 1000,
        "topic": _text_field(
            conversation.topic, conversation.topic_creator, conversation.topic_last_set
        ),
        "purpose": _text_field(
            conversation.purpose, conversation.purpose_creator, conversation.purpose_last_set
        ),
        "previous_names": list(conversation.previous_names or []),
    }
    if is_member is not None:
        body["is_member"] = is_member
    if num_members is not None:
        body["num_members"] = num_members
    if read is not None:
        body.update(read_fields(read))
    return body


def im_object(
    conversation: Conversation,
    other: User | None,
    *,
    membership: ConversationMember | None = None,
    read: ReadState | None = None,
) -> dict[str, Any]:
    """A 1:1 DM as its member sees it: `user` is the other person."""
    body: dict[str, Any] = {
        "id": conversation.id,
        "created": conversation.created,
        "is_archived": conversation.is_archived,
        "is_im": True,
        "is_org_shared": False,
        "context_team_id": conversation.workspace_id,
        "updated": conversation.updated or conversation.created * 1000,
        "user": other.id if other is not None else "",
        "is_user_deleted": bool(other is not None and other.deleted),
        "priority": 0,
    }
    if membership is not None:
        body["is_open"] = membership.is_open
    if read is not None:
        body.update(read_fields(read))
    return body


def read_fields(read: ReadState) -> dict[str, Any]:
    return {
        "last_read": read.last_read,
        "unread_count": read.unread_count,
        "unread_count_display": read.unread_count,
    }


def counts_item(read: ReadState) -> dict[str, Any]:
    return {
        "id": read.conversation_id,
        "last_read": read.last_read,
        "latest": read.latest,
        "mention_count": read.mention_count,
        "has_unreads": read.has_unreads,
        "unread_count": read.unread_count,
    }
