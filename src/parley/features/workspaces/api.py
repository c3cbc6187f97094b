"""team.* methods."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.workspaces import store
from parley.features.workspaces.schemas import team_object
from parley.features.workspaces.wire import TeamInfoResponse
from parley.platform.errors import ApiError
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params
from parley.platform.webapi.registry import Tier, api_method


class TeamInfoParams(Params):
    team: str | None = Field(default=None, max_length=32)
    domain: str | None = Field(default=None, max_length=64)


@api_method(
    "team.info",
    params=TeamInfoParams,
    scopes=("team:read",),
    tier=Tier.T3,
    errors=("team_not_found",),
    response=TeamInfoResponse,
)
async def team_info(call: Call, params: TeamInfoParams) -> dict[str, Any]:
    """Gets information about the caller's workspace (other workspaces are not visible)."""
    workspace_id = call.principal.workspace_id
    if params.team and params.team != workspace_id:
        raise ApiError("team_not_found")
    async with call.services.db.read() as session:
        workspace = await store.get_workspace(session, workspace_id)
    if workspace is None or (params.domain and params.domain != workspace.domain):
        raise ApiError("team_not_found")
    return {"team": team_object(workspace, call.services.settings.base_url)}
