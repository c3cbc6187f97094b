"""Bookmark queries. No commits, no events."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.bookmarks.models import Bookmark


async def get_bookmark(
    session: AsyncSession, conversation_id: str, bookmark_id: str
) -> Bookmark | None:
    return (
        await session.execute(
            select(Bookmark).where(
                Bookmark.conversation_id == conversation_id, Bookmark.id == bookmark_id
            )
        )
    ).scalar_one_or_none()


async def list_bookmarks(session: AsyncSession, conversation_id: str) -> Sequence[Bookmark]:
    """A conversation's bookmarks in display order (rank, then age)."""
    rows = await session.execute(
        select(Bookmark)
        .where(Bookmark.conversation_id == conversation_id)
        .order_by(Bookmark.rank, Bookmark.date_created, Bookmark.id)
    )
    return rows.scalars().all()


async def bookmark_stats(session: AsyncSession, conversation_id: str) -> tuple[int, str | None]:
    """How many bookmarks the conversation has, and the highest rank among them."""
    count, top = (
        await session.execute(
            select(func.count(), func.max(Bookmark.rank)).where(
                Bookmark.conversation_id == conversation_id
            )
        )
    ).one()
    return int(count), top
