"""Who is calling: the authenticated identity every action is authorised against."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Principal:
    workspace_id: str
    user_id: str
    token_kind: str  # user | bot | app | session
    scopes: frozenset[str]
    role: str
    is_bot: bool = False
    bot_id: str | None = None
    app_id: str | None = None
    token_id: int | None = None
    session_id: int | None = None
    # Names for auth.test and similar, read with the credential (no second query).
    team_name: str = ""
    team_domain: str = ""
    user_name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role in {"owner", "admin"}

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"

    @property
    def is_guest(self) -> bool:
        return self.role == "guest"

    @cached_property
    def scopes_header(self) -> str:
        """The `x-oauth-scopes` response header value (Bolt reads the bot's scopes from it)."""
        return ",".join(sorted(self.scopes))

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
