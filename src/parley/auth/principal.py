"""Who is calling: the authenticated identity every action is authorised against."""

from __future__ import annotations

from dataclasses import dataclass


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

    @property
    def is_admin(self) -> bool:
        return self.role in {"owner", "admin"}

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"

    @property
    def is_guest(self) -> bool:
        return self.role == "guest"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
