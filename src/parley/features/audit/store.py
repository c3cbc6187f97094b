"""Audit log queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.audit.models import AuditEntry

LOGIN_ACTIONS = ("user_login",)


async def list_entries(
    session: AsyncSession,
    workspace_id: str,
    *,
    before_id: int | None,
    limit: int,
    action: str | None,
    actor_id: str | None,
) -> Sequence[AuditEntry]:
    """Newest first; one extra row tells the caller there is another page."""
    query = select(AuditEntry).where(AuditEntry.workspace_id == workspace_id)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    if action:
        query = query.where(AuditEntry.action == action)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    rows = await session.execute(query.order_by(AuditEntry.id.desc()).limit(limit + 1))
    return rows.scalars().all()


LoginRow = Row[str | None, str, str, int, int, int]


async def login_summary(
    session: AsyncSession, workspace_id: str, *, before: int | None, limit: int, offset: int
) -> Sequence[LoginRow]:
    """team.accessLogs: one row per (user, ip, user agent) with first/last date and count."""
    query = (
        select(
            AuditEntry.actor_id,
            AuditEntry.ip_address,
            AuditEntry.user_agent,
            func.min(AuditEntry.date_create).label("date_first"),
            func.max(AuditEntry.date_create).label("date_last"),
            func.count().label("count"),
        )
        .where(AuditEntry.workspace_id == workspace_id, AuditEntry.action.in_(LOGIN_ACTIONS))
        .group_by(AuditEntry.actor_id, AuditEntry.ip_address, AuditEntry.user_agent)
        .order_by(func.max(AuditEntry.date_create).desc(), AuditEntry.actor_id)
    )
    if before is not None:
        query = query.where(AuditEntry.date_create < before)
    return (await session.execute(query.limit(limit).offset(offset))).all()


async def latest_details(
    session: AsyncSession, workspace_id: str, action: str, entity_id: str
) -> dict[str, Any]:
    """The details of the newest `action` entry about `entity_id` ({} when none)."""
    details = await session.scalar(
        select(AuditEntry.details)
        .where(
            AuditEntry.workspace_id == workspace_id,
            AuditEntry.action == action,
            AuditEntry.entity_id == entity_id,
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return dict(details or {})
