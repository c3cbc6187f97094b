"""record(): append an audit entry inside the caller's transaction.

There is deliberately no update or delete: nothing in Parley changes an entry once written
(entries go only when their workspace is deleted).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.audit import store
from parley.features.audit.models import AuditEntry
from parley.platform.auth.principal import Principal
from parley.platform.clock import unix_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.origin import Origin
from parley.platform.webapi.pagination import decode_cursor


async def record(
    uow: UnitOfWork,
    workspace_id: str,
    action: str,
    *,
    actor_id: str | None,
    entity_type: str,
    entity_id: str,
    origin: Origin,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one audit entry (who did `action` to which entity, from where) in the caller's
    transaction, so the entry commits exactly when the change it records does."""
    await uow.session.execute(
        insert(AuditEntry).values(
            workspace_id=workspace_id,
            date_create=unix_now(),
            action=action,
            actor_id=actor_id,
            entity_type=entity_type,
            entity_id=entity_id,
            details=details or {},
            ip_address=origin.ip_address[:64],
            user_agent=origin.user_agent[:512],
        )
    )


async def access_audit_entries(
    session: AsyncSession,
    principal: Principal,
    cursor: str | None,
    *,
    limit: int,
    action: str | None,
    actor_id: str | None,
) -> Sequence[AuditEntry]:
    """admin.audit: the log names who did what to whom, so owners alone read it
    (`not_an_owner` before the cursor is even read); up to `limit` + 1 entries, newest
    first, before the entry the cursor names."""
    if not principal.is_owner:
        raise ApiError("not_an_owner")
    position = decode_cursor(cursor)
    if position is not None and not position.isdigit():
        raise ApiError("invalid_cursor")
    return await store.list_entries(
        session,
        principal.workspace_id,
        before_id=int(position) if position else None,
        limit=limit,
        action=action,
        actor_id=actor_id,
    )
