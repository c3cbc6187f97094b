"""admin.invites.*: invite links and email invitations (expiring, single use)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import Field

from parley.features.auth import actions, invites, store
from parley.features.auth.models import Invitation
from parley.features.auth.wire import (
    InviteCreateResponse,
    InviteInfoResponse,
    InvitesListResponse,
)
from parley.features.users.interface import get_user
from parley.platform.clock import as_utc
from parley.platform.errors import ApiError
from parley.platform.mail.config import mail_configured
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params, SlackInt
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Auth, Tier, api_method


def _unix(value: Any) -> int | None:
    return int(as_utc(value).timestamp()) if value is not None else None


def invitation_object(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "email": invitation.email,
        "role": invitation.role,
        "invited_by": invitation.invited_by,
        "date_created": _unix(invitation.created),
        "date_expire": _unix(invitation.expires_at),
        "date_accepted": _unix(invitation.accepted_at),
        "accepted_by": invitation.accepted_by,
        "is_used": invitation.accepted_at is not None,
        "is_revoked": invitation.revoked_at is not None,
        "state": invites.invitation_state(invitation),
    }


class InviteParams(Params):
    email: str | None = Field(default=None, max_length=255)
    # Several addresses at once (commas, spaces or new lines): one invitation and mail each.
    emails: str | None = Field(default=None, max_length=20_000)
    role: str = Field(default="member", max_length=16)
    expires_in_days: SlackInt = Field(default=14, ge=1, le=90)


@api_method(
    "admin.invites.create",
    params=InviteParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=(
        "not_an_admin",
        "invalid_email",
        "already_in_team",
        "invalid_role",
        "too_many_emails",
    ),
    response=InviteCreateResponse,
)
async def admin_invites_create(call: Call, params: InviteParams) -> dict[str, Any]:
    """Creates invite links; one bound to an address is mailed when email is configured.

    The code is shown once. With `emails`, one invitation per address, all or none."""
    settings = call.services.settings
    addresses = invites.split_emails(params.emails) if params.emails is not None else None
    if addresses is not None and not addresses:
        raise ApiError("invalid_email")
    mail = mail_configured(settings)
    created = []
    async with call.services.db.write() as uow:
        inviter = await get_user(uow.session, call.principal.workspace_id, call.principal.user_id)
        for email in addresses if addresses is not None else [params.email]:
            new = await actions.check_create_invitation(
                uow,
                call.principal,
                email=email,
                role=params.role,
                lifetime=timedelta(days=params.expires_in_days),
                origin=call.origin,
            )
            if mail and inviter is not None:
                await invites.do_mail_invitation(
                    uow, new, base_url=settings.base_url, inviter=inviter
                )
            created.append(new)
    answers = [
        {
            "invite": invitation_object(new.invitation),
            "code": new.code,
            "url": invites.invite_url(settings.base_url, new.code),
            "email_sent": mail and new.invitation.email is not None,
        }
        for new in created
    ]
    return {**answers[0], "invites": answers, "email_configured": mail}


@api_method(
    "admin.invites.list",
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("not_an_admin",),
    response=InvitesListResponse,
)
async def admin_invites_list(call: Call, params: Params) -> dict[str, Any]:
    """Lists the workspace's invitations with their state and inviter, newest first.

    States: pending, accepted, revoked, expired; `email_configured` says whether mail goes out."""
    async with call.services.db.read() as session:
        rows = await actions.access_invitations(session, call.principal)
    return {
        "invites": [invitation_object(i) for i in rows],
        "email_configured": mail_configured(call.services.settings),
    }


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


class ResendInviteParams(Params):
    invite_id: str = Field(max_length=32)
    expires_in_days: SlackInt = Field(default=14, ge=1, le=90)


@api_method(
    "admin.invites.resend",
    params=ResendInviteParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    missing_errors={"invite_id": "invite_not_found"},
    errors=("not_an_admin", "invite_not_found", "invite_already_used"),
    response=InviteCreateResponse,
)
async def admin_invites_resend(call: Call, params: ResendInviteParams) -> dict[str, Any]:
    """Renews an unused invitation: a new link and expiry, mailed again to its address.

    The old link stops working; the mail goes only when email is configured."""
    settings = call.services.settings
    mail = mail_configured(settings)
    async with call.services.db.write() as uow:
        new = await invites.do_resend_invitation(
            uow,
            call.principal,
            params.invite_id,
            lifetime=timedelta(days=params.expires_in_days),
            base_url=settings.base_url,
            mail=mail,
            origin=call.origin,
        )
    return {
        "invite": invitation_object(new.invitation),
        "code": new.code,
        "url": invites.invite_url(settings.base_url, new.code),
        "email_sent": mail and new.invitation.email is not None,
        "email_configured": mail,
    }


class InviteInfoParams(Params):
    code: str = Field(max_length=200)


@api_method(
    "auth.inviteInfo",
    params=InviteInfoParams,
    auth=Auth.NONE,
    tier=Tier.T1,
    slack_compatible=False,
    errors=("invite_not_found", "invite_expired", "invite_already_used"),
    response=InviteInfoResponse,
)
async def auth_invite_info(call: Call, params: InviteInfoParams) -> dict[str, Any]:
    """What the invite page shows: the workspace and who invited (the code is the proof)."""
    workspace_id = store.workspace_in_secret(params.code)  # no caller yet: the code says
    db = call.services.db
    async with db.workspace(workspace_id), db.read() as session:
        preview = await invites.access_invite_preview(session, params.code)
    return {
        "team": {
            "id": preview.team_id,
            "name": preview.team_name,
            "domain": preview.team_domain,
            "icon": preview.team_icon,
        },
        "inviter": {"name": preview.inviter_name},
        "email": preview.email,
        "role": preview.role,
    }
