"""team.accessLogs: the workspace's sign-ins, read from the audit log and named by member."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.users import actions
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params, SlackInt
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method


class AccessLogsParams(Params):
    before: SlackInt | None = Field(default=None, ge=0)
    count: SlackInt = Field(default=100, ge=1, le=1000)
    page: SlackInt = Field(default=1, ge=1, le=100)


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
    async with call.services.db.read() as session:
        rows, users = await actions.access_logins(
            session,
            call.principal,
            before=params.before,
            limit=params.count,
            offset=(params.page - 1) * params.count,
        )
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
