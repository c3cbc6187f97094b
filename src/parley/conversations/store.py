"""Conversation queries: lookup, membership, visibility. No commits, no events."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.conversations.models import Conversation, ConversationMember

# Slack scope families per conversation kind: channels:history, groups:read, im:write…
SCOPE_FAMILY = {"channel": "channels", "group": "groups", "im": "im", "mpim": "mpim"}


def scope_for(conversation: Conversation, action: str) -> str:
    """The Slack scope needed to `action` (read|history|write) this kind of conversation."""
    return f"{SCOPE_FAMILY[conversation.kind]}:{action}"


async def get_conversation(
    session: AsyncSession, workspace_id: str, conversation_id: str, *, for_update: bool = False
) -> Conversation | None:
    query = select(Conversation).where(
        Conversation.workspace_id == workspace_id, Conversation.id == conversation_id
    )
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def get_conversation_by_name(
    session: AsyncSession, workspace_id: str, name: str
) -> Conversation | None:
    return (
        await session.execute(
            select(Conversation).where(
                Conversation.workspace_id == workspace_id, Conversation.name == name
            )
        )
    ).scalar_one_or_none()


async def get_membership(
    session: AsyncSession, conversation_id: str, user_id: str
) -> ConversationMember | None:
    return await session.get(ConversationMember, (conversation_id, user_id))


async def member_ids(session: AsyncSession, conversation_id: str) -> list[str]:
    rows = await session.execute(
        select(ConversationMember.user_id)
        .where(ConversationMember.conversation_id == conversation_id)
        .order_by(ConversationMember.user_id)
    )
    return list(rows.scalars().all())


async def conversation_ids_of_user(
    session: AsyncSession, workspace_id: str, user_id: str
) -> Sequence[str]:
    rows = await session.execute(
        select(ConversationMember.conversation_id).where(
            ConversationMember.workspace_id == workspace_id,
            ConversationMember.user_id == user_id,
        )
    )
    return rows.scalars().all()
