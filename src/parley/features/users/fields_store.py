"""Custom profile field queries (definitions and members' values); scoped by workspace."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.users.models import ProfileField, ProfileFieldValue

MAX_FIELDS = 50  # Slack's limit on custom profile fields per workspace


async def list_fields(session: AsyncSession, workspace_id: str) -> Sequence[ProfileField]:
    """The workspace's fields in display order."""
    rows = await session.execute(
        select(ProfileField)
        .where(ProfileField.workspace_id == workspace_id)
        .order_by(ProfileField.ordering, ProfileField.id)
    )
    return rows.scalars().all()


async def get_field(session: AsyncSession, workspace_id: str, field_id: str) -> ProfileField | None:
    return (
        await session.execute(
            select(ProfileField).where(
                ProfileField.workspace_id == workspace_id, ProfileField.id == field_id
            )
        )
    ).scalar_one_or_none()


async def count_fields(session: AsyncSession, workspace_id: str) -> int:
    found = await session.execute(
        select(func.count()).where(ProfileField.workspace_id == workspace_id)
    )
    return int(found.scalar_one())


async def user_values(
    session: AsyncSession, workspace_id: str, user_id: str
) -> Sequence[ProfileFieldValue]:
    rows = await session.execute(
        select(ProfileFieldValue).where(
            ProfileFieldValue.workspace_id == workspace_id, ProfileFieldValue.user_id == user_id
        )
    )
    return rows.scalars().all()


async def delete_value(
    session: AsyncSession, workspace_id: str, user_id: str, field_id: str
) -> None:
    await session.execute(
        delete(ProfileFieldValue).where(
            ProfileFieldValue.workspace_id == workspace_id,
            ProfileFieldValue.user_id == user_id,
            ProfileFieldValue.field_id == field_id,
        )
    )


async def delete_field(session: AsyncSession, field: ProfileField) -> None:
    """The field and every member's value of it."""
    await session.execute(
        delete(ProfileFieldValue).where(
            ProfileFieldValue.workspace_id == field.workspace_id,
            ProfileFieldValue.field_id == field.id,
        )
    )
    await session.delete(field)
