"""record(): append an audit entry inside the caller's transaction.

There is deliberately no update or delete: nothing in Parley changes an entry once written
(entries go only when their workspace is deleted).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from parley.features.audit.models import AuditEntry
from parley.platform.clock import unix_now
from parley.platform.db import UnitOfWork
from parley.platform.origin import Origin


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
