"""Call queries, each scoped by workspace (or by a call already fetched). No commits, no events."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.calls.models import Call, CallParticipant, CallQuality, CallRing


async def get_call(
    session: AsyncSession, workspace_id: str, call_id: str, *, for_update: bool = False
) -> Call | None:
    query = select(Call).where(Call.workspace_id == workspace_id, Call.id == call_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def live_call_in(
    session: AsyncSession, workspace_id: str, conversation_id: str, *, for_update: bool = False
) -> Call | None:
    """The conversation's huddle that is ringing or active (at most one at a time)."""
    query = (
        select(Call)
        .where(
            Call.workspace_id == workspace_id,
            Call.conversation_id == conversation_id,
            Call.kind != "app",
            Call.state != "ended",
        )
        .order_by(Call.date_start.desc())
        .limit(1)
    )
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def live_calls(session: AsyncSession, workspace_id: str) -> Sequence[Call]:
    rows = await session.execute(
        select(Call)
        .where(Call.workspace_id == workspace_id, Call.kind != "app", Call.state != "ended")
        .order_by(Call.date_start, Call.id)
    )
    return rows.scalars().all()


async def get_by_external_id(
    session: AsyncSession, workspace_id: str, app_id: str | None, external_unique_id: str
) -> Call | None:
    rows = await session.execute(
        select(Call).where(
            Call.workspace_id == workspace_id,
            Call.kind == "app",
            Call.created_by_app == app_id,
            Call.external_unique_id == external_unique_id,
        )
    )
    return rows.scalars().first()


async def participants(
    session: AsyncSession, call_id: str, *, present_only: bool = True
) -> Sequence[CallParticipant]:
    """The call's participants in the order they joined (present ones, or every stay)."""
    query = select(CallParticipant).where(CallParticipant.call_id == call_id)
    if present_only:
        query = query.where(CallParticipant.left_at == 0)
    rows = await session.execute(query.order_by(CallParticipant.joined_at, CallParticipant.id))
    return rows.scalars().all()


async def present_participant(
    session: AsyncSession,
    call_id: str,
    *,
    user_id: str | None = None,
    external_id: str | None = None,
) -> CallParticipant | None:
    query = select(CallParticipant).where(
        CallParticipant.call_id == call_id, CallParticipant.left_at == 0
    )
    if user_id is not None:
        query = query.where(CallParticipant.user_id == user_id)
    else:
        query = query.where(CallParticipant.external_id == external_id)
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def present_count(session: AsyncSession, call_id: str) -> int:
    count = await session.scalar(
        select(func.count()).where(CallParticipant.call_id == call_id, CallParticipant.left_at == 0)
    )
    return int(count or 0)


async def rings_of(session: AsyncSession, call_id: str) -> Sequence[CallRing]:
    rows = await session.execute(
        select(CallRing).where(CallRing.call_id == call_id).order_by(CallRing.user_id)
    )
    return rows.scalars().all()


async def get_ring(session: AsyncSession, call_id: str, user_id: str) -> CallRing | None:
    return await session.get(CallRing, (call_id, user_id))


async def due_rings(session: AsyncSession, now: int) -> Sequence[tuple[str, str]]:
    """(workspace, call) of live calls whose ring time is over, across workspaces (a group
    DM call already answered by one callee may still ring the others)."""
    rows = await session.execute(
        select(Call.workspace_id, Call.id).where(
            Call.state != "ended", Call.ring_deadline > 0, Call.ring_deadline <= now
        )
    )
    return [(w, c) for w, c in rows]


async def due_gone(session: AsyncSession, now: int) -> Sequence[tuple[str, str, int]]:
    """(workspace, call, participant) of participants whose grace period is over."""
    rows = await session.execute(
        select(CallParticipant.workspace_id, CallParticipant.call_id, CallParticipant.id).where(
            CallParticipant.left_at == 0,
            CallParticipant.gone_deadline > 0,
            CallParticipant.gone_deadline <= now,
        )
    )
    return [(w, c, p) for w, c, p in rows]


async def present_members(session: AsyncSession) -> Sequence[CallParticipant]:
    """Every member present in a live call (the sweeper checks their sockets)."""
    rows = await session.execute(
        select(CallParticipant).where(
            CallParticipant.left_at == 0, CallParticipant.user_id.is_not(None)
        )
    )
    return rows.scalars().all()


async def calls_on_node(session: AsyncSession, node_id: str) -> Sequence[tuple[str, str]]:
    rows = await session.execute(
        select(Call.workspace_id, Call.id).where(Call.node_id == node_id, Call.state != "ended")
    )
    return [(w, c) for w, c in rows]


async def participant_by_endpoint(
    session: AsyncSession, node_id: str, session_id: int, handle: int
) -> CallParticipant | None:
    """The present participant whose publisher or subscriber is this endpoint."""
    rows = await session.execute(
        select(CallParticipant)
        .join(Call, Call.id == CallParticipant.call_id)
        .where(Call.node_id == node_id, Call.state != "ended", CallParticipant.left_at == 0)
    )
    for row in rows.scalars():
        for endpoint in (row.publisher, row.subscriber):
            if (
                endpoint
                and endpoint.get("session") == session_id
                and endpoint.get("handle") == handle
            ):
                return row
    return None


async def quality_samples(
    session: AsyncSession, call_id: str, user_id: str | None = None
) -> Sequence[CallQuality]:
    query = select(CallQuality).where(CallQuality.call_id == call_id)
    if user_id is not None:
        query = query.where(CallQuality.user_id == user_id)
    rows = await session.execute(query.order_by(CallQuality.at, CallQuality.id))
    return rows.scalars().all()
