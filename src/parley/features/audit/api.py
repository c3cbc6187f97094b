"""admin.audit: reading the audit log (owners only). team.accessLogs, which names the
members who signed in, is the users feature's (`users/access_logs_api.py`): the audit
log knows no feature, so every feature can record into it."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.audit import actions
from parley.features.audit.models import AuditEntry
from parley.platform.webapi.context import Call
from parley.platform.webapi.pagination import clamp_limit, page_metadata
from parley.platform.webapi.params import Params, SlackInt
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method


def entry_object(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "date_create": entry.date_create,
        "action": entry.action,
        "actor": {"type": "user", "user": {"id": entry.actor_id}}
        if entry.actor_id
        else {"type": "system"},
        "entity": {"type": entry.entity_type, "id": entry.entity_id},
        "details": entry.details,
        "context": {"ip_address": entry.ip_address, "ua": entry.user_agent},
    }


class AuditParams(Params):
    limit: SlackInt = Field(default=0, ge=0)
    cursor: str | None = None
    action: str | None = Field(default=None, max_length=64)
    actor: str | None = Field(default=None, max_length=32)


@api_method(
    "admin.audit",
    params=AuditParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("not_an_owner",),
)
async def admin_audit(call: Call, params: AuditParams) -> dict[str, Any]:
    """Reads the audit log (owners only): role changes, deactivations, tokens, sign-ins…
    There is no method that changes or deletes an entry."""
    limit = clamp_limit(params.limit, default=100, maximum=1000)
    async with call.services.db.read() as session:
        rows = await actions.access_audit_entries(
            session,
            call.principal,
            params.cursor,
            limit=limit,
            action=params.action,
            actor_id=params.actor,
        )
    page, more = rows[:limit], len(rows) > limit
    return {
        "entries": [entry_object(e) for e in page],
        "response_metadata": page_metadata(str(page[-1].id) if more else None),
    }
