"""Invitations by email: the mail, resending (a fresh link: only the hash of the old one is
stored), the state an admin sees, and what the invite page may show before sign-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.audit.interface import record
from parley.features.auth.actions import NewInvitation
from parley.features.auth.models import Invitation
from parley.features.users.interface import User, get_user
from parley.platform.auth.principal import Principal
from parley.platform.clock import as_utc, utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.mail.outbox import enqueue_mail
from parley.platform.origin import Origin
from parley.platform.security import hash_secret, new_secret
from parley.platform.tenancy import Workspace

INVITE_MAIL = "invite"
MAX_EMAILS = 50  # addresses in one admin.invites.create call


def invitation_state(invitation: Invitation) -> str:
    """pending, accepted, revoked or expired."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if as_utc(invitation.expires_at) <= utc_now():
        return "expired"
    return "pending"


def invite_url(base_url: str, code: str) -> str:
    return f"{base_url}/invite/{code}"


def invite_mail_text(inviter: str, team: str, url: str, days: int, role: str) -> str:
    as_guest = " as a guest" if role == "guest" else ""
    return (
        f"{inviter} has invited you to join {team} on Parley{as_guest}.\n\n"
        f"Join here (the link works once, for {days} days):\n{url}\n"
    )


def split_emails(raw: str) -> list[str]:
    """Addresses separated by commas, semicolons, spaces or new lines; each once."""
    seen: dict[str, None] = {}
    for part in raw.replace(";", ",").replace("\n", ",").replace(" ", ",").split(","):
        if part.strip():
            seen.setdefault(part.strip(), None)
    if len(seen) > MAX_EMAILS:
        raise ApiError("too_many_emails", maximum=MAX_EMAILS)
    return list(seen)


async def do_mail_invitation(
    uow: UnitOfWork, new: NewInvitation, *, base_url: str, inviter: User
) -> None:
    """Queue the invitation mail for an invitation bound to an address."""
    invitation = new.invitation
    if invitation.email is None:
        return
    workspace = await uow.session.get(Workspace, invitation.workspace_id)
    team = workspace.name if workspace else "a workspace"
    days = max(1, round((as_utc(invitation.expires_at) - utc_now()) / timedelta(days=1)))
    await enqueue_mail(
        uow,
        workspace_id=invitation.workspace_id,
        kind=INVITE_MAIL,
        to=invitation.email,
        subject=f"{inviter.real_name or inviter.name} invited you to {team} on Parley",
        text=invite_mail_text(
            inviter.real_name or inviter.name,
            team,
            invite_url(base_url, new.code),
            days,
            invitation.role,
        ),
    )


async def do_resend_invitation(
    uow: UnitOfWork,
    actor: Principal,
    invite_id: str,
    *,
    lifetime: timedelta,
    base_url: str,
    mail: bool,
    origin: Origin,
) -> NewInvitation:
    """An admin resends an invitation that was not used or revoked: a new code (the old
    link stops working), a new expiry, and the mail again when it names an address."""
    if not actor.is_admin:
        raise ApiError("not_an_admin")
    invitation = (
        await uow.session.execute(
            select(Invitation)
            .where(Invitation.id == invite_id, Invitation.workspace_id == actor.workspace_id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if invitation is None or invitation.revoked_at is not None:
        raise ApiError("invite_not_found")
    if invitation.accepted_at is not None:
        raise ApiError("invite_already_used")
    inviter = await get_user(uow.session, actor.workspace_id, actor.user_id)
    if inviter is None:
        raise ApiError("user_not_found")
    code = new_secret(invitation.workspace_id + "-", nbytes=24)
    invitation.code_hash = hash_secret(code)
    invitation.expires_at = utc_now() + lifetime
    await uow.session.flush()
    new = NewInvitation(invitation=invitation, code=code)
    if mail:
        await do_mail_invitation(uow, new, base_url=base_url, inviter=inviter)
    await record(
        uow,
        actor.workspace_id,
        "invite_resent",
        actor_id=actor.user_id,
        entity_type="invite",
        entity_id=invitation.id,
        origin=origin,
    )
    return new


@dataclass(frozen=True)
class InvitePreview:
    """What the invite page shows before anyone signs up: whose workspace, who invited."""

    team_id: str
    team_name: str
    team_domain: str
    team_icon: str
    inviter_name: str
    email: str | None
    role: str


async def access_invite_preview(session: AsyncSession, code: str) -> InvitePreview:
    """The invitation a code carries, if it can still be used; the same errors as
    accepting it (`invite_not_found`, `invite_already_used`, `invite_expired`)."""
    invitation = (
        await session.execute(select(Invitation).where(Invitation.code_hash == hash_secret(code)))
    ).scalar_one_or_none()
    if invitation is None or invitation.revoked_at is not None:
        raise ApiError("invite_not_found")
    if invitation.accepted_at is not None:
        raise ApiError("invite_already_used")
    if as_utc(invitation.expires_at) <= utc_now():
        raise ApiError("invite_expired")
    workspace = await session.get(Workspace, invitation.workspace_id)
    inviter = await get_user(session, invitation.workspace_id, invitation.invited_by)
    if workspace is None:
        raise ApiError("invite_not_found")
    return InvitePreview(
        team_id=workspace.id,
        team_name=workspace.name,
        team_domain=workspace.domain,
        team_icon=workspace.icon_url,
        inviter_name=(inviter.real_name or inviter.name) if inviter else "",
        email=invitation.email,
        role=invitation.role,
    )
