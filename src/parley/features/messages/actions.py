"""Message writes: post, edit, delete, ephemeral, schedule. The only writers of `messages`.

`do_post_message` is the one path that allocates a `ts`; every message (user posts, bot posts,
system messages such as `channel_join`, scheduled deliveries) goes through it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.conversations.interface import access_conversation, require_not_archived
from parley.features.messages import counters, store
from parley.features.messages.extras import bot_profiles_for
from parley.features.messages.groups import group_handles, group_members, groups_by_handle
from parley.features.messages.metadata import check_metadata
from parley.features.messages.models import Mention, Message, MessageEdit, ScheduledMessage
from parley.features.messages.mrkdwn import SPECIAL_MENTIONS, Mentions, message_mentions
from parley.features.messages.notify import Posted, notify_posted
from parley.features.messages.render import RenderContext, render_attachments, render_message
from parley.features.messages.schemas import message_event, message_object
from parley.features.users.interface import display_names, existing_user_ids, users_by_name
from parley.platform.auth.principal import Principal
from parley.platform.clock import unix_now, utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import conversation_audience, emit, users_audience
from parley.platform.ids import new_id
from parley.platform.spaces import Conversation
from parley.platform.ts import allocate_ts, format_ts, parse_ts

MAX_TEXT = 40_000
MAX_BLOCKS = 50
MAX_ATTACHMENTS = 100
MAX_SCHEDULE_AHEAD = 120 * 24 * 3600  # Slack: at most 120 days ahead
# Block types Slack accepts in messages (https://docs.slack.dev/reference/block-kit/blocks).
KNOWN_BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "video",
        "call",
        "table",
        "context_actions",
    }
)


def now_ts() -> str:
    """A ts for an event that is not a new message (edits, deletions, ephemerals): now."""
    return format_ts(time.time_ns() // 1000)


# --- validation (check_*) -------------------------------------------------------------------


def check_blocks(blocks: Any) -> list[dict[str, Any]] | None:
    """`invalid_blocks` unless `blocks` is a list of at most 50 objects of known types."""
    if blocks is None:
        return None
    if not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS:
        raise ApiError("invalid_blocks")
    for block in blocks:
        if not isinstance(block, dict) or block.get("type") not in KNOWN_BLOCK_TYPES:
            raise ApiError("invalid_blocks")
        block_id = block.get("block_id")
        if block_id is not None and (not isinstance(block_id, str) or len(block_id) > 255):
            raise ApiError("invalid_blocks")
    return blocks or None


def check_attachments(attachments: Any) -> list[dict[str, Any]] | None:
    """`invalid_attachments` unless a list of at most 100 objects."""
    if attachments is None:
        return None
    if not isinstance(attachments, list) or len(attachments) > MAX_ATTACHMENTS:
        raise ApiError("invalid_attachments")
    if not all(isinstance(item, dict) for item in attachments):
        raise ApiError("invalid_attachments")
    for item in attachments:
        if item.get("blocks") is not None:
            check_blocks(item["blocks"])
    return attachments or None


def check_content(
    text: str | None, blocks: Any, attachments: Any
) -> tuple[str, list[dict[str, Any]] | None, list[dict[str, Any]] | None]:
    """Validate what a message says: `no_text`, `msg_too_long`, block and attachment errors."""
    text = text or ""
    if len(text) > MAX_TEXT:
        raise ApiError("msg_too_long")
    clean_blocks = check_blocks(blocks)
    clean_attachments = check_attachments(attachments)
    if not text.strip() and not clean_blocks and not clean_attachments:
        raise ApiError("no_text")
    return text, clean_blocks, clean_attachments


# --- rendering and mentions -----------------------------------------------------------------


async def _render_context(uow: UnitOfWork, workspace_id: str, found: Mentions) -> RenderContext:
    """Names for the users, public channels and user groups a message mentions (one query
    each)."""
    names = await display_names(uow.session, workspace_id, found.users)
    channels = await store.public_channel_names(uow.session, workspace_id, found.channels)
    handles = await group_handles(uow.session, workspace_id, found.subteams)
    return RenderContext(user_names=names, channel_names=channels, subteam_handles=handles)


async def _render_and_mentions(uow: UnitOfWork, message: Message) -> Mentions:
    """Set `html`, `has_link` and `mentions_everyone` from the content; return the mentions."""
    found = message_mentions(message.text, message.blocks)
    for attachment in message.attachments or []:
        for key in ("pretext", "text"):
            if isinstance(attachment.get(key), str):
                found.add_text(attachment[key])
    context = await _render_context(uow, message.workspace_id, found)
    message.html = render_message(
        message.text, message.blocks, None, context, mrkdwn=message.mrkdwn
    )
    message.rendered_attachments = render_attachments(message.attachments, context)
    message.has_link = found.has_link
    message.mentions_everyone = found.everyone
    return found


async def _store_mentions(
    uow: UnitOfWork, message: Message, found: Mentions, *, replace: bool = True
) -> list[str]:
    """One Mention row per mentioned user of the workspace, directly or as a member of a
    mentioned user group (replacing earlier ones on edit); none for the author
    (`<@me> has joined the channel` is no mention to be notified of)."""
    if replace:
        await uow.session.execute(delete(Mention).where(Mention.message_id == message.id))
    in_groups = await group_members(uow.session, message.workspace_id, found.subteams)
    everyone = dict.fromkeys([*found.users, *in_groups])
    mentioned = [user_id for user_id in everyone if user_id != message.user_id]
    users = await existing_user_ids(uow.session, message.workspace_id, mentioned)
    if not users:
        return []
    await uow.session.execute(
        insert(Mention),
        [
            {
                "message_id": message.id,
                "user_id": user_id,
                "workspace_id": message.workspace_id,
                "conversation_id": message.conversation_id,
                "ts": message.ts,
            }
            for user_id in users
        ],
    )
    return list(users)


# --- posting --------------------------------------------------------------------------------


async def _thread_root(uow: UnitOfWork, conversation: Conversation, thread_ts: str) -> Message:
    """The root a reply attaches to; a reply to a reply attaches to that reply's root."""
    if store.safe_ts(thread_ts) is None:
        raise ApiError("invalid_thread_ts")
    parent = await store.get_message_for_update(uow.session, conversation.id, thread_ts)
    if parent is None:
        raise ApiError("thread_not_found")
    if parent.thread_ts and parent.thread_ts != parent.ts:
        root = await store.get_message_for_update(uow.session, conversation.id, parent.thread_ts)
        if root is None:
            raise ApiError("thread_not_found")
        return root
    return parent


async def _emit(uow: UnitOfWork, conversation: Conversation, payload: dict[str, Any]) -> None:
    await emit(uow, conversation.workspace_id, payload, conversation_audience(conversation.id))


async def _update_thread_root(
    uow: UnitOfWork, conversation: Conversation, root: Message, replier: str | None, ts: str
) -> None:
    """Refresh the root's thread summary and subscribers, then announce it."""
    summary = await store.thread_summary(uow.session, root)
    root.thread_ts = root.ts
    root.reply_count = summary.reply_count
    root.reply_users = summary.reply_users
    root.reply_users_count = summary.reply_users_count
    root.latest_reply = summary.latest_reply
    subscribers = list(root.subscribers or [])
    for user_id in (root.user_id, replier):
        if user_id and user_id not in subscribers:
            subscribers.append(user_id)
    root.subscribers = subscribers
    await uow.session.flush()
    await _emit(
        uow,
        conversation,
        {
            "type": "message",
            "subtype": "message_replied",
            "hidden": True,
            "channel": conversation.id,
            "channel_type": conversation.kind,
            "ts": ts,
            "event_ts": ts,
            "message": message_object(root),
        },
    )


@dataclass
class _Insert:
    """Outcome of inserting a message: the row, and whether it already existed (idempotency)."""

    message: Message
    created: bool


async def _insert_message(uow: UnitOfWork, message: Message) -> _Insert:
    """Insert with one Core statement (no unit-of-work flush: the returned `message` is a
    plain object, not tracked by the session); with a `client_msg_id`, inside a savepoint:
    a duplicate (a concurrent retry that won the race) yields the existing message."""
    if message.client_msg_id is None:
        message.id = await store.insert_message_row(uow.session, message)
        return _Insert(message, created=True)
    try:
        async with uow.session.begin_nested():
            message.id = await store.insert_message_row(uow.session, message)
    except IntegrityError:
        existing = await store.get_by_client_msg_id(
            uow.session, message.conversation_id, message.client_msg_id
        )
        if existing is None:
            raise
        return _Insert(existing, created=False)
    return _Insert(message, created=True)


async def do_post_message(
    uow: UnitOfWork,
    conversation: Conversation,
    *,
    user_id: str | None,
    text: str,
    subtype: str | None = None,
    blocks: list[dict[str, Any]] | None = None,
    attachments: list[dict[str, Any]] | None = None,
    files: list[dict[str, Any]] | None = None,
    thread_ts: str | None = None,
    reply_broadcast: bool = False,
    client_msg_id: str | None = None,
    bot_id: str | None = None,
    app_id: str | None = None,
    username: str | None = None,
    icons: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    mrkdwn: bool = True,
    unfurl_links: bool = True,
    unfurl_media: bool = True,
) -> Message:
    """Store a message with a fresh ts, its mentions and thread counters; emit `message`.

    With `client_msg_id`, posting the same id twice in a conversation makes one message;
    the second call returns the first message and emits nothing.
    """
    if client_msg_id:
        existing = await store.get_by_client_msg_id(uow.session, conversation.id, client_msg_id)
        if existing is not None:
            return existing
    message = Message(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        ts="",  # allocated below, once the content is rendered
        user_id=user_id,
        bot_id=bot_id,
        app_id=app_id,
        subtype=subtype,
        text=text,
        html="",
        blocks=blocks,
        attachments=attachments,
        files=files,
        thread_ts=None,
        parent_user_id=None,
        reply_count=0,
        reply_users=[],
        reply_users_count=0,
        subscribers=[],
        reply_broadcast=False,
        is_deleted=False,
        client_msg_id=client_msg_id or None,
        username=username,
        icons=icons,
        metadata_=metadata,
        unfurl_links=unfurl_links,
        unfurl_media=unfurl_media,
        mrkdwn=mrkdwn,
        mentions_everyone=False,
        has_link=False,
        created=utc_now(),
    )
    # Rendered before the ts is taken: the names it reads are not read under the lock, and
    # the unread counters, counted with the ts, need to know about `<!here>`.
    found = await _render_and_mentions(uow, message)
    shown = thread_ts is None or reply_broadcast  # a reply only shows when broadcast
    message.ts = await allocate_ts(  # locks the conversation row until commit
        uow, conversation.id, shown=shown, everyone=message.mentions_everyone
    )
    ts = message.ts
    root = await _thread_root(uow, conversation, thread_ts) if thread_ts else None
    if root is not None:
        message.thread_ts, message.parent_user_id = root.ts, root.user_id
        message.reply_broadcast = reply_broadcast
        if reply_broadcast and subtype is None:
            message.subtype = "thread_broadcast"
    outcome = await _insert_message(uow, message)
    if not outcome.created:
        if shown:  # a concurrent retry posted it first: this ts counts nothing
            await counters.uncount_allocated(uow.session, message)
        return outcome.message
    # a new message has no mentions yet
    mentioned = await _store_mentions(uow, message, found, replace=False)
    await counters.count_posted(uow.session, message)
    body = message_object(message, bot_profiles=await bot_profiles_for(uow.session, [message]))
    if root is not None:
        if reply_broadcast:
            body["root"] = message_object(root)
        await _update_thread_root(uow, conversation, root, user_id, ts)
    await _emit(uow, conversation, message_event(conversation, body, event_ts=ts))
    followers = frozenset(root.subscribers or []) if root is not None else frozenset()
    await notify_posted(uow, _posted(conversation, message, mentioned, followers))
    return message


def _posted(
    conversation: Conversation,
    message: Message,
    mentioned: list[str],
    followers: frozenset[str],
) -> Posted:
    return Posted(
        conversation=conversation,
        ts=message.ts,
        author_id=message.user_id or "",
        text=message.text,
        thread_ts=message.thread_ts,
        mentioned=frozenset(mentioned),
        mentions_everyone=message.mentions_everyone,
        subtype=message.subtype,
        is_bot=message.bot_id is not None,
        thread_followers=followers,
    )


# --- editing and deleting -------------------------------------------------------------------


def can_edit(message: Message, user_id: str) -> bool:
    """Only the author edits (admins may not edit other people's messages, as in Slack)."""
    return not message.is_deleted and message.user_id == user_id


@dataclass(frozen=True)
class Edit:
    """What chat.update was asked to change, parsed; a part left None stays as it is."""

    text: str | None = None
    blocks: Any = None
    attachments: Any = None
    metadata: Any = None
    expand_names: bool = False  # link_names=1 or parse=full


def _check_edit_content(edit: Edit, message: Message) -> tuple[str | None, Any, Any]:
    """The new text, blocks and attachments; the edited message must still say something
    (`no_text`). An empty list of blocks or attachments leaves them as they are."""
    blocks = check_blocks(edit.blocks)
    attachments = check_attachments(edit.attachments)
    if edit.text is not None and len(edit.text) > MAX_TEXT:
        raise ApiError("msg_too_long")
    after_text = edit.text if edit.text is not None else message.text
    after_blocks = edit.blocks if edit.blocks is not None else message.blocks
    after_attachments = edit.attachments if edit.attachments is not None else message.attachments
    if not (after_text or "").strip() and not after_blocks and not after_attachments:
        raise ApiError("no_text")
    return edit.text, blocks, attachments


async def _live_message(uow: UnitOfWork, conversation: Conversation, ts: str) -> Message:
    """The message `ts` locked for a change, or `message_not_found` (also once deleted)."""
    message = await store.get_message_for_update(uow.session, conversation.id, ts)
    if message is None or message.is_deleted:
        raise ApiError("message_not_found")
    return message


async def check_update_message(
    uow: UnitOfWork, editor: Principal, channel: str, ts: str, edit: Edit
) -> tuple[Conversation, Message]:
    """chat.update: the author edits a message of a conversation they can see, unless it
    is archived. Errors in Slack's order: `invalid_metadata_format`, `channel_not_found`,
    `message_not_found`, `cant_update_message`, `is_archived`, then the content's."""
    metadata = check_metadata(edit.metadata)
    access = await access_conversation(uow.session, editor, channel)
    message = await _live_message(uow, access.conversation, ts)
    if not can_edit(message, editor.user_id):
        raise ApiError("cant_update_message")
    require_not_archived(access.conversation)
    text, blocks, attachments = _check_edit_content(edit, message)
    if text is not None and edit.expand_names:
        text = await expand_link_names(uow.session, editor.workspace_id, text)
    await do_update_message(
        uow,
        access.conversation,
        message,
        editor_id=editor.user_id,
        text=text,
        blocks=blocks,
        attachments=attachments,
        metadata=metadata,
    )
    return access.conversation, message


async def do_update_message(
    uow: UnitOfWork,
    conversation: Conversation,
    message: Message,
    *,
    editor_id: str,
    text: str | None,
    blocks: list[dict[str, Any]] | None,
    attachments: list[dict[str, Any]] | None,
    metadata: dict[str, Any] | None = None,
) -> Message:
    """Replace the content, keep the previous version in MessageEdit, emit `message_changed`."""
    profiles = await bot_profiles_for(uow.session, [message])
    previous = message_object(message, bot_profiles=profiles)
    edited_ts = format_ts(max(time.time_ns() // 1000, parse_ts(message.ts) + 1))
    uow.session.add(
        MessageEdit(
            message_id=message.id,
            workspace_id=message.workspace_id,
            previous_text=message.text,
            previous_blocks=message.blocks,
            edited_ts=edited_ts,
            edited_by=editor_id,
        )
    )
    if text is not None:
        message.text = text
    if blocks is not None:
        message.blocks = blocks or None
    if attachments is not None:
        message.attachments = attachments or None
    if metadata is not None:
        message.metadata_ = metadata
    message.edited_ts = edited_ts
    message.edited_by = editor_id
    everyone_before = message.mentions_everyone
    found = await _render_and_mentions(uow, message)
    await uow.session.flush()
    await _store_mentions(uow, message, found)
    await counters.count_everyone_changed(uow.session, message, was=everyone_before)
    await _emit(uow, conversation, _changed_event(conversation, message, previous, profiles))
    return message


async def do_replace_attachments(
    uow: UnitOfWork,
    conversation: Conversation,
    message: Message,
    attachments: list[dict[str, Any]] | None,
    *,
    files: list[dict[str, Any]] | None = None,
) -> Message:
    """Set what Parley itself attaches (link unfurl cards, file tombstones) and emit
    `message_changed`; not an edit: no history entry, no `edited` mark."""
    profiles = await bot_profiles_for(uow.session, [message])
    previous = message_object(message, bot_profiles=profiles)
    message.attachments = attachments or None
    if files is not None:
        message.files = files or None
    everyone_before = message.mentions_everyone
    await _render_and_mentions(uow, message)
    await uow.session.flush()
    await counters.count_everyone_changed(uow.session, message, was=everyone_before)
    await _emit(uow, conversation, _changed_event(conversation, message, previous, profiles))
    return message


def can_delete(message: Message, user_id: str, *, is_admin: bool) -> bool:
    """The author may delete; so may workspace admins and owners (not for bots' tokens)."""
    return message.user_id == user_id or is_admin


async def check_delete_message(
    uow: UnitOfWork, principal: Principal, channel: str, ts: str
) -> tuple[Conversation, Message]:
    """chat.delete: the author deletes a message; so do workspace admins, though not with
    a bot's token. Errors: `channel_not_found`, `message_not_found`, `cant_delete_message`."""
    access = await access_conversation(uow.session, principal, channel)
    message = await _live_message(uow, access.conversation, ts)
    is_admin = principal.is_admin and not principal.is_bot
    if not can_delete(message, principal.user_id, is_admin=is_admin):
        raise ApiError("cant_delete_message")
    await do_delete_message(uow, access.conversation, message)
    return access.conversation, message


def _deleted_event(conversation: Conversation, previous: dict[str, Any]) -> dict[str, Any]:
    event_ts = now_ts()
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": conversation.id,
        "channel_type": conversation.kind,
        "ts": event_ts,
        "event_ts": event_ts,
        "deleted_ts": previous["ts"],
        "previous_message": previous,
    }


def _changed_event(
    conversation: Conversation,
    message: Message,
    previous: dict[str, Any] | None = None,
    bot_profiles: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    event_ts = now_ts()
    event: dict[str, Any] = {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": conversation.id,
        "channel_type": conversation.kind,
        "ts": event_ts,
        "event_ts": event_ts,
        "message": message_object(message, bot_profiles=bot_profiles),
    }
    if previous is not None:
        event["previous_message"] = previous
    return event


async def do_delete_message(uow: UnitOfWork, conversation: Conversation, message: Message) -> None:
    """Delete a message; a thread root with replies stays as a tombstone.

    Emits `message_deleted`, or `message_changed` to the tombstone for a root that keeps its
    replies; deleting a reply refreshes (or removes the tombstone of) its root.
    """
    previous = message_object(message)
    was_shown, everyone = counters.is_shown(message), message.mentions_everyone
    if message.thread_ts == message.ts and message.reply_count > 0:
        await _make_tombstone(uow, message)
        if was_shown:
            await counters.count_unshown(uow.session, message, everyone=everyone)
        await _emit(uow, conversation, _changed_event(conversation, message, previous))
        return
    root = None
    if message.thread_ts and message.thread_ts != message.ts:
        # Lock the root before the first emit: emit locks the workspace's event counter
        # until commit, and a concurrent reply locks the root first, then that counter.
        root = await store.get_message_for_update(uow.session, conversation.id, message.thread_ts)
    await uow.session.delete(message)
    await uow.session.flush()
    if was_shown:
        await counters.count_unshown(uow.session, message, everyone=everyone)
    await _emit(uow, conversation, _deleted_event(conversation, previous))
    if root is not None:
        await _refresh_root_after_reply_deleted(uow, conversation, root)


async def _make_tombstone(uow: UnitOfWork, message: Message) -> None:
    message.is_deleted = True
    message.text = ""
    message.html = ""
    message.blocks = None
    message.attachments = None
    message.rendered_attachments = None
    message.files = None
    message.metadata_ = None
    await uow.session.execute(delete(Mention).where(Mention.message_id == message.id))
    await uow.session.flush()


async def _refresh_root_after_reply_deleted(
    uow: UnitOfWork, conversation: Conversation, root: Message
) -> None:
    """Recount the thread; a tombstone whose last reply went away disappears too."""
    summary = await store.thread_summary(uow.session, root)
    if root.is_deleted and summary.reply_count == 0:
        gone = message_object(root)
        await uow.session.delete(root)
        await uow.session.flush()
        await _emit(uow, conversation, _deleted_event(conversation, gone))
        return
    root.reply_count = summary.reply_count
    root.reply_users = summary.reply_users
    root.reply_users_count = summary.reply_users_count
    root.latest_reply = summary.latest_reply
    await uow.session.flush()
    await _emit(uow, conversation, _changed_event(conversation, root))


# --- link_names ------------------------------------------------------------------------------


_LINK_NAME_RE = re.compile(r"(?:(?<=\s)|^)([@#])([a-z0-9][a-z0-9._-]{0,79})", re.MULTILINE)


async def expand_link_names(session: AsyncSession, workspace_id: str, text: str) -> str:
    """`link_names`: turn `@handle`, `@here`… and `#channel` into Slack's `<@U…>` forms;
    a user group's `@handle` becomes `<!subteam^S…|@handle>` (a member's name wins)."""
    candidates = _LINK_NAME_RE.findall(text)
    if not candidates:
        return text
    handles = [name for sigil, name in candidates if sigil == "@"]
    channels = [name for sigil, name in candidates if sigil == "#"]
    users = await users_by_name(session, workspace_id, handles)
    groups = await groups_by_handle(
        session, workspace_id, [name for name in handles if name not in users]
    )
    rooms = await store.channels_by_name(session, workspace_id, channels)

    def replace(match: re.Match[str]) -> str:
        sigil, name = match.group(1), match.group(2)
        if sigil == "@" and name in SPECIAL_MENTIONS:
            return f"<!{name}>"
        if sigil == "@" and name in users:
            return f"<@{users[name]}>"
        if sigil == "@" and name in groups:
            return f"<!subteam^{groups[name]}|@{name}>"
        if sigil == "#" and name in rooms:
            return f"<#{rooms[name]}|{name}>"
        return match.group(0)

    return _LINK_NAME_RE.sub(replace, text)


# --- ephemeral messages ---------------------------------------------------------------------


async def do_post_ephemeral(
    uow: UnitOfWork,
    conversation: Conversation,
    *,
    sender_id: str,
    recipient_id: str,
    text: str,
    blocks: list[dict[str, Any]] | None,
    attachments: list[dict[str, Any]] | None,
    thread_ts: str | None,
    bot_id: str | None = None,
) -> str:
    """Deliver a message to one user only; it is not stored in history. Returns its ts."""
    message_ts = now_ts()
    found = message_mentions(text, blocks)
    context = await _render_context(uow, conversation.workspace_id, found)
    payload: dict[str, Any] = {
        "type": "message",
        "subtype": "ephemeral",
        "is_ephemeral": True,
        "ts": message_ts,
        "event_ts": message_ts,
        "text": text,
        "user": sender_id,
        "team": conversation.workspace_id,
        "channel": conversation.id,
        "channel_type": conversation.kind,
        "html": render_message(text, blocks, None, context),
    }
    if bot_id:
        payload["bot_id"] = bot_id
    if blocks:
        payload["blocks"] = blocks
    if attachments:
        payload["attachments"] = attachments
        payload["rendered_attachments"] = render_attachments(attachments, context)
    if thread_ts:
        payload["thread_ts"] = thread_ts
    await emit(uow, conversation.workspace_id, payload, users_audience([recipient_id]))
    return message_ts


# --- scheduled messages ---------------------------------------------------------------------


def check_post_at(post_at: int, now: int) -> int:
    if post_at <= now:
        raise ApiError("time_in_past")
    if post_at > now + MAX_SCHEDULE_AHEAD:
        raise ApiError("time_too_far")
    return post_at


async def do_schedule_message(
    uow: UnitOfWork,
    conversation: Conversation,
    *,
    user_id: str,
    token_kind: str,
    post_at: int,
    text: str,
    payload: dict[str, Any],
) -> ScheduledMessage:
    row = ScheduledMessage(
        id=new_id("Q"),
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        user_id=user_id,
        token_kind=token_kind,
        post_at=post_at,
        text=text,
        payload=payload,
        date_created=unix_now(),
        delivered=False,
    )
    uow.session.add(row)
    await uow.session.flush()
    return row


async def do_delete_scheduled(uow: UnitOfWork, row: ScheduledMessage) -> None:
    await uow.session.delete(row)
    await uow.session.flush()


async def check_delete_scheduled(
    uow: UnitOfWork, principal: Principal, channel: str, scheduled_id: str
) -> None:
    """chat.deleteScheduledMessage: only the author's own pending message, named with the
    conversation it is for; anything else is `invalid_scheduled_message_id` (never a hint
    that someone else's exists). `channel_not_found` first for a conversation not visible."""
    access = await access_conversation(uow.session, principal, channel)
    row = await store.get_scheduled(uow.session, principal.workspace_id, scheduled_id)
    if (
        row is None
        or row.delivered
        or row.user_id != principal.user_id
        or row.conversation_id != access.conversation.id
    ):
        raise ApiError("invalid_scheduled_message_id")
    await do_delete_scheduled(uow, row)


async def claim_scheduled(uow: UnitOfWork, scheduled_id: str) -> bool:
    """Mark a due row delivered unless another node already did (conditional UPDATE)."""
    result = await uow.session.execute(
        update(ScheduledMessage)
        .where(ScheduledMessage.id == scheduled_id, ScheduledMessage.delivered.is_(False))
        .values(delivered=True)
    )
    return bool(getattr(result, "rowcount", 0) == 1)
