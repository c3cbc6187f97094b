"""The OAuth v2 consent page: `GET /oauth/v2/authorize` shows it, `POST` decides.

Plain server-rendered HTML: no script (the site's Content-Security-Policy allows none
inline), one form. The POST carries the browser session's CSRF token in a hidden field,
which a page of another site can neither read nor guess; the session cookie alone is not
enough to approve an install.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from parley.features.apps import oauth
from parley.features.apps.oauth import AUTHORIZE_PATH, AuthorizeError, AuthorizeRedirectError
from parley.features.auth.interface import principal_for_session
from parley.features.users.interface import get_user
from parley.platform.auth.principal import Principal
from parley.platform.errors import ApiError
from parley.platform.origin import Origin
from parley.platform.security import secrets_equal
from parley.platform.services import Services
from parley.platform.tenancy import Workspace
from parley.platform.webapi.http import SESSION_COOKIE

FORM_FIELDS = ("client_id", "scope", "user_scope", "redirect_uri", "state", "team")
MAX_FORM = 16_384
NO_STORE = {"cache-control": "no-store"}

SCOPE_WORDS: dict[str, str] = {
    "app_mentions:read": "See messages that mention the app",
    "bookmarks:read": "See bookmarks in channels",
    "bookmarks:write": "Add, change and remove bookmarks",
    "channels:history": "See messages in public channels the app is in",
    "channels:join": "Join public channels",
    "channels:manage": "Create and manage public channels",
    "channels:read": "See basic information about public channels",
    "channels:write": "Create and manage public channels",
    "chat:write": "Send messages",
    "chat:write.customize": "Send messages with a customized name and avatar",
    "chat:write.public": "Send messages to channels the app is not in",
    "commands": "Add slash commands people can use",
    "emoji:read": "See the workspace's custom emoji",
    "files:read": "See files shared in channels and conversations the app is in",
    "files:write": "Upload, edit and delete files",
    "groups:history": "See messages in private channels the app is in",
    "groups:read": "See basic information about private channels the app is in",
    "groups:write": "Manage private channels the app is in",
    "identity.basic": "See your name and who you are",
    "identity.email": "See your email address",
    "identity.team": "See which workspace you are in",
    "im:history": "See messages in direct messages the app is in",
    "im:read": "See basic information about direct messages",
    "im:write": "Start direct messages with people",
    "incoming-webhook": "Post messages to a channel you choose",
    "mpim:history": "See messages in group direct messages the app is in",
    "mpim:read": "See basic information about group direct messages",
    "mpim:write": "Start group direct messages with people",
    "pins:read": "See pinned messages",
    "pins:write": "Pin and unpin messages",
    "reactions:read": "See emoji reactions",
    "reactions:write": "Add and remove emoji reactions",
    "search:read": "Search the workspace's content",
    "stars:read": "See saved items",
    "stars:write": "Save and unsave items",
    "team:read": "See the workspace's name, domain and icon",
    "usergroups:read": "See user groups and who is in them",
    "usergroups:write": "Create and manage user groups",
    "users.profile:read": "See people's profile details",
    "users.profile:write": "Edit your profile",
    "users:read": "See people in the workspace",
    "users:read.email": "See people's email addresses",
    "users:write": "Set presence",
    "admin": "Administer the workspace",
}

_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;background:#f4f4f6;color:#1d1c1d;margin:0}
main{max-width:34rem;margin:3rem auto;background:#fff;border-radius:8px;padding:2rem;
box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin:0 0 .5rem}h2{font-size:1rem;margin:1.5rem 0 .25rem}
ul{padding-left:1.2rem}code{font-size:.85em;color:#616061}
.actions{display:flex;gap:1rem;margin-top:2rem}
button{font:inherit;padding:.5rem 1.25rem;border-radius:4px;border:1px solid #bbb;
background:#fff;cursor:pointer}button.allow{background:#007a5a;color:#fff;border-color:#007a5a}
.error{color:#b00020}
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)} · Parley</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )
    return HTMLResponse(html, status_code=status, headers=NO_STORE)


def _error_page(message: str, code: str, status: int = 400) -> HTMLResponse:
    return _page(
        "Cannot install app",
        f'<h1>This app cannot be installed</h1><p class="error">{escape(message)}</p>'
        f"<p><code>{escape(code)}</code></p>",
        status,
    )


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=302, headers=NO_STORE)


async def _signed_in(services: Services, request: Request) -> tuple[Principal, str] | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        async with services.db.read() as session:
            return await principal_for_session(session, cookie)
    except ApiError:
        return None


def _sign_in_page(request: Request) -> HTMLResponse:
    back = str(request.url)
    return _page(
        "Sign in",
        "<h1>Sign in to install this app</h1>"
        "<p>Sign in to the Parley workspace you want to install the app into, "
        "then open this install link again.</p>"
        '<p><a href="/signin">Sign in to Parley</a></p>'
        f'<p>Install link: <a href="{escape(back)}">{escape(back)}</a></p>',
        401,
    )


def _scope_list(scopes: tuple[str, ...]) -> str:
    items = "".join(
        f"<li>{escape(SCOPE_WORDS.get(s, s))} <code>{escape(s)}</code></li>" for s in scopes
    )
    return f"<ul>{items}</ul>"


def _consent_page(
    request: oauth.AuthorizeRequest, args: dict[str, str], workspace: Workspace, csrf: str
) -> HTMLResponse:
    app = request.app
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{escape(args.get(name, ""))}">'
        for name in FORM_FIELDS
    )
    sections = ""
    if request.bot_scopes:
        sections += "<h2>The app's bot will be able to</h2>" + _scope_list(request.bot_scopes)
    if request.user_scopes:
        sections += "<h2>The app will be able to act as you to</h2>" + _scope_list(
            request.user_scopes
        )
    description = str(app.manifest.get("display_information", {}).get("description") or "")
    body = (
        f"<h1>{escape(app.name)} wants to be installed in "
        f"{escape(workspace.name)}</h1>"
        + (f"<p>{escape(description)}</p>" if description else "")
        + f"<p>Workspace: <strong>{escape(workspace.name)}</strong> "
        f"<code>{escape(workspace.domain)}</code></p>"
        + sections
        + f'<form method="post" action="{AUTHORIZE_PATH}">{hidden}'
        f'<input type="hidden" name="csrf_token" value="{escape(csrf)}">'
        '<div class="actions">'
        '<button class="allow" type="submit" name="decision" value="allow">Allow</button>'
        '<button type="submit" name="decision" value="deny">Cancel</button>'
        "</div></form>"
    )
    return _page(f"Install {app.name}", body)


async def _checked(services: Services, args: dict[str, str]) -> oauth.AuthorizeRequest | Response:
    try:
        async with services.db.read() as session:
            return await oauth.check_authorize(session, args)
    except AuthorizeError as error:
        return _error_page(error.message, error.code)
    except AuthorizeRedirectError as error:
        return _redirect(
            oauth.with_query(error.redirect_uri, {"error": error.code, "state": error.state})
        )
    except ApiError as error:  # e.g. a stored manifest that no longer validates
        return _error_page(_decision_message(error), error.code)


def _team_mismatch(request: oauth.AuthorizeRequest, principal: Principal) -> Response | None:
    if request.team and request.team != principal.workspace_id:
        return _error_page(
            f"This install link is for another workspace ({request.team}); you are signed "
            f"in to {principal.team_name}. Sign in to that workspace and try again.",
            "team_mismatch",
        )
    return None


async def authorize_page(request: Request) -> Response:
    services: Services = request.app.state.services
    args = {k: v for k, v in request.query_params.items() if k in FORM_FIELDS}
    checked = await _checked(services, args)
    if isinstance(checked, Response):
        return checked
    signed_in = await _signed_in(services, request)
    if signed_in is None:
        return _sign_in_page(request)
    principal, csrf = signed_in
    mismatch = _team_mismatch(checked, principal)
    if mismatch is not None:
        return mismatch
    if principal.is_guest:
        return _error_page("Guests cannot install apps.", "not_allowed", 403)
    async with services.db.read() as session:
        workspace = await session.get(Workspace, principal.workspace_id)
    assert workspace is not None
    return _consent_page(checked, args, workspace, csrf)


async def _form(request: Request) -> dict[str, str] | None:
    body = await request.body()
    if len(body) > MAX_FORM:
        return None
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


async def authorize_decision(request: Request) -> Response:
    services: Services = request.app.state.services
    form = await _form(request)
    if form is None:
        return _error_page("The form was too large.", "invalid_form")
    signed_in = await _signed_in(services, request)
    if signed_in is None:
        return _sign_in_page(request)
    principal, csrf = signed_in
    if not secrets_equal(form.get("csrf_token", ""), csrf):
        return _error_page(
            "This form has expired or did not come from Parley. Open the install link again.",
            "invalid_csrf",
            403,
        )
    args = {name: form.get(name, "") for name in FORM_FIELDS}
    checked = await _checked(services, args)
    if isinstance(checked, Response):
        return checked
    mismatch = _team_mismatch(checked, principal)
    if mismatch is not None:
        return mismatch
    if form.get("decision") != "allow":
        return _redirect(
            oauth.with_query(
                checked.redirect_uri, {"error": "access_denied", "state": checked.state}
            )
        )
    host = request.client.host if request.client else ""
    origin = Origin(ip_address=host, user_agent=request.headers.get("user-agent", ""))
    try:
        code = await _approve(services, checked, principal, origin)
    except ApiError as error:
        return _error_page(_decision_message(error), error.code, 403)
    return _redirect(oauth.with_query(checked.redirect_uri, {"code": code, "state": checked.state}))


async def _approve(
    services: Services, request: oauth.AuthorizeRequest, principal: Principal, origin: Origin
) -> str:
    """Install and issue a code; a second try when a concurrent approval of the same app
    in the same workspace created the installation first (unique per app and workspace)."""
    for attempt in range(2):
        try:
            async with services.db.write() as uow:
                user = await get_user(uow.session, principal.workspace_id, principal.user_id)
                if user is None:
                    raise ApiError("not_allowed")
                return await oauth.do_approve(uow, request, user, origin)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def _decision_message(error: ApiError) -> str:
    messages: dict[str, Any] = {
        "not_allowed": "Your account may not install apps in this workspace.",
        "invalid_manifest": "The app's configuration is not valid.",
    }
    return str(messages.get(error.code, "The app could not be installed."))


def oauth_routes() -> list[BaseRoute]:
    return [
        Route(AUTHORIZE_PATH, authorize_page, methods=["GET"]),
        Route(AUTHORIZE_PATH, authorize_decision, methods=["POST"]),
    ]
