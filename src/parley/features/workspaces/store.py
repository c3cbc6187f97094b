"""Workspace queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.platform.tenancy import Workspace


async def get_workspace(session: AsyncSession, workspace_id: str) -> Workspace | None:
    return await session.get(Workspace, workspace_id)


async def get_workspace_by_domain(session: AsyncSession, domain: str) -> Workspace | None:
    return (
        await session.execute(select(Workspace).where(Workspace.domain == domain))
    ).scalar_one_or_none()
