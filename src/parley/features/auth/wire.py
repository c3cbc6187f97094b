"""Session answers as documented types (permissive: never filters)."""

from __future__ import annotations

from parley.platform.webapi.openapi import Opt, WireModel


class SessionResponse(WireModel):
    """`auth.session`, `auth.signin`, `auth.signup`, `auth.acceptInvite`."""

    user_id: str
    team_id: str
    csrf_token: Opt[str] = None


class InviteObject(WireModel):
    """An invitation as `admin.invites.*` show it to admins."""

    id: str
    email: str | None
    role: str
    invited_by: str
    date_created: int
    date_expire: int
    date_accepted: int | None
    accepted_by: str | None
    is_used: bool
    is_revoked: bool
    state: str  # pending | accepted | revoked | expired


class CreatedInvite(WireModel):
    invite: InviteObject
    code: str
    url: str
    email_sent: bool


class InviteCreateResponse(WireModel):
    """`admin.invites.create` and `admin.invites.resend`: the first (or only) invitation,
    and with `emails`, every one."""

    invite: InviteObject
    code: str
    url: str
    email_sent: bool
    email_configured: bool
    invites: Opt[list[CreatedInvite]] = None


class InvitesListResponse(WireModel):
    invites: list[InviteObject]
    email_configured: bool


class InviteTeam(WireModel):
    id: str
    name: str
    domain: str
    icon: str


class InviteInviter(WireModel):
    name: str


class InviteInfoResponse(WireModel):
    """`auth.inviteInfo`: what the invite page shows before sign-up."""

    team: InviteTeam
    inviter: InviteInviter
    email: str | None
    role: str


class ResetTeam(WireModel):
    id: str
    name: str


class ResetCheckResponse(WireModel):
    team: ResetTeam


class TeamsListResponse(WireModel):
    """`auth.teams.list`: the workspaces a token may act in."""

    teams: list[dict[str, object]]
