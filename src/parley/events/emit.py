"""emit(): append an event to the outbox inside the caller's transaction.

Only actions call this. The row is written in the same transaction as the change it
describes, with the workspace's next sequence number; publishing to the bus happens after
commit (see `Database.write`), and a relay re-publishes rows a crash left unpublished.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, update

from parley.core.clock import utc_now
from parley.core.db import UnitOfWork
from parley.events.models import EventLog
from parley.workspaces.models import Workspace

Audience = dict[str, Any]


def workspace_audience() -> Audience:
    return {"kind": "workspace"}


def users_audience(user_ids: list[str]) -> Audience:
    return {"kind": "users", "ids": sorted(set(user_ids))}


def conversation_audience(conversation_id: str) -> Audience:
    return {"kind": "conversation", "id": conversation_id}


def control_audience() -> Audience:
    """For the nodes only: never sent to a socket, an app, or a resuming client."""
    return {"kind": "control"}


async def next_event_seq(uow: UnitOfWork, workspace_id: str) -> int:
    """Take the workspace's next sequence number; the row lock orders concurrent writers."""
    result = await uow.session.execute(
        update(Workspace)
        .where(Workspace.id == workspace_id)
        .values(event_seq=Workspace.event_seq + 1)
        .returning(Workspace.event_seq)
    )
    return int(result.scalar_one())


async def emit(
    uow: UnitOfWork, workspace_id: str, payload: dict[str, Any], audience: Audience
) -> int:
    """Record `payload` (a Slack-shaped event with a `type`) for `audience`; returns its seq."""
    seq = await next_event_seq(uow, workspace_id)
    row = {
        "workspace_id": workspace_id,
        "seq": seq,
        "type": str(payload["type"]),
        "payload": payload,
        "audience": audience,
        "created": utc_now(),
        "published": False,
    }
    await uow.session.execute(insert(EventLog).values(**row))
    uow.emitted.append(row)
    return seq


async def emit_credentials_revoked(
    uow: UnitOfWork,
    workspace_id: str,
    *,
    token_ids: list[int] | None = None,
    session_ids: list[int] | None = None,
    reason: str = "token_revoked",
) -> int:
    """Tell every node to close the sockets opened with these credentials (after commit)."""
    payload = {
        "type": "credentials_revoked",
        "token_ids": sorted(token_ids or []),
        "session_ids": sorted(session_ids or []),
        "reason": reason,
    }
    return await emit(uow, workspace_id, payload, control_audience())
