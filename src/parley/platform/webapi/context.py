"""What a method handler receives: the caller, the services, and the raw request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from parley.platform.auth.principal import Principal
from parley.platform.errors import ApiError
from parley.platform.origin import Origin

if TYPE_CHECKING:
    from starlette.requests import Request

    from parley.platform.services import Services


@dataclass
class Call:
    services: Services
    request: Request
    principal_or_none: Principal | None
    # Headers and cookies a handler wants on the response (sign-in sets the session cookie).
    response_headers: dict[str, str] = field(default_factory=dict)
    set_cookies: list[dict[str, Any]] = field(default_factory=list)

    @property
    def principal(self) -> Principal:
        if self.principal_or_none is None:
            raise ApiError("not_authed")
        return self.principal_or_none

    @property
    def origin(self) -> Origin:
        """The caller's address (behind a proxy: uvicorn's proxy_headers) and user agent."""
        host = self.request.client.host if self.request.client else ""
        return Origin(ip_address=host, user_agent=self.request.headers.get("user-agent", ""))

    def require_scope(self, *scopes: str) -> None:
        """`missing_scope` unless the caller holds at least one of `scopes`."""
        principal = self.principal
        if any(principal.has_scope(s) for s in scopes):
            return
        raise ApiError(
            "missing_scope", needed=",".join(scopes), provided=",".join(sorted(principal.scopes))
        )
