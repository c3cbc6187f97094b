"""The browser session's cookies and the answer a sign-in returns (shared by every method
that signs someone in: auth.signin, auth.acceptInvite, auth.signup)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from parley.features.auth import actions
from parley.platform.webapi.context import Call
from parley.platform.webapi.http import CSRF_COOKIE, SESSION_COOKIE


def session_lifetime(call: Call) -> timedelta:
    """How long a web session lasts (`PARLEY_SESSION_TTL`, seconds from signing in)."""
    return timedelta(seconds=max(1, call.services.settings.session_ttl))


def session_cookie(call: Call, secret: str) -> dict[str, Any]:
    return {
        "key": SESSION_COOKIE,
        "value": secret,
        "max_age": int(session_lifetime(call).total_seconds()),
        "httponly": True,
        "samesite": "lax",
        "secure": call.services.settings.secure_cookies,
        "path": "/",
    }


def csrf_cookie(call: Call, csrf: str) -> dict[str, Any]:
    # Readable by the page's script (not HttpOnly) so a reloaded client can send the header;
    # another origin can neither read it nor set the header, which is the point.
    return {
        "key": CSRF_COOKIE,
        "value": csrf,
        "max_age": int(session_lifetime(call).total_seconds()),
        "httponly": False,
        "samesite": "strict",
        "secure": call.services.settings.secure_cookies,
        "path": "/",
    }


def expired_cookie() -> dict[str, Any]:
    return {
        "key": SESSION_COOKIE,
        "value": "",
        "max_age": 0,
        "httponly": True,
        "samesite": "lax",
        "path": "/",
    }


def start_cookies(call: Call, new: actions.NewSession) -> None:
    """Set the session and CSRF cookies of a session just started on the answer."""
    call.set_cookies.append(session_cookie(call, new.secret))
    call.set_cookies.append(csrf_cookie(call, new.csrf_token))


def session_body(new: actions.NewSession) -> dict[str, Any]:
    """The answer to a request that started a session (`SessionResponse`)."""
    return {"user_id": new.user.id, "team_id": new.user.workspace_id, "csrf_token": new.csrf_token}
