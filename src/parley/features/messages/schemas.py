"""Slack-shaped message objects and message events."""

from __future__ import annotations

from typing import Any

from parley.features.messages.models import Message, ScheduledMessage
from parley.features.messages.render import RenderContext, legacy_body_html, render_attachments
from parley.platform.spaces import Conversation

TOMBSTONE_TEXT = "This message was deleted."
SLACKBOT = "USLACKBOT"


def _thread_fields(message: Message, viewer: str | None) -> dict[str, Any]:
    """Thread keys: a root (thread_ts == ts) shows its replies' summary, a reply its parent."""
    if message.thread_ts is None:
        return {}
    fields: dict[str, Any] = {"thread_ts": message.thread_ts}
    if message.thread_ts == message.ts:
        fields.update(
            reply_count=message.reply_count,
            reply_users=list(message.reply_users or []),
            reply_users_count=message.reply_users_count,
            latest_reply=message.latest_reply or message.ts,
        )
        if viewer is not None:
            fields["subscribed"] = viewer in (message.subscribers or [])
    elif message.parent_user_id:
        fields["parent_user_id"] = message.parent_user_id
    return fields


def _tombstone(message: Message, viewer: str | None) -> dict[str, Any]:
    """A deleted thread root that keeps its replies (Slack's tombstone)."""
    return {
        "type": "message",
        "subtype": "tombstone",
        "hidden": True,
        "ts": message.ts,
        "user": SLACKBOT,
        "text": TOMBSTONE_TEXT,
        "team": message.workspace_id,
        "html": f"<p>{TOMBSTONE_TEXT}</p>",
        **_thread_fields(message, viewer),
    }


def message_object(
    message: Message,
    *,
    reactions: list[dict[str, Any]] | None = None,
    pinned_to: list[str] | None = None,
    viewer: str | None = None,
    bot_profiles: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The Slack message object; optional keys are omitted when absent, as Slack does.

    `viewer` (a user id) adds the per-user `subscribed` flag on thread roots; `bot_profiles`
    (bot id -> Slack's `bot_profile`, `extras.bot_profiles_for`) adds it beside `bot_id`.
    """
    if message.is_deleted:
        return _tombstone(message, viewer)
    body: dict[str, Any] = {"type": "message"}
    if message.subtype:
        body["subtype"] = message.subtype
    body.update(ts=message.ts, text=message.text, team=message.workspace_id)
    if message.user_id:
        body["user"] = message.user_id
    for key in ("bot_id", "app_id", "username", "icons", "client_msg_id"):
        value = getattr(message, key)
        if value:
            body[key] = value
    if message.bot_id and bot_profiles and message.bot_id in bot_profiles:
        body["bot_profile"] = bot_profiles[message.bot_id]
    for key in ("blocks", "attachments", "files"):
        value = getattr(message, key)
        if value:
            body[key] = value
    body.update(_thread_fields(message, viewer))
    if message.edited_ts:
        body["edited"] = {"user": message.edited_by or message.user_id, "ts": message.edited_ts}
    if message.metadata_:
        body["metadata"] = message.metadata_
    if reactions:
        body["reactions"] = reactions
    if pinned_to:
        body["pinned_to"] = pinned_to
    body["html"] = message.html
    if message.attachments:
        rendered = message.rendered_attachments
        if rendered is None:  # stored before migration 0009: body and attachments in one
            body["html"] = legacy_body_html(message.html)
            rendered = render_attachments(message.attachments, RenderContext())
        body["rendered_attachments"] = rendered
    return body


def message_event(
    conversation: Conversation, body: dict[str, Any], *, event_ts: str
) -> dict[str, Any]:
    """A `message` event: the object plus `channel`, `event_ts` and `channel_type`."""
    return {
        **body,
        "channel": conversation.id,
        "event_ts": event_ts,
        "channel_type": conversation.kind,
    }


def scheduled_message_object(row: ScheduledMessage) -> dict[str, Any]:
    """An entry of `chat.scheduledMessages.list`."""
    return {
        "id": row.id,
        "channel_id": row.conversation_id,
        "post_at": row.post_at,
        "date_created": row.date_created,
        "text": row.text,
    }
