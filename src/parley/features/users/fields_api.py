"""team.profile.get and Parley's admin.teams.profile.* methods (custom profile fields)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.users import fields_actions
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import JsonObject, Params
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method


class TeamProfileGetParams(Params):
    visibility: str = Field(default="all", max_length=16)


@api_method(
    "team.profile.get",
    params=TeamProfileGetParams,
    scopes=("users.profile:read",),
    tier=Tier.T3,
    errors=("invalid_visibility",),
)
async def team_profile_get(call: Call, params: TeamProfileGetParams) -> dict[str, Any]:
    """Gets the workspace's custom profile field definitions."""
    async with call.services.db.read() as session:
        fields = await fields_actions.access_fields(session, call.principal, params.visibility)
    return {"profile": {"fields": fields, "sections": []}}


class SetFieldParams(Params):
    field: JsonObject = None


@api_method(
    "admin.teams.profile.setField",
    params=SetFieldParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    missing_errors={"field": "invalid_profile"},
    errors=("not_an_admin", "field_not_found", "too_many_fields", "invalid_profile"),
)
async def admin_teams_profile_set_field(call: Call, params: SetFieldParams) -> dict[str, Any]:
    """Adds a custom profile field (no `id` in `field`) or changes one (admins)."""
    async with call.services.db.write() as uow:
        field = await fields_actions.check_set_field(uow, call.principal, dict(params.field or {}))
        body = fields_actions.field_object(field)
    return {"field": body}


class RemoveFieldParams(Params):
    id: str = Field(max_length=32)


@api_method(
    "admin.teams.profile.removeField",
    params=RemoveFieldParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    missing_errors={"id": "field_not_found"},
    errors=("not_an_admin", "field_not_found"),
)
async def admin_teams_profile_remove_field(call: Call, params: RemoveFieldParams) -> dict[str, Any]:
    """Removes a custom profile field and every member's value of it (admins)."""
    async with call.services.db.write() as uow:
        await fields_actions.check_remove_field(uow, call.principal, params.id)
    return {}
