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


class TeamPreferencesResponse(WireModel):
    msg_edit_window_mins: int
    allow_message_deletion: bool
    display_real_names: bool
    disable_file_uploads: str
    who_can_post_general: str


class TeamBillingResponse(WireModel):
    plan: str
