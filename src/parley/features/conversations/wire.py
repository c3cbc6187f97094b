"""Conversation objects and events as documented types (permissive: they never filter)."""

from __future__ import annotations

from parley.platform.webapi.openapi import Opt, ResponseMetadata, WireModel


class TextField(WireModel):
    value: str
    creator: Opt[str] = None
    last_set: Opt[int] = None


class Conversation(WireModel):
    id: str
    name: Opt[str] = None
    is_channel: Opt[bool] = None
    is_group: Opt[bool] = None
    is_im: Opt[bool] = None
    is_mpim: Opt[bool] = None
    is_private: Opt[bool] = None
    is_archived: Opt[bool] = None
    is_general: Opt[bool] = None
    is_member: Opt[bool] = None
    user: Opt[str] = None  # the other person in an IM
    topic: Opt[TextField] = None
    purpose: Opt[TextField] = None
    num_members: Opt[int] = None
    created: Opt[int] = None
    creator: Opt[str] = None
    last_read: Opt[str] = None


class CountEntry(WireModel):
    id: str
    last_read: Opt[str] = None
    latest: str | None = None
    mention_count: Opt[int] = None
    has_unreads: Opt[bool] = None
    unread_count: Opt[int] = None


class ConversationResponse(WireModel):
    """`conversations.info`, `.create`, `.join`, `.open`: the conversation."""

    channel: Conversation


class ConversationsListResponse(WireModel):
    channels: list[Conversation]
    response_metadata: Opt[ResponseMetadata] = None


class MembersResponse(WireModel):
    members: list[str]
    response_metadata: Opt[ResponseMetadata] = None


class CountsResponse(WireModel):
    channels: list[CountEntry]
    mpims: list[CountEntry]
    ims: list[CountEntry]


class ConversationEvent(WireModel):
    """`channel_created`, `*_joined`, `*_rename`, `im_created`: the (partial) conversation."""

    type: str
    channel: Conversation
    user: Opt[str] = None


class ConversationIdEvent(WireModel):
    """`*_archive`, `*_unarchive`, `*_left`: the conversation's id."""

    type: str
    channel: str
    user: Opt[str] = None


class MemberEvent(WireModel):
    """`member_joined_channel` / `member_left_channel`."""

    type: str
    channel: str
    user: str
    channel_type: Opt[str] = None


class MarkedEvent(WireModel):
    """`channel_marked` and friends: the caller read up to `ts` on another device."""

    type: str
    channel: str
    ts: str
    unread_count: Opt[int] = None
    mention_count: Opt[int] = None
