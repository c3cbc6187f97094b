"""admin.teams.settings.*: the workspace settings screen (Slack's method names; Slack's
`team_id` is optional here, a Parley credential acting in one workspace)."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from parley.features.workspaces import settings
from parley.platform.ids import looks_like
from parley.platform.services import Services
from parley.platform.webapi.context import Call
from parley.platform.webapi.openapi import WireModel
from parley.platform.webapi.params import CsvList, Params
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method


class TeamSettings(WireModel):
    id: str
    name: str
    domain: str
    email_domain: str
    icon: dict[str, object]
    default_channels: list[str]
    who_can_create_channels: str
    who_can_invite: str


class TeamSettingsResponse(WireModel):
    """`admin.teams.settings.info`: Slack's fields and Parley's two policies."""

    team: TeamSettings


class TeamParams(Params):
    team_id: str | None = Field(default=None, max_length=32)


@api_method(
    "admin.teams.settings.info",
    params=TeamParams,
    tier=Tier.T3,
    errors=("not_an_admin", "team_not_found"),
    scopes=("admin",),
    token_kinds=HUMAN_TOKEN_KINDS,
    response=TeamSettingsResponse,
)
async def admin_teams_settings_info(call: Call, params: TeamParams) -> dict[str, Any]:
    """Fetch information about settings in a workspace."""
    async with call.services.db.read() as session:
        workspace = await settings.access_admin_team(session, call.principal, params.team_id)
    return {"team": settings.settings_object(workspace)}


class SetNameParams(TeamParams):
    name: str = Field(max_length=200)


@api_method(
    "admin.teams.settings.setName",
    params=SetNameParams,
    tier=Tier.T2,
    errors=("not_an_admin", "team_not_found", "invalid_name"),
    scopes=("admin",),
    token_kinds=HUMAN_TOKEN_KINDS,
)
async def admin_teams_settings_set_name(call: Call, params: SetNameParams) -> dict[str, Any]:
    """Set the name of the workspace."""
    async with call.services.db.write() as uow:
        await settings.do_set_name(uow, call.principal, params.team_id, params.name, call.origin)
    return {}


class SetIconParams(TeamParams):
    # An http(s) URL as in Slack, or (Parley) an uploaded image as a data: URL.
    image_url: str = Field(max_length=400_000)


@api_method(
    "admin.teams.settings.setIcon",
    params=SetIconParams,
    tier=Tier.T2,
    errors=("not_an_admin", "team_not_found", "invalid_url", "invalid_image"),
    scopes=("admin",),
    token_kinds=HUMAN_TOKEN_KINDS,
)
async def admin_teams_settings_set_icon(call: Call, params: SetIconParams) -> dict[str, Any]:
    """Sets the icon of the workspace (an image URL, or an uploaded image of ≤ 256 KB)."""
    async with call.services.db.write() as uow:
        await settings.do_set_icon(
            uow,
            call.principal,
            params.team_id,
            params.image_url,
            base_url=call.services.settings.base_url,
            origin=call.origin,
        )
    return {}


class SetDefaultChannelsParams(TeamParams):
    channel_ids: CsvList | None = None  # none: no default channels besides #general


@api_method(
    "admin.teams.settings.setDefaultChannels",
    params=SetDefaultChannelsParams,
    tier=Tier.T2,
    errors=("not_an_admin", "team_not_found", "one_or_more_invalid_channels"),
    scopes=("admin",),
    token_kinds=HUMAN_TOKEN_KINDS,
)
async def admin_teams_settings_set_default_channels(
    call: Call, params: SetDefaultChannelsParams
) -> dict[str, Any]:
    """Set the default channels of the workspace: new members join them."""
    async with call.services.db.write() as uow:
        await settings.do_set_default_channels(
            uow, call.principal, params.team_id, list(params.channel_ids or []), call.origin
        )
    return {}


class SetPermissionsParams(TeamParams):
    who_can_create_channels: str | None = Field(default=None, max_length=16)
    who_can_invite: str | None = Field(default=None, max_length=16)


@api_method(
    "admin.teams.settings.setPermissions",
    params=SetPermissionsParams,
    tier=Tier.T2,
    slack_compatible=False,
    errors=("not_an_admin", "team_not_found", "invalid_value"),
    scopes=("admin",),
    token_kinds=HUMAN_TOKEN_KINDS,
)
async def admin_teams_settings_set_permissions(
    call: Call, params: SetPermissionsParams
) -> dict[str, Any]:
    """Who may create channels and who may invite people: "everyone" or "admins"."""
    async with call.services.db.write() as uow:
        await settings.do_set_policies(
            uow,
            call.principal,
            params.team_id,
            {
                "who_can_create_channels": params.who_can_create_channels,
                "who_can_invite": params.who_can_invite,
            },
            call.origin,
        )
    return {}


async def team_icon(request: Request) -> Response:
    """An uploaded workspace icon. Public like Slack's icon URLs; the hash in the path
    changes with the image, so it is cached for good."""
    team_id = request.path_params["team"]
    digest = request.path_params["digest"]
    if not looks_like(team_id, "T") or len(digest) != 16:
        return Response(status_code=404)
    services: Services = request.app.state.services
    async with services.db.workspace(team_id), services.db.read() as session:
        found = await settings.stored_icon(session, team_id, digest)
    if found is None:
        return Response(status_code=404)
    mimetype, data = found
    headers = {
        "Cache-Control": "public, max-age=31536000, immutable",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(data, media_type=mimetype, headers=headers)


def icon_routes() -> list[BaseRoute]:
    return [Route(settings.ICON_PREFIX + "{team:str}/{digest:str}", team_icon, methods=["GET"])]
