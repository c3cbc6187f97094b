"""SCIM queries, each scoped by workspace: members and groups with their provider names."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, false, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.scim.filters import Column
from parley.features.scim.models import ScimGroup, ScimUser
from parley.features.usergroups.models import UserGroup, UserGroupMember
from parley.features.users.models import User

# What a member's SCIM attributes are stored as, for filters.
USER_COLUMNS: dict[str, Column] = {
    "id": Column(User.id, "exact"),
    "username": Column(func.coalesce(ScimUser.user_name, User.email, User.name)),
    "externalid": Column(ScimUser.external_id, "exact"),
    "displayname": Column(User.display_name),
    "title": Column(User.title),
    "timezone": Column(User.tz),
    "name.formatted": Column(User.real_name),
    "name.givenname": Column(User.first_name),
    "name.familyname": Column(User.last_name),
    "emails": Column(User.email),
    "emails.value": Column(User.email),
    "emails.type": Column(literal("work")),
    "phonenumbers": Column(User.phone),
    "phonenumbers.value": Column(User.phone),
    "active": Column(User.deleted == false(), "bool"),
    "meta.lastmodified": Column(User.updated, "time"),
}

GROUP_COLUMNS: dict[str, Column] = {
    "id": Column(UserGroup.id, "exact"),
    "displayname": Column(UserGroup.name),
    "externalid": Column(ScimGroup.external_id, "exact"),
    "meta.lastmodified": Column(UserGroup.date_update, "time"),
    "members": Column(UserGroupMember.user_id, "exact"),
    "members.value": Column(UserGroupMember.user_id, "exact"),
}


def _users(workspace_id: str) -> Select[User, ScimUser]:
    """People of the workspace (not bots) that SCIM has not deleted."""
    return (
        select(User, ScimUser)
        .outerjoin(ScimUser, ScimUser.user_id == User.id)
        .where(
            User.workspace_id == workspace_id,
            User.is_bot == false(),
            or_(ScimUser.removed.is_(None), ScimUser.removed == false()),
        )
    )


async def get_user(
    session: AsyncSession, workspace_id: str, user_id: str
) -> tuple[User, ScimUser | None] | None:
    row = (await session.execute(_users(workspace_id).where(User.id == user_id))).first()
    return None if row is None else (row[0], row[1])


async def count_users(
    session: AsyncSession, workspace_id: str, condition: ColumnElement[bool] | None
) -> int:
    query = _users(workspace_id).with_only_columns(func.count(User.id))
    if condition is not None:
        query = query.where(condition)
    return int((await session.execute(query)).scalar_one())


async def list_users(
    session: AsyncSession,
    workspace_id: str,
    condition: ColumnElement[bool] | None,
    *,
    offset: int,
    limit: int,
) -> list[tuple[User, ScimUser | None]]:
    query = _users(workspace_id)
    if condition is not None:
        query = query.where(condition)
    rows = await session.execute(query.order_by(User.id).offset(offset).limit(limit))
    return [(user, link) for user, link in rows.all()]


async def user_name_taken(
    session: AsyncSession, workspace_id: str, user_name: str, *, other_than: str | None
) -> bool:
    query = select(ScimUser.user_id).where(
        ScimUser.workspace_id == workspace_id, ScimUser.user_name_key == user_name.lower()
    )
    if other_than is not None:
        query = query.where(ScimUser.user_id != other_than)
    return (await session.execute(query.limit(1))).first() is not None


async def groups_of(
    session: AsyncSession, workspace_id: str, user_ids: Sequence[str]
) -> dict[str, list[UserGroup]]:
    """The enabled groups each of `user_ids` is in (a member's read-only `groups`)."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(UserGroupMember.user_id, UserGroup)
        .join(UserGroup, UserGroup.id == UserGroupMember.usergroup_id)
        .where(
            UserGroupMember.workspace_id == workspace_id,
            UserGroupMember.user_id.in_(list(user_ids)),
            UserGroup.date_delete == 0,
        )
        .order_by(UserGroup.name)
    )
    found: dict[str, list[UserGroup]] = defaultdict(list)
    for user_id, group in rows.all():
        found[user_id].append(group)
    return dict(found)


def _groups(workspace_id: str) -> Select[UserGroup, ScimGroup]:
    """The workspace's enabled groups (a group SCIM deletes is disabled)."""
    return (
        select(UserGroup, ScimGroup)
        .outerjoin(ScimGroup, ScimGroup.usergroup_id == UserGroup.id)
        .where(UserGroup.workspace_id == workspace_id, UserGroup.date_delete == 0)
    )


async def get_group(
    session: AsyncSession, workspace_id: str, group_id: str
) -> tuple[UserGroup, ScimGroup | None] | None:
    row = (await session.execute(_groups(workspace_id).where(UserGroup.id == group_id))).first()
    return None if row is None else (row[0], row[1])


def _group_ids(workspace_id: str, condition: ColumnElement[bool] | None) -> Select[str]:
    """Ids of the groups matching `condition`; a member filter joins the member rows."""
    query = (
        select(UserGroup.id)
        .outerjoin(ScimGroup, ScimGroup.usergroup_id == UserGroup.id)
        .outerjoin(UserGroupMember, UserGroupMember.usergroup_id == UserGroup.id)
        .where(UserGroup.workspace_id == workspace_id, UserGroup.date_delete == 0)
        .distinct()
    )
    return query if condition is None else query.where(condition)


async def count_groups(
    session: AsyncSession, workspace_id: str, condition: ColumnElement[bool] | None
) -> int:
    ids = _group_ids(workspace_id, condition).subquery()
    return int((await session.execute(select(func.count()).select_from(ids))).scalar_one())


async def list_groups(
    session: AsyncSession,
    workspace_id: str,
    condition: ColumnElement[bool] | None,
    *,
    offset: int,
    limit: int,
) -> list[tuple[UserGroup, ScimGroup | None]]:
    ids = _group_ids(workspace_id, condition).subquery()
    rows = await session.execute(
        _groups(workspace_id)
        .where(UserGroup.id.in_(select(ids.c.id)))
        .order_by(UserGroup.id)
        .offset(offset)
        .limit(limit)
    )
    return [(group, link) for group, link in rows.all()]


async def people_ids(session: AsyncSession, workspace_id: str, user_ids: Sequence[str]) -> set[str]:
    """Which of `user_ids` are people of the workspace that SCIM has not deleted."""
    if not user_ids:
        return set()
    rows = await session.execute(
        _users(workspace_id).with_only_columns(User.id).where(User.id.in_(list(user_ids)))
    )
    return set(rows.scalars().all())
