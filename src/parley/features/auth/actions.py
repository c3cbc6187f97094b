"""Credential writes: tokens, browser sessions, sign-in, invitations, and their audit records.

Secrets are returned once and stored only hashed. Every entry point (Web API, CLI) goes
through these actions, so each gets the same rules and leaves the same audit trail.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.accounts.interface import password_matches
from parley.features.audit.interface import record
from parley.features.auth import store
from parley.features.auth.models import BrowserSession, Invitation, LoginThrottle, Token
from parley.features.users.interface import (
    User,
    check_email,
    check_password,
    check_role,
    do_create_user,
    get_user,
    get_user_by_email,
)
from parley.platform.auth.principal import Principal
from parley.platform.auth.scopes import APP_SCOPES, BOT_SCOPES, KNOWN_SCOPES, USER_SCOPES
from parley.platform.clock import as_utc, utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import emit_credentials_revoked
from parley.platform.ids import new_id
from parley.platform.origin import Origin
from parley.platform.security import hash_secret, new_secret, verify_password
from parley.platform.tenancy import Workspace

TOKEN_PREFIX = {"user": "xoxp-", "bot": "xoxb-", "app": "xapp-"}
DEFAULT_SCOPES = {"user": USER_SCOPES, "bot": BOT_SCOPES, "app": APP_SCOPES}
SESSION_LIFETIME = timedelta(days=30)
INVITE_LIFETIME = timedelta(days=14)


def check_scopes(kind: str, scopes: tuple[str, ...] | None) -> tuple[str, ...]:
    if scopes is None:
        return DEFAULT_SCOPES[kind]
    unknown = [s for s in scopes if s not in KNOWN_SCOPES]
    if unknown:
        raise ApiError("invalid_scope", unknown=",".join(unknown))
    return scopes


async def do_issue_token(
    uow: UnitOfWork,
    user: User,
    *,
    kind: str = "user",
    scopes: tuple[str, ...] | None = None,
    app_id: str | None = None,
    label: str = "",
) -> str:
    """Create a token for `user`; the plaintext is returned here and never stored."""
    token = new_secret(TOKEN_PREFIX[kind] + user.workspace_id + "-")
    uow.session.add(
        Token(
            token_hash=hash_secret(token),
            workspace_id=user.workspace_id,
            user_id=user.id,
            kind=kind,
            scopes=",".join(check_scopes(kind, scopes)),
            app_id=app_id,
            label=label,
            created=utc_now(),
        )
    )
    await uow.session.flush()
    return token


async def do_revoke_token(uow: UnitOfWork, token_id: int) -> None:
    revoked = await uow.session.execute(
        update(Token)
        .where(Token.id == token_id, Token.revoked_at.is_(None))
        .values(revoked_at=utc_now())
        .returning(Token.workspace_id)
    )
    workspace_id = revoked.scalar_one_or_none()
    if workspace_id is not None:  # its open real-time sockets close on every node
        await emit_credentials_revoked(uow, workspace_id, token_ids=[token_id])


async def do_issue_member_token(
    uow: UnitOfWork,
    workspace_id: str,
    user_id: str,
    *,
    scopes: tuple[str, ...] | None,
    label: str,
    origin: Origin,
    actor_id: str | None = None,
) -> tuple[User, str]:
    """An operator issues a token for an existing member (a bot token for a bot), audited."""
    target = await get_user(uow.session, workspace_id, user_id)
    if target is None:
        raise ApiError("user_not_found")
    kind = "bot" if target.is_bot else "user"
    token = await do_issue_token(uow, target, kind=kind, scopes=scopes, label=label)
    await record(
        uow,
        workspace_id,
        "token_created",
        actor_id=actor_id,
        entity_type="user",
        entity_id=target.id,
        origin=origin,
        details={"kind": kind},
    )
    return target, token


async def do_revoke_own_credential(uow: UnitOfWork, principal: Principal, origin: Origin) -> None:
    """auth.revoke: the caller's token is revoked, or its browser session ended; audited."""
    if principal.token_id is not None:
        await do_revoke_token(uow, principal.token_id)
    elif principal.session_id is not None:
        await do_end_session(uow, principal.session_id)
    await record(
        uow,
        principal.workspace_id,
        "token_revoked",
        actor_id=principal.user_id,
        entity_type="token",
        entity_id=str(principal.token_id or "session"),
        origin=origin,
    )


async def do_sign_out(uow: UnitOfWork, principal: Principal, origin: Origin) -> None:
    """auth.signout: end the caller's browser session; a token cannot sign out."""
    if principal.session_id is None:
        raise ApiError("not_allowed_token_type")
    await do_end_session(uow, principal.session_id)
    await record(
        uow,
        principal.workspace_id,
        "user_logout",
        actor_id=principal.user_id,
        entity_type="user",
        entity_id=principal.user_id,
        origin=origin,
    )


@dataclass(frozen=True)
class NewSession:
    """A browser session just started: the cookie secret and CSRF token to hand out once."""

    secret: str
    csrf_token: str
    user: User


async def do_start_session(
    uow: UnitOfWork, user: User, *, lifetime: timedelta = SESSION_LIFETIME
) -> NewSession:
    """A browser session of the member's account, signed into the member's workspace, that
    ends after `lifetime` (the `session_ttl` setting)."""
    if user.account_id is None:  # bots and people without a login cannot have one
        raise ApiError("invalid_auth")
    # The workspace id leads the secret: with shards, the cookie finds its shard by it.
    secret = new_secret(user.workspace_id + "-", nbytes=32)
    csrf = secrets.token_urlsafe(24)
    uow.session.add(
        BrowserSession(
            session_hash=hash_secret(secret),
            account_id=user.account_id,
            workspace_id=user.workspace_id,
            user_id=user.id,
            csrf_token=csrf,
            created=utc_now(),
            expires_at=utc_now() + lifetime,
        )
    )
    await uow.session.flush()
    return NewSession(secret=secret, csrf_token=csrf, user=user)


async def do_end_sessions_of(uow: UnitOfWork, user: User) -> None:
    """A deactivated member's browser sessions end (their sockets close with the user_change
    that deactivates them, `account_inactive`)."""
    await uow.session.execute(
        update(BrowserSession)
        .where(
            BrowserSession.workspace_id == user.workspace_id,
            BrowserSession.user_id == user.id,
            BrowserSession.revoked_at.is_(None),
        )
        .values(revoked_at=utc_now())
    )


async def do_end_session(uow: UnitOfWork, session_id: int) -> None:
    ended = await uow.session.execute(
        update(BrowserSession)
        .where(BrowserSession.id == session_id, BrowserSession.revoked_at.is_(None))
        .values(revoked_at=utc_now())
        .returning(BrowserSession.workspace_id)
    )
    workspace_id = ended.scalar_one_or_none()
    if workspace_id is not None:  # the web client's sockets of this session close
        await emit_credentials_revoked(
            uow, workspace_id, session_ids=[session_id], reason="session_ended"
        )


FREE_ATTEMPTS = 5
BASE_LOCKOUT = timedelta(seconds=30)
MAX_LOCKOUT = timedelta(hours=1)


async def _throttle_row(uow: UnitOfWork, workspace_id: str, email: str) -> LoginThrottle:
    key = (workspace_id, email.strip().lower()[:255])
    row = await uow.session.get(LoginThrottle, key, with_for_update=True)
    if row is None:
        row = LoginThrottle(workspace_id=key[0], email=key[1], failures=0, locked_until=None)
        uow.session.add(row)
    return row


def lockout_for(failures: int) -> timedelta:
    """No wait for the first attempts, then 30 s doubling per failure, at most an hour."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    doublings = min(failures - FREE_ATTEMPTS, 16)  # 30 s · 2^16 is far past the cap
    backoff: timedelta = BASE_LOCKOUT * (2**doublings)
    return min(MAX_LOCKOUT, backoff)


def check_not_locked(throttle: LoginThrottle) -> None:
    if throttle.locked_until is not None and as_utc(throttle.locked_until) > utc_now():
        wait = as_utc(throttle.locked_until) - utc_now()
        raise ApiError("login_locked", retry_after=max(1, int(wait.total_seconds())))


async def check_sign_in(
    uow: UnitOfWork,
    domain: str,
    email: str,
    password: str,
    origin: Origin,
    *,
    lifetime: timedelta = SESSION_LIFETIME,
) -> NewSession | None:
    """Workspace domain, email and password to a new session of the member's account, or
    None for any failure (one answer for all: no user enumeration, and the same argon2 cost
    for an unknown workspace). Failures are counted per address and lock it out with
    backoff; the caller must commit even on failure so that the count and audit stick."""
    workspace_id = await store.workspace_id_for_domain(uow.session, domain)
    if workspace_id is None:
        verify_password(None, password)
        return None
    new = await _sign_in_member(uow, workspace_id, email, password, lifetime)
    await _record_sign_in(uow, workspace_id, email, new, origin)
    return new


async def _sign_in_member(
    uow: UnitOfWork, workspace_id: str, email: str, password: str, lifetime: timedelta
) -> NewSession | None:
    throttle = await _throttle_row(uow, workspace_id, email)
    check_not_locked(throttle)
    found = await store.member_signing_in(uow.session, workspace_id, email)
    user, account = found if found is not None else (None, None)
    ok = password_matches(account, password)  # argon2 runs for unknown addresses too
    if user is None or not ok or user.is_bot:
        throttle.failures += 1
        wait = lockout_for(throttle.failures)
        throttle.locked_until = utc_now() + wait if wait else None
        return None
    throttle.failures = 0
    throttle.locked_until = None
    if user.deleted or (account is not None and account.disabled):
        team_name = await uow.session.scalar(
            select(Workspace.name).where(Workspace.id == workspace_id)
        )
        raise await store.account_inactive(uow.session, workspace_id, user.id, team_name or "")
    return await do_start_session(uow, user, lifetime=lifetime)


async def _record_sign_in(
    uow: UnitOfWork, workspace_id: str, email: str, new: NewSession | None, origin: Origin
) -> None:
    if new is None:
        await record(
            uow,
            workspace_id,
            "user_login_failed",
            actor_id=None,
            entity_type="email",
            entity_id=email.strip().lower()[:255],
            origin=origin,
        )
    else:
        await record(
            uow,
            workspace_id,
            "user_login",
            actor_id=new.user.id,
            entity_type="user",
            entity_id=new.user.id,
            origin=origin,
        )


async def check_may_invite(session: AsyncSession, actor: Principal) -> None:
    """Admins invite; members too when the workspace's `who_can_invite` is `everyone`."""
    if actor.is_admin:
        return
    workspace = await session.get(Workspace, actor.workspace_id)
    preferences = ((workspace.settings if workspace else None) or {}).get("preferences") or {}
    if preferences.get("who_can_invite") != "everyone" or actor.role == "guest":
        raise ApiError("not_an_admin")


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    code: str


async def check_create_invitation(
    uow: UnitOfWork,
    actor: Principal,
    *,
    email: str | None,
    role: str,
    lifetime: timedelta,
    origin: Origin,
) -> NewInvitation:
    """An admin invites someone (optionally bound to one email address); audited. Where
    the workspace lets everyone invite, full members may too (guests never)."""
    await check_may_invite(uow.session, actor)
    inviter = await get_user(uow.session, actor.workspace_id, actor.user_id)
    if inviter is None:
        raise ApiError("user_not_found")
    if email is not None:
        email = check_email(email)
        if await get_user_by_email(uow.session, inviter.workspace_id, email):
            raise ApiError("already_in_team")
    if check_role(role) == "owner":
        raise ApiError("invalid_role")
    new = await _create_invitation(uow, inviter, email=email, role=role, lifetime=lifetime)
    await record(
        uow,
        actor.workspace_id,
        "invite_created",
        actor_id=actor.user_id,
        entity_type="invite",
        entity_id=new.invitation.id,
        origin=origin,
        details={"email": email or "", "role": role},
    )
    return new


async def _create_invitation(
    uow: UnitOfWork, inviter: User, *, email: str | None, role: str, lifetime: timedelta
) -> NewInvitation:
    # The workspace id leads the code: with shards, accepting it finds the shard by it.
    code = new_secret(inviter.workspace_id + "-", nbytes=24)
    invitation = Invitation(
        id=new_id("I"),
        code_hash=hash_secret(code),
        workspace_id=inviter.workspace_id,
        email=email,
        role=role,
        invited_by=inviter.id,
        created=utc_now(),
        expires_at=utc_now() + lifetime,
    )
    uow.session.add(invitation)
    await uow.session.flush()
    return NewInvitation(invitation=invitation, code=code)


async def do_revoke_invitation(
    uow: UnitOfWork, actor: Principal, invite_id: str, origin: Origin
) -> None:
    """An admin revokes an unused invitation of their workspace; audited."""
    if not actor.is_admin:
        raise ApiError("not_an_admin")
    revoked = await uow.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invite_id,
            Invitation.workspace_id == actor.workspace_id,
            Invitation.accepted_at.is_(None),
        )
        .values(revoked_at=utc_now())
    )
    if revoked.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError("invite_not_found")
    await record(
        uow,
        actor.workspace_id,
        "invite_revoked",
        actor_id=actor.user_id,
        entity_type="invite",
        entity_id=invite_id,
        origin=origin,
    )


async def check_accept_invitation(
    uow: UnitOfWork,
    code: str,
    *,
    email: str,
    password: str,
    real_name: str,
    lifetime: timedelta = SESSION_LIFETIME,
) -> NewSession:
    """Redeem an invite code once: create the member (with its account, or joined to the
    existing account of that email: see accounts.actions) and sign it in."""
    invitation = (
        await uow.session.execute(
            select(Invitation).where(Invitation.code_hash == hash_secret(code)).with_for_update()
        )
    ).scalar_one_or_none()
    if invitation is None or invitation.revoked_at is not None:
        raise ApiError("invite_not_found")
    if invitation.accepted_at is not None:
        raise ApiError("invite_already_used")
    if as_utc(invitation.expires_at) <= utc_now():
        raise ApiError("invite_expired")
    email = check_email(email)
    if invitation.email is not None and invitation.email.lower() != email.lower():
        raise ApiError("invite_email_mismatch")
    user = await do_create_user(
        uow,
        invitation.workspace_id,
        email=email,
        password=check_password(password),
        real_name=real_name,
        role=invitation.role,
    )
    # Guarded update: a concurrent redemption of the same code changes zero rows and fails.
    claimed = await uow.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utc_now(), accepted_by=user.id)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError("invite_already_used")
    return await do_start_session(uow, user, lifetime=lifetime)


async def access_invitations(session: AsyncSession, principal: Principal) -> Sequence[Invitation]:
    """admin.invites.list: who was invited and by whom is for admins (`not_an_admin`)."""
    if not principal.is_admin:
        raise ApiError("not_an_admin")
    return await store.list_invitations(session, principal.workspace_id)


def _team_icon(workspace: Workspace) -> dict[str, Any]:
    icon = workspace.icon_url
    return {
        "image_default": not icon,
        **{f"image_{size}": icon for size in (34, 44, 68, 88, 102, 132, 230)},
    }


async def accessible_teams(
    session: AsyncSession, principal: Principal, *, include_icon: bool
) -> list[dict[str, Any]]:
    """auth.teams.list: the workspaces this credential may act in. A Parley token belongs
    to one workspace (there are no organisation-wide tokens), so it is that one."""
    workspace = await session.get(Workspace, principal.workspace_id)
    if workspace is None:
        raise ApiError("invalid_auth")
    team: dict[str, Any] = {"id": workspace.id, "name": workspace.name}
    if include_icon:
        team["icon"] = _team_icon(workspace)
    return [team]
