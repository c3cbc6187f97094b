"""Posting actions with every rule: chat.postMessage, chat.scheduleMessage, the scheduler
and chat.postEphemeral.

`check_post_message` is the one place that decides whether an author may post into a
conversation; the Web API handlers and the scheduled-message delivery both go through it,
so a message posted later obeys the rules that hold *then* (an author deactivated or removed
from the channel since scheduling does not post).

This is part of the actions layer: posting's rules in one module, apart from the general
message writers in `actions.py`, because every entry point that posts calls it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parley.features.conversations.interface import get_membership
from parley.features.messages import actions, store
from parley.features.messages.access import access_post_target, check_can_post, customizations
from parley.features.messages.metadata import check_metadata
from parley.features.messages.models import Message, ScheduledMessage
from parley.features.users.interface import get_user
from parley.platform.auth.principal import Principal
from parley.platform.clock import unix_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.spaces import Conversation

# Scopes a scheduled message remembers from the token that scheduled it: those that change
# where it may post (`chat:write.public`: a bot posts in public channels it has not joined).
# Name and icon overrides (`chat:write.customize`) are resolved when scheduling.
POSTING_SCOPES = frozenset({"chat:write.public"})


@dataclass(frozen=True)
class PostRequest:
    """What chat.postMessage (and chat.scheduleMessage) was asked to post, parsed."""

    channel: str
    text: str | None
    blocks: Any = None
    attachments: Any = None
    metadata: Any = None
    thread_ts: str | None = None
    reply_broadcast: bool = False
    mrkdwn: bool = True
    expand_names: bool = False  # link_names=1 or parse=full
    unfurl_links: bool | None = None  # None: Slack's default for the author's kind
    unfurl_media: bool = True
    client_msg_id: str | None = None
    username: str | None = None
    icon_emoji: str | None = None
    icon_url: str | None = None
    subtype: str | None = None


@dataclass(frozen=True)
class Content:
    """A message's validated content."""

    text: str
    blocks: list[dict[str, Any]] | None
    attachments: list[dict[str, Any]] | None
    metadata: dict[str, Any] | None = field(default=None)


def check_content(request: PostRequest) -> Content:
    """Content errors first, in Slack's order: text, blocks, attachments, then metadata."""
    text = request.text if request.text is not None else ""
    text, blocks, attachments = actions.check_content(text, request.blocks, request.attachments)
    return Content(text, blocks, attachments, check_metadata(request.metadata))


async def check_post_message(
    uow: UnitOfWork, author: Principal, channel: str, *, thread_ts: str | None
) -> Conversation:
    """The conversation `author` may post into now, or the Slack error saying why not:
    `channel_not_found` (gone, or private and not a member), `not_in_channel`,
    `is_archived`, `restricted_action`, `invalid_thread_ts`.

    The author being an active member is the caller's to establish: a request's credential
    is refused for a deactivated member; the scheduler loads the author (`scheduled_author`).
    """
    conversation = await access_post_target(uow, author, channel)
    check_can_post(author, conversation, in_thread=thread_ts is not None)
    if thread_ts and store.safe_ts(thread_ts) is None:
        raise ApiError("invalid_thread_ts")
    return conversation


def _unfurl_links(author: Principal, request: PostRequest) -> bool:
    """Slack: links in people's messages unfurl unless turned off; a bot's only when asked."""
    return request.unfurl_links if request.unfurl_links is not None else not author.is_bot


async def post_message(
    uow: UnitOfWork, author: Principal, request: PostRequest
) -> tuple[Conversation, Message]:
    """chat.postMessage / chat.meMessage: validate, check the rules, post."""
    content = check_content(request)
    conversation = await check_post_message(
        uow, author, request.channel, thread_ts=request.thread_ts
    )
    text = content.text
    if request.expand_names:
        text = await actions.expand_link_names(uow.session, author.workspace_id, text)
    message = await actions.do_post_message(
        uow,
        conversation,
        user_id=author.user_id,
        text=text,
        subtype=request.subtype,
        blocks=content.blocks,
        attachments=content.attachments,
        thread_ts=request.thread_ts,
        reply_broadcast=request.reply_broadcast,
        client_msg_id=request.client_msg_id,
        bot_id=author.bot_id if author.is_bot else None,
        app_id=author.app_id if author.is_bot else None,
        metadata=content.metadata,
        mrkdwn=request.mrkdwn,
        unfurl_links=_unfurl_links(author, request),
        unfurl_media=request.unfurl_media,
        **customizations(author, request.username, request.icon_emoji, request.icon_url),
    )
    return conversation, message


def parse_post_at(value: str) -> int:
    """`post_at` as Unix seconds (a float is truncated), or `invalid_time`."""
    try:
        return int(float(value)) if "." in value else int(value)
    except ValueError:
        raise ApiError("invalid_time") from None


@dataclass(frozen=True)
class Scheduled:
    conversation: Conversation
    row: ScheduledMessage
    content: Content


async def schedule_message(
    uow: UnitOfWork, author: Principal, request: PostRequest, post_at: str
) -> Scheduled:
    """chat.scheduleMessage: the time, the content and the posting rules as they hold now
    (they are checked again at delivery); stores what chat.postMessage would be given."""
    when = actions.check_post_at(parse_post_at(post_at), unix_now())
    content = check_content(request)
    conversation = await check_post_message(
        uow, author, request.channel, thread_ts=request.thread_ts
    )
    payload = {
        "blocks": content.blocks,
        "attachments": content.attachments,
        "thread_ts": store.safe_ts(request.thread_ts),
        "reply_broadcast": request.reply_broadcast,
        "metadata": content.metadata,
        "mrkdwn": request.mrkdwn,
        "unfurl_links": _unfurl_links(author, request),
        "unfurl_media": request.unfurl_media,
        "bot_id": author.bot_id if author.is_bot else None,
        "app_id": author.app_id if author.is_bot else None,
        "author_scopes": sorted(author.scopes & POSTING_SCOPES),
        **customizations(author, request.username, request.icon_emoji, request.icon_url),
    }
    row = await actions.do_schedule_message(
        uow,
        conversation,
        user_id=author.user_id,
        token_kind=author.token_kind,
        post_at=when,
        text=content.text,
        payload=payload,
    )
    return Scheduled(conversation, row, content)


def _remembered_scopes(row: ScheduledMessage) -> frozenset[str]:
    """The posting scopes the scheduling token held. Rows scheduled before they were
    remembered keep the behaviour they were scheduled under: a bot's post went out
    whether or not it had joined, as with `chat:write.public`."""
    payload = row.payload or {}
    if "author_scopes" in payload:
        return frozenset(payload["author_scopes"])
    return frozenset({"chat:write.public"}) if row.token_kind == "bot" else frozenset()


async def scheduled_author(uow: UnitOfWork, row: ScheduledMessage) -> Principal:
    """The author of a scheduled message as they are now; `account_inactive` once they
    were deactivated (or removed from the workspace)."""
    user = await get_user(uow.session, row.workspace_id, row.user_id)
    if user is None or user.deleted:
        raise ApiError("account_inactive")
    payload = row.payload or {}
    return Principal(
        workspace_id=row.workspace_id,
        user_id=user.id,
        token_kind=row.token_kind,
        scopes=_remembered_scopes(row),
        role=user.role,
        is_bot=user.is_bot,
        bot_id=payload.get("bot_id") or user.bot_id,
        app_id=payload.get("app_id") or user.app_id,
    )


async def deliver_scheduled(uow: UnitOfWork, row: ScheduledMessage) -> Message:
    """Post a due scheduled message under the rules of chat.postMessage as they hold now;
    the Slack error (e.g. `account_inactive`, `channel_not_found`, `is_archived`) if the
    author may no longer post it."""
    author = await scheduled_author(uow, row)
    payload = dict(row.payload or {})
    content = check_content(
        PostRequest(
            channel=row.conversation_id,
            text=row.text,
            blocks=payload.get("blocks"),
            attachments=payload.get("attachments"),
            metadata=payload.get("metadata"),
        )
    )
    thread_ts = payload.get("thread_ts")
    conversation = await check_post_message(uow, author, row.conversation_id, thread_ts=thread_ts)
    return await actions.do_post_message(
        uow,
        conversation,
        user_id=author.user_id,
        text=content.text,
        blocks=content.blocks,
        attachments=content.attachments,
        thread_ts=thread_ts,
        reply_broadcast=bool(payload.get("reply_broadcast")),
        bot_id=payload.get("bot_id"),
        app_id=payload.get("app_id"),
        username=payload.get("username"),
        icons=payload.get("icons"),
        metadata=content.metadata,
        mrkdwn=bool(payload.get("mrkdwn", True)),
        unfurl_links=bool(payload.get("unfurl_links", True)),
        unfurl_media=bool(payload.get("unfurl_media", True)),
    )


@dataclass(frozen=True)
class EphemeralRequest:
    """What chat.postEphemeral was asked to show, and to whom, parsed."""

    channel: str
    user: str
    text: str | None
    blocks: Any = None
    attachments: Any = None
    thread_ts: str | None = None


async def _is_member(uow: UnitOfWork, conversation: Conversation, user_id: str) -> bool:
    return await get_membership(uow.session, conversation.id, user_id) is not None


async def check_post_ephemeral(
    uow: UnitOfWork, sender: Principal, request: EphemeralRequest
) -> str:
    """chat.postEphemeral: content errors first; then the conversation, which the sender
    must reach as for chat.postMessage (`channel_not_found`, `not_in_channel`,
    `is_archived`); then the recipient, a member of it (`user_not_in_channel`).
    Returns the ephemeral message's ts; nothing is stored."""
    text, blocks, attachments = actions.check_content(
        request.text, request.blocks, request.attachments
    )
    conversation = await access_post_target(uow, sender, request.channel)
    recipient = await get_user(uow.session, sender.workspace_id, request.user)
    if recipient is None or not await _is_member(uow, conversation, recipient.id):
        raise ApiError("user_not_in_channel")
    return await actions.do_post_ephemeral(
        uow,
        conversation,
        sender_id=sender.user_id,
        recipient_id=recipient.id,
        text=text,
        blocks=blocks,
        attachments=attachments,
        thread_ts=store.safe_ts(request.thread_ts),
        bot_id=sender.bot_id if sender.is_bot else None,
    )
