"""Message objects and `message` events as documented types (permissive: never filters)."""

from __future__ import annotations

from typing import Any

from parley.platform.webapi.openapi import Opt, ResponseMetadata, WireModel


class Reaction(WireModel):
    """A reaction as messages show it (the reactions feature emits the events)."""

    name: str
    users: list[str]
    count: int


class AttachmentField(WireModel):
    title: Opt[str] = None
    value: Opt[str] = None
    short: Opt[bool] = None


class Attachment(WireModel):
    """Slack's legacy message attachment (also the shape of link unfurl cards)."""

    id: Opt[int] = None
    fallback: Opt[str] = None
    color: Opt[str] = None
    pretext: Opt[str] = None
    author_name: Opt[str] = None
    author_link: Opt[str] = None
    author_icon: Opt[str] = None
    title: Opt[str] = None
    title_link: Opt[str] = None
    text: Opt[str] = None
    fields: Opt[list[AttachmentField]] = None
    image_url: Opt[str] = None
    thumb_url: Opt[str] = None
    footer: Opt[str] = None
    footer_icon: Opt[str] = None
    ts: Opt[str | int | float] = None
    from_url: Opt[str] = None
    original_url: Opt[str] = None
    service_name: Opt[str] = None
    service_icon: Opt[str] = None


class RenderedField(WireModel):
    title: str
    value_html: str
    short: bool


class RenderedAttachment(WireModel):
    """One attachment's parts as sanitised HTML (render.py `render_attachment_parts`)."""

    pretext_html: str
    text_html: str
    fields: list[RenderedField]
    footer_html: str
    blocks_html: str
    """The attachment's Block Kit `blocks`, when it has them (apps' unfurls)."""


class MessageFile(WireModel):
    """A file on a message: Slack's file object (files/wire.py `File`), or a tombstone."""

    id: str
    mode: Opt[str] = None
    name: Opt[str] = None


class Edited(WireModel):
    user: str
    ts: str


class _MessageFields(WireModel):
    type: str
    text: Opt[str] = None
    html: Opt[str] = None
    """Parley: the body (text or blocks) as sanitised HTML; attachments are separate."""
    user: Opt[str] = None
    bot_id: Opt[str] = None
    bot_profile: Opt[dict[str, Any]] = None
    """A bot's message: Slack's `bot_profile` (id, deleted, name, updated, app_id, icons,
    team_id)."""
    app_id: Opt[str] = None
    username: Opt[str] = None
    subtype: Opt[str] = None
    team: Opt[str] = None
    thread_ts: Opt[str] = None
    reply_count: Opt[int] = None
    reply_users: Opt[list[str]] = None
    latest_reply: Opt[str] = None
    edited: Opt[Edited] = None
    reactions: Opt[list[Reaction]] = None
    pinned_to: Opt[list[str]] = None
    client_msg_id: Opt[str] = None
    channel: Opt[str] = None
    blocks: Opt[list[dict[str, Any]]] = None
    files: Opt[list[MessageFile]] = None
    attachments: Opt[list[Attachment]] = None
    rendered_attachments: Opt[list[RenderedAttachment]] = None
    """Parley: one entry per `attachments` entry, same order."""


class Message(_MessageFields):
    ts: str


class MessageEvent(_MessageFields):
    """`message` and its subtypes (`message_changed`, `message_deleted`, `message_replied`,
    `channel_topic`, …) as the socket carries them."""

    ts: Opt[str] = None
    channel: Opt[str] = None
    event_ts: Opt[str] = None
    channel_type: Opt[str] = None
    message: Opt[Message] = None
    previous_message: Opt[Message] = None
    deleted_ts: Opt[str] = None
    topic: Opt[str] = None
    is_ephemeral: Opt[bool] = None


class HistoryResponse(WireModel):
    """`conversations.history` / `conversations.replies`."""

    messages: list[Message]
    has_more: Opt[bool] = None
    response_metadata: Opt[ResponseMetadata] = None


class PostMessageResponse(WireModel):
    channel: str
    ts: str
    message: Opt[Message] = None


class UpdateMessageResponse(WireModel):
    channel: str
    ts: str
    text: Opt[str] = None
    message: Opt[Message] = None


class DeleteMessageResponse(WireModel):
    channel: str
    ts: str


class PermalinkResponse(WireModel):
    channel: str
    permalink: str
