"""chat.* methods and conversations.history / conversations.replies."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.messages import actions, posting, store
from parley.features.messages.access import (
    access_history,
    access_linked_message,
    access_list_filter,
    access_thread,
)
from parley.features.messages.extras import (
    bot_profiles_for,
    pins_for_messages,
    reactions_for_messages,
)
from parley.features.messages.models import Message
from parley.features.messages.posting import PostRequest
from parley.features.messages.schemas import message_object, scheduled_message_object
from parley.features.messages.wire import (
    DeleteMessageResponse,
    HistoryResponse,
    PermalinkResponse,
    PostMessageResponse,
    UpdateMessageResponse,
)
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.spaces import Conversation
from parley.platform.ts import format_ts, parse_ts
from parley.platform.webapi.context import Call
from parley.platform.webapi.pagination import clamp_limit, decode_cursor, page_metadata
from parley.platform.webapi.params import JsonList, JsonObject, Params, SlackBool, SlackInt, SlackTs
from parley.platform.webapi.registry import Tier, api_method

WRITE_SCOPES = ("chat:write", "chat:write:user", "chat:write:bot")
HISTORY_SCOPES = ("channels:history", "groups:history", "im:history", "mpim:history")
CONTENT_ERRORS = ("no_text", "msg_too_long", "invalid_blocks", "invalid_attachments")
POST_ERRORS = (
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "restricted_action",
    "thread_not_found",
    "invalid_thread_ts",
    *CONTENT_ERRORS,
)


async def serialize_messages(
    session: AsyncSession,
    messages: list[Message],
    *,
    viewer: str | None = None,
    include_metadata: bool = True,
) -> list[dict[str, Any]]:
    """Message objects with reactions and pins, fetched in one query each for the page."""
    ids = [m.id for m in messages]
    reactions = await reactions_for_messages(session, ids)
    pins = await pins_for_messages(session, ids)
    profiles = await bot_profiles_for(session, messages)
    bodies = [
        message_object(
            m,
            reactions=reactions.get(m.id),
            pinned_to=pins.get(m.id),
            viewer=viewer,
            bot_profiles=profiles,
        )
        for m in messages
    ]
    if not include_metadata:  # history and replies show metadata only when asked to
        for body in bodies:
            body.pop("metadata", None)
    return bodies


# --- chat.postMessage / chat.meMessage -----------------------------------------------------


class PostMessageParams(Params):
    channel: str = Field(max_length=100)
    text: str | None = None
    blocks: JsonList = None
    attachments: JsonList = None
    thread_ts: SlackTs | None = Field(default=None, max_length=32)
    reply_broadcast: SlackBool = False
    mrkdwn: SlackBool = True
    parse: str | None = Field(default=None, max_length=16)
    link_names: SlackBool = False
    # Slack: links in people's messages unfurl unless turned off; a bot's only when asked.
    unfurl_links: SlackBool | None = None
    unfurl_media: SlackBool = True
    username: str | None = Field(default=None, max_length=80)
    icon_emoji: str | None = Field(default=None, max_length=100)
    icon_url: str | None = Field(default=None, max_length=1024)
    metadata: JsonObject = None
    client_msg_id: str | None = Field(default=None, max_length=64)
    markdown_text: str | None = None


def _post_request(params: PostMessageParams, *, subtype: str | None = None) -> PostRequest:
    return PostRequest(
        channel=params.channel,
        text=params.text if params.text is not None else (params.markdown_text or ""),
        blocks=params.blocks,
        attachments=params.attachments,
        metadata=params.metadata,
        thread_ts=params.thread_ts,
        reply_broadcast=params.reply_broadcast,
        mrkdwn=params.mrkdwn,
        expand_names=params.link_names or params.parse == "full",
        unfurl_links=params.unfurl_links,
        unfurl_media=params.unfurl_media,
        client_msg_id=params.client_msg_id,
        username=params.username,
        icon_emoji=params.icon_emoji,
        icon_url=params.icon_url,
        subtype=subtype,
    )


async def post_message(
    call: Call,
    params: PostMessageParams,
    *,
    subtype: str | None = None,
) -> tuple[Conversation, Message, dict[str, Any]]:
    """Post through `posting.post_message`; returns the conversation, message and object."""
    request = _post_request(params, subtype=subtype)

    async def post(uow: UnitOfWork) -> tuple[Conversation, Message, dict[str, Any]]:
        conversation, message = await posting.post_message(uow, call.principal, request)
        if params.client_msg_id:  # possibly an earlier message, reactions and all
            [body] = await serialize_messages(uow.session, [message])
        else:  # just created: no reactions or pins to look up
            profiles = await bot_profiles_for(uow.session, [message])
            body = message_object(message, bot_profiles=profiles)
        return conversation, message, body

    # The hottest write: on SQLite, concurrent posts share transactions (group commit).
    return await call.services.db.write_unit(post)


@api_method(
    "chat.postMessage",
    params=PostMessageParams,
    scopes=WRITE_SCOPES,
    tier=Tier.SPECIAL,
    missing_errors={"channel": "channel_not_found"},
    errors=POST_ERRORS,
    response=PostMessageResponse,
)
async def chat_post_message(call: Call, params: PostMessageParams) -> dict[str, Any]:
    """Sends a message to a channel, a DM (by user id) or a thread."""
    conversation, message, body = await post_message(call, params)
    return {"channel": conversation.id, "ts": message.ts, "message": body}


class MeMessageParams(Params):
    channel: str = Field(max_length=100)
    text: str | None = None


@api_method(
    "chat.meMessage",
    params=MeMessageParams,
    scopes=WRITE_SCOPES,
    tier=Tier.SPECIAL,
    missing_errors={"channel": "channel_not_found"},
    errors=POST_ERRORS,
)
async def chat_me_message(call: Call, params: MeMessageParams) -> dict[str, Any]:
    """Shares a /me message (subtype `me_message`) in a channel."""
    post = PostMessageParams(channel=params.channel, text=params.text)
    conversation, message, _ = await post_message(call, post, subtype="me_message")
    return {"channel": conversation.id, "ts": message.ts}


# --- chat.update / chat.delete --------------------------------------------------------------


class UpdateParams(Params):
    channel: str = Field(max_length=100)
    ts: SlackTs = Field(max_length=32)
    text: str | None = None
    blocks: JsonList = None
    attachments: JsonList = None
    metadata: JsonObject = None
    reply_broadcast: SlackBool = False
    parse: str | None = Field(default=None, max_length=16)
    link_names: SlackBool = False


@api_method(
    "chat.update",
    params=UpdateParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T3,
    missing_errors={"channel": "channel_not_found", "ts": "message_not_found"},
    errors=("message_not_found", "cant_update_message", "is_archived", *CONTENT_ERRORS),
    response=UpdateMessageResponse,
)
async def chat_update(call: Call, params: UpdateParams) -> dict[str, Any]:
    """Edits a message you posted."""
    edit = actions.Edit(
        text=params.text,
        blocks=params.blocks,
        attachments=params.attachments,
        metadata=params.metadata,
        expand_names=params.link_names or params.parse == "full",
    )

    async def update(uow: UnitOfWork) -> tuple[Conversation, Message, dict[str, Any]]:
        conversation, message = await actions.check_update_message(
            uow, call.principal, params.channel, params.ts, edit
        )
        [body] = await serialize_messages(uow.session, [message])
        return conversation, message, body

    conversation, message, body = await call.services.db.write_unit(update)
    return {"channel": conversation.id, "ts": message.ts, "text": message.text, "message": body}


class DeleteParams(Params):
    channel: str = Field(max_length=100)
    ts: SlackTs = Field(max_length=32)


@api_method(
    "chat.delete",
    params=DeleteParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T3,
    missing_errors={"channel": "channel_not_found", "ts": "message_not_found"},
    errors=("message_not_found", "cant_delete_message", "channel_not_found"),
    response=DeleteMessageResponse,
)
async def chat_delete(call: Call, params: DeleteParams) -> dict[str, Any]:
    """Deletes a message (yours, or anyone's if you are a workspace admin)."""

    async def delete(uow: UnitOfWork) -> tuple[Conversation, Message]:
        return await actions.check_delete_message(uow, call.principal, params.channel, params.ts)

    conversation, message = await call.services.db.write_unit(delete)
    return {"channel": conversation.id, "ts": message.ts}


# --- chat.postEphemeral / chat.getPermalink -------------------------------------------------


class EphemeralParams(Params):
    channel: str = Field(max_length=100)
    user: str = Field(max_length=32)
    text: str | None = None
    blocks: JsonList = None
    attachments: JsonList = None
    thread_ts: SlackTs | None = Field(default=None, max_length=32)


@api_method(
    "chat.postEphemeral",
    params=EphemeralParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T4,
    missing_errors={"channel": "channel_not_found", "user": "user_not_in_channel"},
    errors=("channel_not_found", "user_not_in_channel", "not_in_channel", *CONTENT_ERRORS),
)
async def chat_post_ephemeral(call: Call, params: EphemeralParams) -> dict[str, Any]:
    """Shows a message to one member of a conversation only; it is not stored."""
    request = posting.EphemeralRequest(
        channel=params.channel,
        user=params.user,
        text=params.text,
        blocks=params.blocks,
        attachments=params.attachments,
        thread_ts=params.thread_ts,
    )
    async with call.services.db.write() as uow:
        message_ts = await posting.check_post_ephemeral(uow, call.principal, request)
    return {"message_ts": message_ts}


class PermalinkParams(Params):
    channel: str = Field(max_length=100)
    message_ts: SlackTs = Field(max_length=32)


@api_method(
    "chat.getPermalink",
    params=PermalinkParams,
    tier=Tier.SPECIAL,
    missing_errors={"channel": "channel_not_found", "message_ts": "message_not_found"},
    errors=("channel_not_found", "message_not_found"),
    response=PermalinkResponse,
)
async def chat_get_permalink(call: Call, params: PermalinkParams) -> dict[str, Any]:
    """A permanent URL of a message (with thread_ts and cid for thread replies)."""
    async with call.services.db.read() as session:
        access, message = await access_linked_message(
            session, call.principal, params.channel, params.message_ts
        )
    return {
        "channel": access.conversation.id,
        "permalink": permalink(call.services.settings.base_url, access.conversation.id, message),
    }


def permalink(base_url: str, channel_id: str, message: Message) -> str:
    url = f"{base_url}/archives/{channel_id}/p{message.ts.replace('.', '')}"
    if message.thread_ts and message.thread_ts != message.ts:
        url += f"?thread_ts={message.thread_ts}&cid={channel_id}"
    return url


# --- scheduled messages ---------------------------------------------------------------------


class ScheduleParams(PostMessageParams):
    post_at: str = Field(max_length=20)


@api_method(
    "chat.scheduleMessage",
    params=ScheduleParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T3,
    missing_errors={"channel": "channel_not_found", "post_at": "invalid_time"},
    errors=("invalid_time", "time_in_past", "time_too_far", *POST_ERRORS),
)
async def chat_schedule_message(call: Call, params: ScheduleParams) -> dict[str, Any]:
    """Schedules a message to be sent at `post_at` (Unix seconds, ≤ 120 days ahead)."""
    principal = call.principal
    async with call.services.db.write() as uow:
        scheduled = await posting.schedule_message(
            uow, principal, _post_request(params), params.post_at
        )
    text, blocks, attachments = (
        scheduled.content.text,
        scheduled.content.blocks,
        scheduled.content.attachments,
    )
    conversation, row = scheduled.conversation, scheduled.row
    message: dict[str, Any] = {"type": "message", "text": text, "user": principal.user_id}
    if principal.is_bot and principal.bot_id:
        message.update(bot_id=principal.bot_id, app_id=principal.app_id)
    if blocks:
        message["blocks"] = blocks
    if attachments:
        message["attachments"] = attachments
    message["team"] = principal.workspace_id
    return {
        "channel": conversation.id,
        "scheduled_message_id": row.id,
        "post_at": row.post_at,
        "message": message,
    }


class ScheduledListParams(Params):
    channel: str | None = Field(default=None, max_length=100)
    cursor: str | None = None
    latest: SlackTs | None = Field(default=None, max_length=20)
    oldest: SlackTs | None = Field(default=None, max_length=20)
    limit: SlackInt = Field(default=0, ge=0)


def _unix_or_none(value: str | None, error: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(float(value))
    except ValueError:
        raise ApiError(error) from None


@api_method(
    "chat.scheduledMessages.list",
    params=ScheduledListParams,
    tier=Tier.T3,
    errors=("invalid_channel", "invalid_cursor"),
)
async def chat_scheduled_messages_list(call: Call, params: ScheduledListParams) -> dict[str, Any]:
    """Lists your pending scheduled messages (optionally in one channel)."""
    principal = call.principal
    limit = clamp_limit(params.limit, default=100, maximum=1000)
    after = decode_cursor(params.cursor)
    latest = _unix_or_none(params.latest, "invalid_arguments")
    oldest = _unix_or_none(params.oldest, "invalid_arguments")
    async with call.services.db.read() as session:
        channel_id = await access_list_filter(session, principal, params.channel)
        rows = await store.scheduled_for_user(
            session,
            principal.workspace_id,
            principal.user_id,
            conversation_id=channel_id,
            latest=latest,
            oldest=oldest,
            after_id=after,
            limit=limit,
        )
    page, more = rows[:limit], len(rows) > limit
    return {
        "scheduled_messages": [scheduled_message_object(row) for row in page],
        "response_metadata": page_metadata(page[-1].id if more else None),
    }


class DeleteScheduledParams(Params):
    channel: str = Field(max_length=100)
    scheduled_message_id: str = Field(max_length=32)


@api_method(
    "chat.deleteScheduledMessage",
    params=DeleteScheduledParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T3,
    missing_errors={
        "channel": "channel_not_found",
        "scheduled_message_id": "invalid_scheduled_message_id",
    },
    errors=("channel_not_found", "invalid_scheduled_message_id"),
)
async def chat_delete_scheduled_message(
    call: Call, params: DeleteScheduledParams
) -> dict[str, Any]:
    """Deletes one of your pending scheduled messages."""
    async with call.services.db.write() as uow:
        await actions.check_delete_scheduled(
            uow, call.principal, params.channel, params.scheduled_message_id
        )
    return {}


# --- conversations.history / conversations.replies ------------------------------------------


class HistoryParams(Params):
    channel: str = Field(max_length=100)
    latest: SlackTs | None = Field(default=None, max_length=32)
    oldest: SlackTs | None = Field(default=None, max_length=32)
    inclusive: SlackBool = False
    limit: SlackInt = Field(default=0, ge=0)
    cursor: str | None = None
    include_all_metadata: SlackBool = False


def _bound(value: str | None, error: str) -> str | None:
    """A `latest`/`oldest` bound as a canonical ts; "0" or empty means no bound."""
    if value in (None, "", "0"):
        return None
    try:
        return format_ts(parse_ts(str(value)))
    except ValueError:
        raise ApiError(error) from None


@api_method(
    "conversations.history",
    params=HistoryParams,
    scopes=HISTORY_SCOPES,
    tier=Tier.T3,
    missing_errors={"channel": "channel_not_found"},
    errors=("channel_not_found", "not_in_channel", "invalid_cursor", "invalid_ts_latest"),
    response=HistoryResponse,
)
async def conversations_history(call: Call, params: HistoryParams) -> dict[str, Any]:
    """Fetches a conversation's messages, newest first (thread replies only if broadcast)."""
    principal = call.principal
    limit = clamp_limit(params.limit, default=100, maximum=999)
    latest = _bound(params.latest, "invalid_ts_latest")
    oldest = _bound(params.oldest, "invalid_ts_oldest")
    before = store.safe_ts(decode_cursor(params.cursor))
    if params.cursor and before is None:
        raise ApiError("invalid_cursor")
    async with call.services.db.read() as session:
        access = await access_history(session, principal, params.channel)
        rows = await store.history_page(
            session,
            access.conversation.id,
            latest=latest,
            oldest=oldest,
            inclusive=params.inclusive,
            before=before,
            limit=limit,
        )
        page, more = rows[:limit], len(rows) > limit
        messages = await serialize_messages(
            session,
            page,
            viewer=principal.user_id,
            include_metadata=params.include_all_metadata,
        )
        pins = await store.pin_count(session, access.conversation.id)
    body: dict[str, Any] = {
        "messages": messages,
        "has_more": more,
        "pin_count": pins,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
        "response_metadata": page_metadata(page[-1].ts if more else None),
    }
    if latest is not None:
        body["latest"] = latest
    if oldest is not None:
        body["oldest"] = oldest
    return body


class RepliesParams(HistoryParams):
    ts: SlackTs = Field(max_length=32)


@api_method(
    "conversations.replies",
    params=RepliesParams,
    scopes=HISTORY_SCOPES,
    tier=Tier.T3,
    missing_errors={"channel": "channel_not_found", "ts": "thread_not_found"},
    errors=("channel_not_found", "thread_not_found", "not_in_channel", "invalid_cursor"),
    response=HistoryResponse,
)
async def conversations_replies(call: Call, params: RepliesParams) -> dict[str, Any]:
    """Fetches a thread: the parent message first, then its replies, oldest first."""
    principal = call.principal
    limit = clamp_limit(params.limit, default=1000, maximum=1000)
    latest = _bound(params.latest, "invalid_ts_latest")
    oldest = _bound(params.oldest, "invalid_ts_oldest")
    after = store.safe_ts(decode_cursor(params.cursor))
    if params.cursor and after is None:
        raise ApiError("invalid_cursor")
    async with call.services.db.read() as session:
        access, message = await access_thread(session, principal, params.channel, params.ts)
        root_ts = message.thread_ts or message.ts
        if message.thread_ts is None:
            rows = [message] if after is None else []
        else:
            rows = await store.replies_page(
                session,
                access.conversation.id,
                root_ts,
                latest=latest,
                oldest=oldest,
                inclusive=params.inclusive,
                after=after,
                limit=limit,
            )
        page, more = rows[:limit], len(rows) > limit
        messages = await serialize_messages(
            session,
            page,
            viewer=principal.user_id,
            include_metadata=params.include_all_metadata,
        )
    return {
        "messages": messages,
        "has_more": more,
        "response_metadata": page_metadata(page[-1].ts if more else None),
    }
