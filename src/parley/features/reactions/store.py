"""Reaction queries. No commits, no events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.messages.models import Message
from parley.features.reactions.models import Reaction
from parley.platform.spaces import Conversation
from parley.platform.visibility import Reader, conversation_readable


async def reactions_for_messages(
    session: AsyncSession, message_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    """Slack's `reactions` array for each message that has any, in one query.

    Names come in order of first use on the message, users in the order they reacted.
    """
    if not message_ids:
        return {}
    rows = await session.execute(
        select(Reaction.message_id, Reaction.name, Reaction.user_id)
        .where(Reaction.message_id.in_(list(message_ids)))
        .order_by(Reaction.message_id, Reaction.position, Reaction.created, Reaction.user_id)
    )
    grouped: dict[int, dict[str, list[str]]] = {}
    for message_id, name, user_id in rows:
        grouped.setdefault(message_id, {}).setdefault(name, []).append(user_id)
    return {
        message_id: [
            {"name": name, "users": users, "count": len(users)} for name, users in names.items()
        ]
        for message_id, names in grouped.items()
    }


async def get_reaction(
    session: AsyncSession, message_id: int, user_id: str, name: str
) -> Reaction | None:
    return await session.get(Reaction, (message_id, user_id, name))


async def name_positions(session: AsyncSession, message_id: int) -> dict[str, int]:
    """The distinct reaction names on a message and the position of each."""
    rows = await session.execute(
        select(Reaction.name, func.min(Reaction.position))
        .where(Reaction.message_id == message_id)
        .group_by(Reaction.name)
    )
    return {name: position for name, position in rows}


async def count_user_reactions(session: AsyncSession, message_id: int, user_id: str) -> int:
    """How many distinct names `user_id` has put on this message."""
    return (
        await session.execute(
            select(func.count())
            .select_from(Reaction)
            .where(Reaction.message_id == message_id, Reaction.user_id == user_id)
        )
    ).scalar_one()


def _user_reactions(
    workspace_id: str, user_id: str, viewer_id: str, viewer_is_guest: bool
) -> Select[int, str, str]:
    return (
        select(Reaction.message_id, Reaction.name, Reaction.conversation_id)
        .join(Message, Message.id == Reaction.message_id)
        .join(Conversation, Conversation.id == Reaction.conversation_id)
        .where(
            Reaction.workspace_id == workspace_id,
            Reaction.user_id == user_id,
            Message.is_deleted.is_(False),
            conversation_readable(Reader(viewer_id, viewer_is_guest)),
        )
    )


async def list_user_reactions(
    session: AsyncSession,
    workspace_id: str,
    user_id: str,
    *,
    viewer_id: str,
    viewer_is_guest: bool,
    offset: int,
    limit: int,
) -> list[tuple[int, str, str]]:
    """(message_id, name, conversation_id) of `user_id`'s reactions, newest first, limited to
    conversations the viewer may see; one row per reaction, as Slack lists them."""
    query = _user_reactions(workspace_id, user_id, viewer_id, viewer_is_guest)
    rows = await session.execute(
        query.order_by(Reaction.created.desc(), Reaction.message_id.desc(), Reaction.name)
        .offset(offset)
        .limit(limit)
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def count_visible_user_reactions(
    session: AsyncSession, workspace_id: str, user_id: str, *, viewer_id: str, viewer_is_guest: bool
) -> int:
    query = _user_reactions(workspace_id, user_id, viewer_id, viewer_is_guest).subquery()
    return int((await session.execute(select(func.count()).select_from(query))).scalar_one())
