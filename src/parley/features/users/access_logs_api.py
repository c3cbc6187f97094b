"""team.accessLogs: the workspace's sign-ins, read from the audit log and named by member."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.audit.interface import login_summary
from parley.features.users import store
from parley.platform.errors import ApiError
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method


class AccessLogsParams(Params):
    before: int | None = Field(default=None, ge=0)
    count: int = Field(default=100, ge=1, le=1000)
    page: int = Field(default=1, ge=1, le=100)


@api_method(
    "team.accessLogs",
    params=AccessLogsParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=("not_an_admin",),
)
async def team_access_logs(call: Call, params: AccessLogsParams) -> dict[str, Any]:
    """Gets the workspace's sign-ins: one row per user, address and client, newest first."""
    principal = call.principal
    if not principal.is_admin:
        raise ApiError("not_an_admin")
    async with call.services.db.read() as session:
        rows = await login_summary(
            session,
            principal.workspace_id,
            before=params.before,
            limit=params.count,
            offset=(params.page - 1) * params.count,
        )
        users = {
            u.id: u
            for u in await store.get_users(
                session, principal.workspace_id, [r.actor_id for r in rows if r.actor_id]
            )
        }
    logins = [
        {
            "user_id": row.actor_id,
            "username": users[row.actor_id].name if row.actor_id in users else "",
            "date_first": row.date_first,
            "date_last": row.date_last,
            "count": row.count,
            "ip": row.ip_address,
            "user_agent": row.user_agent,
            "isp": "",
            "country": "",
            "region": "",
        }
        for row in rows
    ]
    return {
        "logins": logins,
        "paging": {
            "count": params.count,
            "total": len(logins),
            "page": params.page,
            "pages": params.page,
        },
    }
