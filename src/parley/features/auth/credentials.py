"""The identity feature's answer to the platform's `Credentials` question."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.accounts.interface import get_account
from parley.features.auth import store
from parley.features.auth.models import BrowserSession, Token
from parley.features.users.interface import get_user
from parley.platform.auth.principal import Principal


class StoredCredentials:
    """Tokens and browser sessions as stored in this database."""

    def workspace_hint(self, secret: str) -> str | None:
        """Tokens read `xoxp-T…-…` and session secrets `T…-…` (`actions.do_issue_token`,
        `actions.do_start_session`): the workspace id is the part before the random one."""
        return store.workspace_in_secret(secret)

    async def principal_for_token(self, session: AsyncSession, token: str) -> Principal:
        return await store.principal_for_token(session, token)

    async def principal_for_session(
        self, session: AsyncSession, secret: str
    ) -> tuple[Principal, str]:
        return await store.principal_for_session(session, secret)

    async def refusal(self, session: AsyncSession, principal: Principal) -> str | None:
        """A ticket outlives a revocation: check the member, its login and the credential."""
        user = await get_user(session, principal.workspace_id, principal.user_id)
        if user is None or user.deleted:
            return "account_inactive"
        if user.account_id is not None:
            account = await get_account(session, user.account_id)
            if account is None or account.disabled:
                return "account_inactive"
        if principal.token_id is not None:
            revoked = await session.scalar(
                select(Token.revoked_at).where(Token.id == principal.token_id)
            )
            if revoked is not None:
                return "token_revoked"
        if principal.session_id is not None:
            ended = await session.scalar(
                select(BrowserSession.revoked_at).where(BrowserSession.id == principal.session_id)
            )
            if ended is not None:
                return "session_ended"
        return None

    async def manual_presence(self, session: AsyncSession, principal: Principal) -> str:
        user = await get_user(session, principal.workspace_id, principal.user_id)
        return user.manual_presence if user is not None else "auto"
