"""access_* / check_* for posting and reading: which conversation a `channel` argument
names, whether the caller may post there, and whether they may read its history.

Posting needs membership (Slack's `not_in_channel`), except for bots holding
`chat:write.public` in public channels. A user id as `channel` means "the DM with them".
Reading needs the conversation to be visible; bots read only where they are members.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.conversations.interface import (
    Access,
    access_conversation,
    do_open_dm,
    get_conversation_by_name,
    require_not_archived,
    require_scope_for,
)
from parley.features.messages import store
from parley.features.messages.models import Message
from parley.features.users.interface import get_user
from parley.platform.auth.principal import Principal
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.ids import looks_like
from parley.platform.spaces import Conversation


async def _conversation_id_for(uow: UnitOfWork, principal: Principal, channel: str) -> str:
    """The conversation id a `channel` argument names: an id, `#name`/name, or a user id."""
    channel = channel.strip()
    if looks_like(channel, "C", "G", "D"):
        return channel
    if looks_like(channel, "U", "W"):
        target = await get_user(uow.session, principal.workspace_id, channel)
        if target is None:
            raise ApiError("channel_not_found")
        dm = await do_open_dm(uow, principal.workspace_id, principal.user_id, target.id)
        return dm.id
    name = channel.removeprefix("#").lower()
    found = await get_conversation_by_name(uow.session, principal.workspace_id, name)
    if found is None:
        raise ApiError("channel_not_found")
    return found.id


async def access_post_target(uow: UnitOfWork, principal: Principal, channel: str) -> Conversation:
    """The conversation to post into, or `channel_not_found` / `not_in_channel` / `is_archived`."""
    conversation_id = await _conversation_id_for(uow, principal, channel)
    access = await access_conversation(uow.session, principal, conversation_id)
    conversation = access.conversation
    if not access.is_member and not _may_post_without_joining(principal, conversation):
        raise ApiError("not_in_channel")
    require_not_archived(conversation)
    return conversation


def _may_post_without_joining(principal: Principal, conversation: Conversation) -> bool:
    return (
        principal.is_bot
        and conversation.kind == "channel"
        and principal.has_scope("chat:write.public")
    )


def _restricted(rule: Any, principal: Principal) -> bool:
    """Slack's `properties.posting_restricted_to` / `threads_restricted_to` rule."""
    if not isinstance(rule, dict):
        return False
    types = rule.get("type") or []
    users = rule.get("user") or []
    if principal.user_id in users:
        return False
    if "admin" in types and principal.is_admin:
        return False
    return not ("owner" in types and principal.is_owner)


def check_can_post(principal: Principal, conversation: Conversation, *, in_thread: bool) -> None:
    """`restricted_action` when the channel limits who may post (or reply in threads)."""
    properties = conversation.properties or {}
    if not in_thread and _restricted(properties.get("posting_restricted_to"), principal):
        raise ApiError("restricted_action")
    if in_thread and _restricted(properties.get("threads_restricted_to"), principal):
        raise ApiError("restricted_action")


def customizations(
    principal: Principal, username: str | None, icon_emoji: str | None, icon_url: str | None
) -> dict[str, Any]:
    """username/icon overrides: honoured only for bot tokens with `chat:write.customize`."""
    if not (principal.is_bot and principal.has_scope("chat:write.customize")):
        return {}
    chosen: dict[str, Any] = {}
    if username:
        chosen["username"] = username
    if icon_emoji:
        chosen["icons"] = {"emoji": icon_emoji}
    elif icon_url and icon_url.lower().startswith(("https://", "http://")):
        chosen["icons"] = {"image_64": icon_url}
    return chosen


# --- reading ------------------------------------------------------------------------------


async def access_history(session: AsyncSession, principal: Principal, channel: str) -> Access:
    """A conversation whose messages the caller may read: `channel_not_found` when not
    visible; `not_in_channel` for a bot that is not a member (people read public channels
    freely); then `missing_scope` without the history scope for its kind."""
    access = await access_conversation(session, principal, channel)
    if principal.is_bot and not access.is_member:
        raise ApiError("not_in_channel")
    require_scope_for(principal, access.conversation, "history")
    return access


async def access_thread(
    session: AsyncSession, principal: Principal, channel: str, ts: str
) -> tuple[Access, Message]:
    """The message a thread is asked for by (its root or any reply), in a conversation the
    caller may read (`access_history`); `thread_not_found` when there is none."""
    access = await access_history(session, principal, channel)
    message = await store.get_message(session, access.conversation.id, ts)
    if message is None:
        raise ApiError("thread_not_found")
    return access, message


async def access_linked_message(
    session: AsyncSession, principal: Principal, channel: str, ts: str
) -> tuple[Access, Message]:
    """chat.getPermalink's message: in a conversation the caller can see
    (`channel_not_found`), and there (`message_not_found`)."""
    access = await access_conversation(session, principal, channel)
    message = await store.get_message(session, access.conversation.id, ts)
    if message is None:
        raise ApiError("message_not_found")
    return access, message


async def access_list_filter(
    session: AsyncSession, principal: Principal, channel: str | None
) -> str | None:
    """The conversation a list of the caller's own items is narrowed to, if any; one they
    cannot see is `invalid_channel` (a list filter, not a missing conversation)."""
    if not channel:
        return None
    try:
        access = await access_conversation(session, principal, channel)
    except ApiError:
        raise ApiError("invalid_channel") from None
    return access.conversation.id
