"""How the platform turns a credential into a `Principal`, without knowing where accounts live.

The identity feature implements `Credentials` and the composition root installs it on the
services (`Services.credential_store`). The Web API and the WebSocket gateway ask only this.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from parley.platform.auth.principal import Principal


class Credentials(Protocol):
    def workspace_hint(self, secret: str) -> str | None:
        """The workspace a token or session secret says it belongs to, if it carries one:
        which shard to look it up on (decision 0010). Untrusted: a wrong hint only means the
        lookup finds nothing."""
        ...

    async def principal_for_token(self, session: AsyncSession, token: str) -> Principal:
        """The principal a bearer token stands for; `ApiError` (invalid_auth…) otherwise."""
        ...

    async def principal_for_session(
        self, session: AsyncSession, secret: str
    ) -> tuple[Principal, str]:
        """The principal and CSRF token of a browser session cookie; `ApiError` otherwise."""
        ...

    async def refusal(self, session: AsyncSession, principal: Principal) -> str | None:
        """Why a principal resolved earlier may no longer connect (revoked token, ended
        session, deactivated member), or None."""
        ...

    async def manual_presence(self, session: AsyncSession, principal: Principal) -> str:
        """The presence the member set by hand: "auto" or "away"."""
        ...


class NoCredentials:
    """Until the identity feature installs its own: every credential is refused."""

    def workspace_hint(self, secret: str) -> str | None:
        return None

    async def principal_for_token(self, session: AsyncSession, token: str) -> Principal:
        from parley.platform.errors import ApiError

        raise ApiError("invalid_auth")

    async def principal_for_session(
        self, session: AsyncSession, secret: str
    ) -> tuple[Principal, str]:
        from parley.platform.errors import ApiError

        raise ApiError("invalid_auth")

    async def refusal(self, session: AsyncSession, principal: Principal) -> str | None:
        return "invalid_auth"

    async def manual_presence(self, session: AsyncSession, principal: Principal) -> str:
        return "auto"
