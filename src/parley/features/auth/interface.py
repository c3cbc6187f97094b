"""The auth feature as other features may use it; nothing else of it is public.

- Credentials: `do_issue_token` (apps' OAuth, a new workspace's owner), `do_start_session`
  / `NewSession`, `principal_for_session` (who a browser session cookie is); `Token` for
  type annotations (apps revoke and list their tokens in SQL: listed in
  `tests/test_architecture.py`).
- Answering a request that started a session: `start_cookies`, `session_body`,
  `session_lifetime` (the `session_ttl` setting),
  `SessionResponse`.

Each name is the feature's own function, re-exported: its docstring is the contract.
"""

from __future__ import annotations

from parley.features.auth.actions import NewSession, do_issue_token, do_start_session
from parley.features.auth.cookies import session_body, session_lifetime, start_cookies
from parley.features.auth.models import Token
from parley.features.auth.store import principal_for_session
from parley.features.auth.wire import SessionResponse

__all__ = [
    "NewSession",
    "SessionResponse",
    "Token",
    "do_issue_token",
    "do_start_session",
    "principal_for_session",
    "session_body",
    "session_lifetime",
    "start_cookies",
]
