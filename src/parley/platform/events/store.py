"""Event log queries: the resume window, gap fills, the relay's backlog. No commits, no events."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.platform.events.models import EventLog
from parley.platform.tenancy import Workspace

# What travels on the bus and through fan-out: the outbox row without bookkeeping columns.
Row = dict[str, Any]


def as_row(event: EventLog) -> Row:
    return {
        "workspace_id": event.workspace_id,
        "seq": event.seq,
        "type": event.type,
        "payload": event.payload,
        "audience": event.audience,
    }


def as_logged_row(event: EventLog) -> Row:
    """`as_row` and when it was logged: for log consumers (the bus row stays JSON-plain)."""
    return {**as_row(event), "created": event.created}


async def latest_seq(session: AsyncSession, workspace_id: str) -> int | None:
    """The highest committed sequence number of the workspace (None if it does not exist).

    Numbers are taken under the workspace row lock and commit in order, so every event up to
    this one is committed and readable.
    """
    result = await session.execute(select(Workspace.event_seq).where(Workspace.id == workspace_id))
    value = result.scalar_one_or_none()
    return None if value is None else int(value)


async def oldest_retained_seq(session: AsyncSession, workspace_id: str) -> int | None:
    result = await session.execute(
        select(func.min(EventLog.seq)).where(EventLog.workspace_id == workspace_id)
    )
    value = result.scalar_one_or_none()
    return None if value is None else int(value)


async def events_between(
    session: AsyncSession,
    workspace_id: str,
    after: int,
    upto: int | None = None,
    limit: int = 0,
    *,
    with_created: bool = False,
) -> list[Row]:
    """Events with `after < seq <= upto`, oldest first (`with_created`: and their time)."""
    query = select(EventLog).where(EventLog.workspace_id == workspace_id, EventLog.seq > after)
    if upto is not None:
        query = query.where(EventLog.seq <= upto)
    query = query.order_by(EventLog.seq)
    if limit:
        query = query.limit(limit)
    shape = as_logged_row if with_created else as_row
    return [shape(event) for event in (await session.execute(query)).scalars()]


async def unpublished_events(session: AsyncSession, before: datetime, limit: int) -> list[Row]:
    """Rows a crash (or a bus outage) left unpublished, oldest first per workspace."""
    query = (
        select(EventLog)
        .where(EventLog.published.is_(False), EventLog.created < before)
        .order_by(EventLog.workspace_id, EventLog.seq)
        .limit(limit)
    )
    return [as_row(event) for event in (await session.execute(query)).scalars()]


async def mark_published(session: AsyncSession, workspace_id: str, seqs: Iterable[int]) -> None:
    await session.execute(
        update(EventLog)
        .where(EventLog.workspace_id == workspace_id, EventLog.seq.in_(list(seqs)))
        .values(published=True)
    )


async def prune_published_before(session: AsyncSession, before: datetime) -> int:
    """Forget published events older than the retention window; returns how many."""
    result = await session.execute(
        delete(EventLog).where(EventLog.published.is_(True), EventLog.created < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def latest_seqs(session: AsyncSession, workspace_ids: list[str]) -> dict[str, int]:
    """`latest_seq` for several workspaces in one query."""
    result = await session.execute(
        select(Workspace.id, Workspace.event_seq).where(Workspace.id.in_(workspace_ids))
    )
    return {workspace_id: int(seq) for workspace_id, seq in result.all()}
