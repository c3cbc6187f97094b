"""The team object as a documented type (permissive: never filters)."""

from __future__ import annotations

from parley.platform.webapi.openapi import Opt, WireModel


class Team(WireModel):
    id: str
    name: str
    domain: str
    email_domain: Opt[str] = None
    url: Opt[str] = None


class TeamInfoResponse(WireModel):
    team: Team
