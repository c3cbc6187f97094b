"""User group queries, each scoped by workspace. No commits, no events."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.usergroups.models import UserGroup, UserGroupMember


async def get_group(
    session: AsyncSession, workspace_id: str, group_id: str, *, for_update: bool = False
) -> UserGroup | None:
    query = select(UserGroup).where(
        UserGroup.workspace_id == workspace_id, UserGroup.id == group_id
    )
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def list_groups(
    session: AsyncSession, workspace_id: str, *, include_disabled: bool
) -> Sequence[UserGroup]:
    """The workspace's groups by name (enabled ones only unless `include_disabled`)."""
    query = select(UserGroup).where(UserGroup.workspace_id == workspace_id)
    if not include_disabled:
        query = query.where(UserGroup.date_delete == 0)
    return (await session.execute(query.order_by(UserGroup.name, UserGroup.id))).scalars().all()


async def group_named(
    session: AsyncSession, workspace_id: str, *, name: str | None = None, handle: str | None = None
) -> UserGroup | None:
    """The workspace's group with this name (case-insensitive) or handle, enabled or not."""
    query = select(UserGroup).where(UserGroup.workspace_id == workspace_id)
    if name is not None:
        query = query.where(func.lower(UserGroup.name) == name.lower())
    if handle is not None:
        query = query.where(UserGroup.handle == handle)
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def member_ids(session: AsyncSession, group_id: str) -> list[str]:
    rows = await session.execute(
        select(UserGroupMember.user_id)
        .where(UserGroupMember.usergroup_id == group_id)
        .order_by(UserGroupMember.user_id)
    )
    return list(rows.scalars().all())


async def members_by_group(
    session: AsyncSession, workspace_id: str, group_ids: list[str]
) -> dict[str, list[str]]:
    """`group id -> member ids` for these groups of the workspace (one query)."""
    if not group_ids:
        return {}
    rows = await session.execute(
        select(UserGroupMember.usergroup_id, UserGroupMember.user_id)
        .where(
            UserGroupMember.workspace_id == workspace_id,
            UserGroupMember.usergroup_id.in_(group_ids),
        )
        .order_by(UserGroupMember.usergroup_id, UserGroupMember.user_id)
    )
    members: dict[str, list[str]] = defaultdict(list)
    for group_id, user_id in rows:
        members[group_id].append(user_id)
    return dict(members)


async def member_counts(
    session: AsyncSession, workspace_id: str, group_ids: list[str]
) -> dict[str, int]:
    if not group_ids:
        return {}
    rows = await session.execute(
        select(UserGroupMember.usergroup_id, func.count())
        .where(
            UserGroupMember.workspace_id == workspace_id,
            UserGroupMember.usergroup_id.in_(group_ids),
        )
        .group_by(UserGroupMember.usergroup_id)
    )
    return {group_id: int(count) for group_id, count in rows}


async def add_members(session: AsyncSession, group: UserGroup, user_ids: list[str]) -> None:
    if user_ids:
        await session.execute(
            insert(UserGroupMember),
            [
                {"usergroup_id": group.id, "user_id": user_id, "workspace_id": group.workspace_id}
                for user_id in user_ids
            ],
        )


async def remove_members(session: AsyncSession, group: UserGroup, user_ids: list[str]) -> None:
    if user_ids:
        await session.execute(
            delete(UserGroupMember).where(
                UserGroupMember.usergroup_id == group.id, UserGroupMember.user_id.in_(user_ids)
            )
        )


async def enabled_members(
    session: AsyncSession, workspace_id: str, group_ids: list[str]
) -> list[str]:
    """Everyone in the workspace's enabled groups among `group_ids` (a mention's audience)."""
    if not group_ids:
        return []
    rows = await session.execute(
        select(UserGroupMember.user_id)
        .join(UserGroup, UserGroup.id == UserGroupMember.usergroup_id)
        .where(
            UserGroup.workspace_id == workspace_id,
            UserGroup.id.in_(group_ids),
            UserGroup.date_delete == 0,
        )
        .distinct()
        .order_by(UserGroupMember.user_id)
    )
    return list(rows.scalars().all())


async def handles_of(
    session: AsyncSession, workspace_id: str, group_ids: list[str]
) -> dict[str, str]:
    if not group_ids:
        return {}
    rows = await session.execute(
        select(UserGroup.id, UserGroup.handle).where(
            UserGroup.workspace_id == workspace_id, UserGroup.id.in_(group_ids)
        )
    )
    return {group_id: handle for group_id, handle in rows}


async def ids_by_handle(
    session: AsyncSession, workspace_id: str, handles: list[str]
) -> dict[str, str]:
    """`handle -> id` of the workspace's enabled groups with these handles."""
    if not handles:
        return {}
    rows = await session.execute(
        select(UserGroup.handle, UserGroup.id).where(
            UserGroup.workspace_id == workspace_id,
            UserGroup.handle.in_(handles),
            UserGroup.date_delete == 0,
        )
    )
    return {handle: group_id for handle, group_id in rows}
