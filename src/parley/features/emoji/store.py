"""Custom emoji queries, scoped by workspace. No commits, no events."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.emoji.models import CustomEmoji
from parley.features.emoji.standard import is_standard


async def get_custom_emoji(
    session: AsyncSession, workspace_id: str, name: str
) -> CustomEmoji | None:
    return await session.get(CustomEmoji, (workspace_id, name))


async def list_custom_emoji(session: AsyncSession, workspace_id: str) -> Sequence[CustomEmoji]:
    rows = await session.execute(
        select(CustomEmoji)
        .where(CustomEmoji.workspace_id == workspace_id)
        .order_by(CustomEmoji.name)
    )
    return rows.scalars().all()


async def aliases_of(session: AsyncSession, workspace_id: str, name: str) -> Sequence[CustomEmoji]:
    rows = await session.execute(
        select(CustomEmoji).where(
            CustomEmoji.workspace_id == workspace_id, CustomEmoji.alias_for == name
        )
    )
    return rows.scalars().all()


async def emoji_exists(session: AsyncSession, workspace_id: str, name: str) -> bool:
    """Whether `name` is a standard emoji or one of the workspace's custom emoji or aliases."""
    if is_standard(name):
        return True
    return await get_custom_emoji(session, workspace_id, name) is not None
