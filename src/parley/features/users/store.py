"""User queries; every one is scoped by workspace."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.users.models import User
from parley.platform.tenancy import Workspace


async def get_user(session: AsyncSession, workspace_id: str, user_id: str) -> User | None:
    return (
        await session.execute(
            select(User).where(User.workspace_id == workspace_id, User.id == user_id)
        )
    ).scalar_one_or_none()


async def get_user_by_email(session: AsyncSession, workspace_id: str, email: str) -> User | None:
    return (
        await session.execute(
            select(User).where(
                User.workspace_id == workspace_id, func.lower(User.email) == email.lower()
            )
        )
    ).scalar_one_or_none()


async def name_in_use(session: AsyncSession, workspace_id: str, name: str) -> bool:
    found = await session.execute(
        select(User.id).where(User.workspace_id == workspace_id, User.name == name).limit(1)
    )
    return found.first() is not None


async def list_users_page(
    session: AsyncSession, workspace_id: str, *, after_id: str | None, limit: int
) -> Sequence[User]:
    """Users ordered by id, starting after `after_id`; fetches one extra row to detect more."""
    query = select(User).where(User.workspace_id == workspace_id)
    if after_id:
        query = query.where(User.id > after_id)
    return (await session.execute(query.order_by(User.id).limit(limit + 1))).scalars().all()


async def get_users(
    session: AsyncSession, workspace_id: str, user_ids: Sequence[str]
) -> list[User]:
    if not user_ids:
        return []
    rows = await session.execute(
        select(User).where(User.workspace_id == workspace_id, User.id.in_(list(user_ids)))
    )
    return list(rows.scalars().all())


async def get_workspace(session: AsyncSession, workspace_id: str) -> Workspace | None:
    """The member's workspace (users.identity shows it)."""
    return await session.get(Workspace, workspace_id)
