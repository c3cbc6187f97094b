"""Credential queries: resolve a token or session to its principal. No commits here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.auth.models import BrowserSession, Token
from parley.features.users.models import User
from parley.platform.auth.principal import Principal
from parley.platform.auth.scopes import USER_SCOPES
from parley.platform.clock import as_utc, utc_now
from parley.platform.errors import ApiError
from parley.platform.security import hash_secret
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


async def principal_for_session(session: AsyncSession, secret: str) -> tuple[Principal, str]:
    """The principal of a browser session cookie and the session's CSRF token."""
    row = (
        await session.execute(
            select(
                BrowserSession, User.role, User.deleted, User.name, Workspace.name, Workspace.domain
            )
            .join(User, User.id == BrowserSession.user_id)
            .join(Workspace, Workspace.id == BrowserSession.workspace_id)
            .where(BrowserSession.session_hash == hash_secret(secret))
        )
    ).first()
    if row is None:
        raise ApiError("invalid_auth")
    record, role, deleted, user_name, team_name, team_domain = row
    if record.revoked_at is not None or as_utc(record.expires_at) <= utc_now():
        raise ApiError("invalid_auth")
    if deleted:
        raise ApiError("account_inactive")
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
