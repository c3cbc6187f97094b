"""Pin and saved-item (star) queries. No commits, no events."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.messages.models import Message
from parley.features.pins.models import Pin, SavedItem
from parley.platform.spaces import Conversation
from parley.platform.visibility import Reader, conversation_readable


async def pins_for_messages(session: AsyncSession, message_ids: list[int]) -> dict[int, list[str]]:
    """The conversation ids each message is pinned in (Slack's `pinned_to`), in one query."""
    if not message_ids:
        return {}
    rows = await session.execute(
        select(Pin.message_id, Pin.conversation_id)
        .where(Pin.message_id.in_(list(message_ids)))
        .order_by(Pin.message_id, Pin.created, Pin.conversation_id)
    )
    pinned: dict[int, list[str]] = {}
    for message_id, conversation_id in rows:
        pinned.setdefault(message_id, []).append(conversation_id)
    return pinned


async def get_pin(session: AsyncSession, conversation_id: str, message_id: int) -> Pin | None:
    return await session.get(Pin, (conversation_id, message_id))


async def list_pins(session: AsyncSession, conversation_id: str) -> Sequence[Pin]:
    """A conversation's pins, newest first (Slack's pins.list order)."""
    rows = await session.execute(
        select(Pin)
        .join(Message, Message.id == Pin.message_id)
        .where(Pin.conversation_id == conversation_id, Message.is_deleted.is_(False))
        .order_by(Pin.created.desc(), Pin.message_id.desc())
    )
    return rows.scalars().all()


async def count_pins(session: AsyncSession, conversation_id: str) -> int:
    return int(
        (
            await session.execute(
                select(func.count()).select_from(Pin).where(Pin.conversation_id == conversation_id)
            )
        ).scalar_one()
    )


async def get_saved(session: AsyncSession, user_id: str, message_id: int) -> SavedItem | None:
    return await session.get(SavedItem, (user_id, message_id))


def _saved_items(workspace_id: str, user_id: str, is_guest: bool) -> Select[SavedItem]:
    """The user's saved messages that still exist in conversations they may still see."""
    return (
        select(SavedItem)
        .join(Message, Message.id == SavedItem.message_id)
        .join(Conversation, Conversation.id == SavedItem.conversation_id)
        .where(
            SavedItem.workspace_id == workspace_id,
            SavedItem.user_id == user_id,
            Message.is_deleted.is_(False),
            conversation_readable(Reader(user_id, is_guest)),
        )
    )


async def list_saved(
    session: AsyncSession,
    workspace_id: str,
    user_id: str,
    *,
    is_guest: bool,
    offset: int,
    limit: int,
) -> Sequence[SavedItem]:
    """Saved items, newest first."""
    query = _saved_items(workspace_id, user_id, is_guest)
    rows = await session.execute(
        query.order_by(SavedItem.created.desc(), SavedItem.message_id.desc())
        .offset(offset)
        .limit(limit)
    )
    return rows.scalars().all()


async def count_saved(
    session: AsyncSession, workspace_id: str, user_id: str, *, is_guest: bool
) -> int:
    query = _saved_items(workspace_id, user_id, is_guest).subquery()
    return int((await session.execute(select(func.count()).select_from(query))).scalar_one())
