"""Credential queries: resolve a token or session to its principal. No commits here."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.accounts.interface import normalise_email
from parley.features.accounts.models import Account
from parley.features.audit.interface import latest_details
from parley.features.auth.models import BrowserSession, Invitation, Token
from parley.features.users.models import User
from parley.platform.auth.principal import Principal
from parley.platform.auth.scopes import USER_SCOPES
from parley.platform.clock import as_utc, utc_now
from parley.platform.errors import ApiError
from parley.platform.security import hash_secret
from parley.platform.security import workspace_in_secret as workspace_in_secret
from parley.platform.tenancy import Workspace

TOKEN_PREFIXES = ("xoxp-", "xoxb-", "xapp-")


async def principal_for_token(session: AsyncSession, token: str) -> Principal:
    """The principal a bearer token stands for, or the Slack error explaining why not."""
    if not token.startswith(TOKEN_PREFIXES) or len(token) > 200:
        raise ApiError("invalid_auth")
    row = (
        await session.execute(
            select(
                Token.id,
                Token.workspace_id,
                Token.user_id,
                Token.kind,
                Token.scopes,
                Token.app_id,
                Token.revoked_at,
                User.role,
                User.deleted,
                User.is_bot,
                User.bot_id,
                User.name,
                Workspace.name,
                Workspace.domain,
            )
            .join(User, User.id == Token.user_id)
            .join(Workspace, Workspace.id == Token.workspace_id)
            .where(Token.token_hash == hash_secret(token))
        )
    ).first()
    if row is None:
        raise ApiError("invalid_auth")
    (
        token_id,
        workspace_id,
        user_id,
        kind,
        scopes,
        app_id,
        revoked_at,
        role,
        deleted,
        is_bot,
        bot_id,
        user_name,
        team_name,
        team_domain,
    ) = row
    if revoked_at is not None:
        raise ApiError("token_revoked")
    if deleted:
        raise ApiError("account_inactive")
    return Principal(
        workspace_id=workspace_id,
        user_id=user_id,
        token_kind=kind,
        scopes=frozenset(scopes.split(",")) - {""},
        role=role,
        is_bot=is_bot,
        bot_id=bot_id,
        app_id=app_id,
        token_id=token_id,
        team_name=team_name,
        team_domain=team_domain,
        user_name=user_name,
    )


async def account_inactive(
    session: AsyncSession, workspace_id: str, user_id: str, team_name: str
) -> ApiError:
    """`account_inactive` for someone who proved who they are (their password, their session
    cookie): with the workspace's name and the reason the admin gave, to show them."""
    details = await latest_details(session, workspace_id, "user_deactivated", user_id)
    reason = details.get("reason")
    extra = {"team_name": team_name}
    return ApiError("account_inactive", **extra, **({"reason": reason} if reason else {}))


async def principal_for_session(session: AsyncSession, secret: str) -> tuple[Principal, str]:
    """The principal of a browser session cookie and the session's CSRF token."""
    row = (
        await session.execute(
            select(
                BrowserSession,
                User.role,
                User.deleted,
                User.name,
                Workspace.name,
                Workspace.domain,
                Account.disabled,
            )
            .join(User, User.id == BrowserSession.user_id)
            .join(Account, Account.id == BrowserSession.account_id)
            .join(Workspace, Workspace.id == BrowserSession.workspace_id)
            .where(BrowserSession.session_hash == hash_secret(secret))
        )
    ).first()
    if row is None:
        raise ApiError("invalid_auth")
    record, role, deleted, user_name, team_name, team_domain, disabled = row
    if deleted or disabled:
        # Before the revocation check: deactivation ends the sessions, and the person whose
        # cookie this is should learn why rather than be sent to sign in with no reason.
        raise await account_inactive(session, record.workspace_id, record.user_id, team_name)
    if record.revoked_at is not None:
        raise ApiError("invalid_auth")
    if as_utc(record.expires_at) <= utc_now():
        raise ApiError("token_expired")  # past PARLEY_SESSION_TTL: the client says so
    principal = Principal(
        workspace_id=record.workspace_id,
        user_id=record.user_id,
        token_kind="session",
        scopes=frozenset(USER_SCOPES),
        role=role,
        session_id=record.id,
        team_name=team_name,
        team_domain=team_domain,
        user_name=user_name,
    )
    return principal, record.csrf_token


async def workspace_id_for_domain(session: AsyncSession, domain: str) -> str | None:
    """The workspace a sign-in names by its domain (`acme` in acme.parley…)."""
    return await session.scalar(select(Workspace.id).where(Workspace.domain == domain.lower()))


async def member_signing_in(
    session: AsyncSession, workspace_id: str, email: str
) -> tuple[User, Account] | None:
    """The member of `workspace_id` whose account signs in as `email`, with that account."""
    row = (
        await session.execute(
            select(User, Account)
            .join(Account, Account.id == User.account_id)
            .where(User.workspace_id == workspace_id, Account.email == normalise_email(email))
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def list_invitations(session: AsyncSession, workspace_id: str) -> Sequence[Invitation]:
    """A workspace's invitations, newest first (at most 1000)."""
    rows = await session.execute(
        select(Invitation)
        .where(Invitation.workspace_id == workspace_id)
        .order_by(Invitation.created.desc())
        .limit(1000)
    )
    return rows.scalars().all()


async def workspace_name(session: AsyncSession, workspace_id: str) -> str:
    return await session.scalar(select(Workspace.name).where(Workspace.id == workspace_id)) or ""
