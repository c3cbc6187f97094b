"""Session answers as documented types (permissive: never filters)."""

from __future__ import annotations

from parley.platform.webapi.openapi import Opt, WireModel


class SessionResponse(WireModel):
    """`auth.session`, `auth.signin`, `auth.signup`, `auth.acceptInvite`."""

    user_id: str
    team_id: str
    csrf_token: Opt[str] = None


class InviteCreateResponse(WireModel):
    code: str
    url: str


class TeamsListResponse(WireModel):
    """`auth.teams.list`: the workspaces a token may act in."""

    teams: list[dict[str, object]]
