"""admin.invites.*: invite links and email invitations (expiring, single use)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import Field
from sqlalchemy import select, update

from parley.features.audit.actions import record
from parley.features.auth import actions
from parley.features.auth.models import Invitation
from parley.features.auth.wire import InviteCreateResponse
from parley.features.users import store as user_store
from parley.platform.clock import as_utc, utc_now
from parley.platform.errors import ApiError
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params
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
    expires_in_days: int = Field(default=14, ge=1, le=90)


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
    principal = call.principal
    if not principal.is_admin:
        raise ApiError("not_an_admin")
    async with call.services.db.write() as uow:
        inviter = await user_store.get_user(uow.session, principal.workspace_id, principal.user_id)
        assert inviter is not None
        new = await actions.do_create_invitation(
            uow,
            inviter,
            email=params.email,
            role=params.role,
            lifetime=timedelta(days=params.expires_in_days),
        )
        await record(
            uow,
            principal.workspace_id,
            "invite_created",
            actor_id=principal.user_id,
            entity_type="invite",
            entity_id=new.invitation.id,
            origin=call.origin,
            details={"email": params.email or "", "role": params.role},
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
    if not call.principal.is_admin:
        raise ApiError("not_an_admin")
    async with call.services.db.read() as session:
        rows = (
            (
                await session.execute(
                    select(Invitation)
                    .where(Invitation.workspace_id == call.principal.workspace_id)
                    .order_by(Invitation.created.desc())
                    .limit(1000)
                )
            )
            .scalars()
            .all()
        )
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
    if not call.principal.is_admin:
        raise ApiError("not_an_admin")
    async with call.services.db.write() as uow:
        result = await uow.session.execute(
            update(Invitation)
            .where(
                Invitation.id == params.invite_id,
                Invitation.workspace_id == call.principal.workspace_id,
                Invitation.accepted_at.is_(None),
            )
            .values(revoked_at=utc_now())
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ApiError("invite_not_found")
        await record(
            uow,
            call.principal.workspace_id,
            "invite_revoked",
            actor_id=call.principal.user_id,
            entity_type="invite",
            entity_id=params.invite_id,
            origin=call.origin,
        )
    return {}
