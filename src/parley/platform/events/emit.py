"""emit(): append an event to the outbox inside the caller's transaction.

Only declared event types (`events/types.py`) for registered audience kinds
(`events/audience.py`) are accepted.

Only actions call this. The row is written in the same transaction as the change it
describes, with the workspace's next sequence number (numbered and inserted together as
the transaction's last step); publishing to the bus happens after commit (see
`Database.write`), and a relay re-publishes rows a crash left unpublished.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update

from parley.platform.clock import utc_now
from parley.platform.db import UnitOfWork, WorkspaceMoved
from parley.platform.events.audience import AUDIENCE_KINDS
from parley.platform.events.models import EventLog
from parley.platform.events.types import EVENT_TYPES
from parley.platform.tenancy import Workspace

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


# Core statements on the tables, built once: the ORM's bulk paths cost more than the SQL.
_WORKSPACES = cast(Table, Workspace.__table__)
_TAKE_SEQS = (
    update(_WORKSPACES)
    .where(_WORKSPACES.c.id == bindparam("target_id"), _WORKSPACES.c.moved_to.is_(None))
    .values(event_seq=_WORKSPACES.c.event_seq + bindparam("count"))
    .returning(_WORKSPACES.c.event_seq)
)
_INSERT_EVENTS = insert(cast(Table, EventLog.__table__))


async def take_event_seqs(uow: UnitOfWork, workspace_id: str, count: int) -> int:
    """Take the workspace's next `count` sequence numbers; returns the first.

    The row lock this takes orders concurrent writers and is held until commit, so it is
    taken as late as possible: by `write_outbox`, just before the commit.
    """
    result = await uow.session.execute(_TAKE_SEQS, {"target_id": workspace_id, "count": count})
    last = result.scalar_one_or_none()
    if last is None:
        # The workspace moved to another shard (the fence, decision 0010): this write,
        # wherever it came from (a worker of the old shard), must not commit here.
        raise WorkspaceMoved(workspace_id, "another shard")
    return int(last) - count + 1


async def write_outbox(uow: UnitOfWork) -> None:
    """Number the transaction's events and insert them: one UPDATE per workspace (in id
    order, so two transactions never wait on each other's workspaces in a cycle) and one
    INSERT for all of them, however many events the transaction emitted."""
    by_workspace: dict[str, list[dict[str, Any]]] = {}
    for row in uow.emitted:
        by_workspace.setdefault(row["workspace_id"], []).append(row)
    for workspace_id in sorted(by_workspace):
        rows = by_workspace[workspace_id]
        first = await take_event_seqs(uow, workspace_id, len(rows))
        for offset, row in enumerate(rows):
            row["seq"] = first + offset
    await uow.session.execute(_INSERT_EVENTS, uow.emitted)


async def emit(
    uow: UnitOfWork, workspace_id: str, payload: dict[str, Any], audience: Audience
) -> dict[str, Any]:
    """Record `payload` (a Slack-shaped event with a `type`) for `audience`.

    Returns the outbox row; its `seq` is set as the transaction's last step (write_outbox).
    Raises before anything is recorded when the type is undeclared or the audience kind
    unregistered: such an event would reach nobody, silently.
    """
    AUDIENCE_KINDS.require(audience)
    EVENT_TYPES.check(payload)
    uow.last_before_commit(write_outbox)
    row: dict[str, Any] = {
        "workspace_id": workspace_id,
        "seq": None,
        "type": str(payload["type"]),
        "payload": payload,
        "audience": audience,
        "created": utc_now(),
        "published": False,
    }
    uow.emitted.append(row)
    return row


async def emit_credentials_revoked(
    uow: UnitOfWork,
    workspace_id: str,
    *,
    token_ids: list[int] | None = None,
    session_ids: list[int] | None = None,
    reason: str = "token_revoked",
) -> dict[str, Any]:
    """Tell every node to close the sockets opened with these credentials (after commit)."""
    payload = {
        "type": "credentials_revoked",
        "token_ids": sorted(token_ids or []),
        "session_ids": sorted(session_ids or []),
        "reason": reason,
    }
    return await emit(uow, workspace_id, payload, control_audience())
