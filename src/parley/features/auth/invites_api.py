"""admin.invites.*: invite links and email invitations (expiring, single use)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import Field

from parley.features.auth import actions
from parley.features.auth.models import Invitation
from parley.features.auth.wire import InviteCreateResponse
from parley.platform.clock import as_utc
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params, SlackInt
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method


def invitation_object(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "email": invitation.email,
        "role": invitation.role,
        "invited_by": invitation.invited_by,
        "date_created": int(as_utc(invitation.created).timestamp()),
        "date_expire": int(as_utc(invitation.expires_at).timestamp()),
        "is_used": invitation.accepted_at is not None,
        "is_revoked": invitation.revoked_at is not None,
    }


class InviteParams(Params):
    email: str | None = Field(default=None, max_length=255)
    role: str = Field(default="member", max_length=16)
    expires_in_days: SlackInt = Field(default=14, ge=1, le=90)


@api_method(
    "admin.invites.create",
    params=InviteParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("not_an_admin", "invalid_email", "already_in_team", "invalid_role"),
    response=InviteCreateResponse,
)
async def admin_invites_create(call: Call, params: InviteParams) -> dict[str, Any]:
    """Creates an invite link (optionally bound to one email address); the code is shown once."""
    async with call.services.db.write() as uow:
        new = await actions.check_create_invitation(
            uow,
            call.principal,
            email=params.email,
            role=params.role,
            lifetime=timedelta(days=params.expires_in_days),
            origin=call.origin,
        )
    url = f"{call.services.settings.base_url}/invite/{new.code}"
    return {"invite": invitation_object(new.invitation), "code": new.code, "url": url}


@api_method(
    "admin.invites.list",
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("not_an_admin",),
)
async def admin_invites_list(call: Call, params: Params) -> dict[str, Any]:
    """Lists the workspace's invitations, newest first."""
    async with call.services.db.read() as session:
        rows = await actions.access_invitations(session, call.principal)
    return {"invites": [invitation_object(i) for i in rows]}


class RevokeInviteParams(Params):
    invite_id: str = Field(max_length=32)


@api_method(
    "admin.invites.revoke",
    params=RevokeInviteParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    missing_errors={"invite_id": "invite_not_found"},
    errors=("not_an_admin", "invite_not_found"),
)
async def admin_invites_revoke(call: Call, params: RevokeInviteParams) -> dict[str, Any]:
    """Revokes an unused invitation."""
    async with call.services.db.write() as uow:
        await actions.do_revoke_invitation(uow, call.principal, params.invite_id, call.origin)
    return {}
