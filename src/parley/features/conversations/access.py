"""access_*: fetch a conversation with the caller's right to see or change it.

Visibility itself is `parley.platform.visibility`; this answers every method the same way:
a conversation the caller may not see is `channel_not_found` (never a leak of its name).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.conversations import store
from parley.platform.auth.principal import Principal
from parley.platform.errors import ApiError
from parley.platform.ids import looks_like
from parley.platform.spaces import Conversation, ConversationMember
from parley.platform.visibility import can_read


@dataclass(frozen=True)
class Access:
    conversation: Conversation
    membership: ConversationMember | None

    @property
    def is_member(self) -> bool:
        return self.membership is not None


async def access_conversation(
    session: AsyncSession,
    principal: Principal,
    channel_id: str | None,
    *,
    for_update: bool = False,
) -> Access:
    """The conversation `channel_id` if the caller may see it, else `channel_not_found`."""
    if not channel_id or not looks_like(channel_id, "C", "G", "D"):
        raise ApiError("channel_not_found")
    conversation, membership = await store.get_conversation_and_membership(
        session, principal.workspace_id, channel_id, principal.user_id, for_update=for_update
    )
    if conversation is None:
        raise ApiError("channel_not_found")
    if not can_read(principal, conversation.kind, membership is not None):
        raise ApiError("channel_not_found")
    return Access(conversation, membership)


def require_scope_for(principal: Principal, conversation: Conversation, action: str) -> None:
    """`missing_scope` unless the token holds e.g. `groups:history` for a private channel.

    `action` is read|history|write|manage|join; manage and join also accept `:write`.
    """
    require_kind_scope(principal, conversation.kind, action)


def require_kind_scope(principal: Principal, kind: str, action: str) -> None:
    """`missing_scope` (with needed/provided) unless a scope allows `action` on `kind`."""
    allowed = store.scopes_for_kind(kind, action)
    if not any(principal.has_scope(scope) for scope in allowed):
        raise ApiError(
            "missing_scope", needed=allowed[0], provided=",".join(sorted(principal.scopes))
        )


def require_kind(conversation: Conversation, *kinds: str) -> None:
    """`method_not_supported_for_channel_type` when a method does not apply to this kind."""
    if conversation.kind not in kinds:
        raise ApiError("method_not_supported_for_channel_type")


def can_manage(principal: Principal, conversation: Conversation) -> bool:
    """Admins, the channel's creator, and apps granted a manage scope may archive/rename.

    #general is the workspace's: only admins manage it.
    """
    if principal.is_admin:
        return True
    if conversation.is_general:
        return False
    return principal.is_bot or conversation.creator == principal.user_id


def require_member(access: Access) -> ConversationMember:
    if access.membership is None:
        raise ApiError("not_in_channel")
    return access.membership


def require_not_archived(conversation: Conversation) -> None:
    if conversation.is_archived:
        raise ApiError("is_archived")
