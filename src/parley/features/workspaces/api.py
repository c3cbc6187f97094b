"""team.* methods, and auth.signup (which makes a workspace)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.auth.interface import (
    SessionResponse,
    session_body,
    session_lifetime,
    start_cookies,
)
from parley.features.workspaces import actions
from parley.features.workspaces.schemas import team_object
from parley.features.workspaces.wire import (
    TeamBillingResponse,
    TeamInfoResponse,
    TeamPreferencesResponse,
)
from parley.platform.ids import new_id
from parley.platform.shards import new_workspace_write
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Auth, Tier, api_method


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
    async with call.services.db.read() as session:
        workspace = await actions.access_team(session, call.principal, params.team, params.domain)
    return {"team": team_object(workspace, call.services.settings.base_url)}


class SignUpParams(Params):
    team_name: str = Field(max_length=100)
    domain: str = Field(max_length=64)
    email: str = Field(max_length=255)
    password: str = Field(max_length=256)
    real_name: str = Field(default="", max_length=100)


@api_method(
    "auth.signup",
    params=SignUpParams,
    auth=Auth.NONE,
    tier=Tier.T1,
    slack_compatible=False,
    errors=("domain_taken", "invalid_domain", "invalid_email"),
    response=SessionResponse,
)
async def auth_signup(call: Call, params: SignUpParams) -> dict[str, Any]:
    """Creates a workspace with the caller as its primary owner and signs them in."""
    workspace_id = new_id("T")  # placed on the emptiest shard before it is written
    async with new_workspace_write(call.services.db, workspace_id, params.domain) as uow:
        new = await actions.check_sign_up(
            uow,
            workspace_id=workspace_id,
            name=params.team_name,
            domain=params.domain,
            owner_email=params.email,
            owner_password=params.password,
            owner_name=params.real_name,
            origin=call.origin,
            session_lifetime=session_lifetime(call),
        )
    start_cookies(call, new)
    return session_body(new)


@api_method(
    "team.preferences.list",
    scopes=("team.preferences:read",),
    tier=Tier.T2,
    response=TeamPreferencesResponse,
)
async def team_preferences_list(call: Call, params: Params) -> dict[str, Any]:
    """Lists the workspace's preferences (Slack's defaults until an admin sets them)."""
    async with call.services.db.read() as session:
        workspace = await actions.access_own_team(session, call.principal)
    return actions.team_preferences(workspace)


@api_method(
    "team.billing.info",
    scopes=("team.billing:read",),
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    response=TeamBillingResponse,
)
async def team_billing_info(call: Call, params: Params) -> dict[str, Any]:
    """Reads the workspace's billing plan: "" (free) until plans exist."""
    async with call.services.db.read() as session:
        workspace = await actions.access_own_team(session, call.principal)
    return {"plan": actions.team_plan(workspace)}
