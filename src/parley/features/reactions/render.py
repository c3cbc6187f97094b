"""Message objects with their `reactions` and `pinned_to`, for items lists (two queries)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.messages.models import Message
from parley.features.messages.schemas import message_object
from parley.features.pins.store import pins_for_messages
from parley.features.reactions.store import reactions_for_messages


async def message_objects(
    session: AsyncSession, messages: Sequence[Message], *, viewer: str | None
) -> dict[int, dict[str, Any]]:
    """Slack message objects keyed by message id."""
    ids = [message.id for message in messages]
    reactions = await reactions_for_messages(session, ids)
    pins = await pins_for_messages(session, ids)
    return {
        message.id: message_object(
            message,
            reactions=reactions.get(message.id),
            pinned_to=pins.get(message.id),
            viewer=viewer,
        )
        for message in messages
    }
