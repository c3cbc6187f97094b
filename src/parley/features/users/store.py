"""User queries; every one is scoped by workspace."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.users.models import User
from parley.features.users.schemas import USER_OBJECT_COLUMNS, bot_profile_object
from parley.platform.tenancy import Workspace


async def get_user(session: AsyncSession, workspace_id: str, user_id: str) -> User | None:
    """The member `user_id` of the workspace (person or bot, active or not), else None."""
    return (
        await session.execute(
            select(User).where(User.workspace_id == workspace_id, User.id == user_id)
        )
    ).scalar_one_or_none()


async def get_user_by_email(session: AsyncSession, workspace_id: str, email: str) -> User | None:
    """The member of the workspace with this email (any case), else None."""
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


async def list_user_versions_page(
    session: AsyncSession, workspace_id: str, *, after_id: str | None, limit: int
) -> Sequence[Row[str, int, str]]:
    """(id, render_version, tz) of users ordered by id, starting after `after_id`; fetches
    one extra row to detect more. users.list renders from these (features/users/rendered)."""
    query = select(User.id, User.render_version, User.tz).where(User.workspace_id == workspace_id)
    if after_id:
        query = query.where(User.id > after_id)
    return (await session.execute(query.order_by(User.id).limit(limit + 1))).all()


_USER_OBJECT_SELECT = [getattr(User, name) for name in (*USER_OBJECT_COLUMNS, "render_version")]


async def get_user_rows(
    session: AsyncSession, workspace_id: str, user_ids: Sequence[str]
) -> Sequence[Row[Any]]:
    """Core rows of USER_OBJECT_COLUMNS and render_version for the workspace's `user_ids`
    (no ORM objects: users.list renders a page of them)."""
    query = select(*_USER_OBJECT_SELECT).where(
        User.workspace_id == workspace_id, User.id.in_(list(user_ids))
    )
    return (await session.execute(query.order_by(User.id))).all()


async def get_users(
    session: AsyncSession, workspace_id: str, user_ids: Sequence[str]
) -> list[User]:
    """The members of the workspace among `user_ids`, in no particular order; unknown ids
    and other workspaces' ids are left out."""
    if not user_ids:
        return []
    rows = await session.execute(
        select(User).where(User.workspace_id == workspace_id, User.id.in_(list(user_ids)))
    )
    return list(rows.scalars().all())


async def get_workspace(session: AsyncSession, workspace_id: str) -> Workspace | None:
    """The member's workspace (users.identity shows it)."""
    return await session.get(Workspace, workspace_id)


async def existing_user_ids(
    session: AsyncSession, workspace_id: str, user_ids: Sequence[str]
) -> list[str]:
    """Which of `user_ids` are users of the workspace (mentions of strangers are ignored)."""
    if not user_ids:
        return []
    rows = await session.execute(
        select(User.id).where(User.workspace_id == workspace_id, User.id.in_(list(user_ids)))
    )
    return sorted(rows.scalars().all())


async def display_names(
    session: AsyncSession, workspace_id: str, user_ids: Sequence[str]
) -> dict[str, str]:
    """`user id -> name to show` (display name, else real name, else handle)."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(User.id, User.display_name, User.real_name, User.name).where(
            User.workspace_id == workspace_id, User.id.in_(list(user_ids))
        )
    )
    return {uid: display or real or handle for uid, display, real, handle in rows}


async def users_by_name(
    session: AsyncSession, workspace_id: str, names: Sequence[str]
) -> dict[str, str]:
    """`handle -> user id` of active members with the given handles (for `link_names`)."""
    if not names:
        return {}
    rows = await session.execute(
        select(User.name, User.id).where(
            User.workspace_id == workspace_id, User.name.in_(list(names)), User.deleted.is_(False)
        )
    )
    return {name: uid for name, uid in rows}


async def get_bot_of_app(session: AsyncSession, workspace_id: str, app_id: str) -> User | None:
    """The app's bot user in a workspace (kept, deactivated, when the app is uninstalled)."""
    rows = await session.execute(
        select(User)
        .where(User.workspace_id == workspace_id, User.app_id == app_id, User.is_bot.is_(True))
        .order_by(User.id)
        .limit(1)
    )
    return rows.scalar_one_or_none()


async def bots_by_bot_id(
    session: AsyncSession, workspace_id: str, bot_ids: Sequence[str]
) -> dict[str, User]:
    """`bot id (B…) -> bot user` of the workspace among `bot_ids`; unknown ids, other
    workspaces' bots and bots without a user (a bare incoming webhook) are left out."""
    if not bot_ids:
        return {}
    rows = await session.execute(
        select(User).where(
            User.workspace_id == workspace_id,
            User.bot_id.in_(list(set(bot_ids))),
            User.is_bot.is_(True),
        )
    )
    return {str(user.bot_id): user for user in rows.scalars().all()}


async def bot_profiles(
    session: AsyncSession, workspace_id: str, bot_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """`bot id -> Slack's bot_profile` for the workspace's bots among `bot_ids` (one query)."""
    bots = await bots_by_bot_id(session, workspace_id, bot_ids)
    return {bot_id: bot_profile_object(user) for bot_id, user in bots.items()}
