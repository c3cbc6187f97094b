"""access_message: a message the caller may see, addressed Slack's way by channel and ts.

Reactions, pins and saved items (features above messages) all name a message with `channel`
+ `timestamp`; this is the one place that turns those into rows or Slack's errors, in Slack's
order of checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.conversations.interface import Access, access_conversation
from parley.features.messages import store as message_store
from parley.features.messages.models import Message
from parley.platform.auth.principal import Principal
from parley.platform.errors import ApiError
from parley.platform.spaces import Conversation


@dataclass(frozen=True)
class MessageAccess:
    access: Access
    message: Message

    @property
    def conversation(self) -> Conversation:
        return self.access.conversation


async def access_message(
    session: AsyncSession,
    principal: Principal,
    channel: str | None,
    timestamp: str | None,
    *,
    for_update: bool = False,
    missing_channel_error: str = "no_item_specified",
) -> MessageAccess:
    """The live message `timestamp` in `channel`, if the caller may see the conversation.

    Errors: `missing_channel_error` / `no_item_specified` when an argument is absent,
    `channel_not_found` for a conversation the caller cannot see (other workspaces' too),
    `bad_timestamp` for something that is not a ts, `message_not_found` otherwise.
    """
    if not channel:
        raise ApiError(missing_channel_error)
    if not timestamp:
        raise ApiError("no_item_specified")
    access = await access_conversation(session, principal, channel)
    if message_store.safe_ts(timestamp) is None:
        raise ApiError("bad_timestamp")
    lookup = message_store.get_message_for_update if for_update else message_store.get_message
    message = await lookup(session, access.conversation.id, timestamp)
    if message is None or message.is_deleted:
        raise ApiError("message_not_found")
    return MessageAccess(access, message)
