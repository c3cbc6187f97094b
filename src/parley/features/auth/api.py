"""api.test, auth.* methods: token checks, revocation, browser sign-in and sign-up."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.audit.actions import record
from parley.features.auth import actions
from parley.features.auth.wire import SessionResponse
from parley.features.users.actions import check_email
from parley.features.workspaces import store as workspace_store
from parley.features.workspaces.actions import check_create_workspace
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.security import verify_password
from parley.platform.webapi.context import Call
from parley.platform.webapi.http import CSRF_COOKIE, SESSION_COOKIE
from parley.platform.webapi.params import Params, SlackBool
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Auth, Tier, api_method


class ApiTestParams(Params):
    error: str | None = None
    foo: str | None = None


@api_method("api.test", params=ApiTestParams, auth=Auth.NONE, tier=Tier.SPECIAL)
async def api_test(call: Call, params: ApiTestParams) -> dict[str, Any]:
    """Checks API calling code: echoes its arguments, or fails with the given error."""
    if params.error:
        raise ApiError(params.error[:100])
    args = {k: v for k, v in params.model_dump().items() if v is not None}
    return {"args": args} if args else {}


@api_method("auth.test", tier=Tier.SPECIAL)
async def auth_test(call: Call, params: Params) -> dict[str, Any]:
    """Checks authentication and tells you who you are."""
    principal = call.principal
    body: dict[str, Any] = {
        "url": call.services.settings.base_url + "/",
        "team": principal.team_name,
        "user": principal.user_name,
        "team_id": principal.workspace_id,
        "user_id": principal.user_id,
        "is_enterprise_install": False,
    }
    if principal.bot_id:
        body["bot_id"] = principal.bot_id
    if principal.app_id:
        body["app_id"] = principal.app_id
    return body


class RevokeParams(Params):
    test: SlackBool = False


@api_method(
    "auth.revoke",
    params=RevokeParams,
    tier=Tier.T3,
    token_kinds=frozenset({"user", "bot", "session"}),
)
async def auth_revoke(call: Call, params: RevokeParams) -> dict[str, Any]:
    """Revokes the calling token (or signs the browser session out)."""
    principal = call.principal
    if params.test:
        return {"revoked": False}
    async with call.services.db.write() as uow:
        if principal.token_id is not None:
            await actions.do_revoke_token(uow, principal.token_id)
        elif principal.session_id is not None:
            await actions.do_end_session(uow, principal.session_id)
        await record(
            uow,
            principal.workspace_id,
            "token_revoked",
            actor_id=principal.user_id,
            entity_type="token",
            entity_id=str(principal.token_id or "session"),
            origin=call.origin,
        )
    call.services.credentials.forget_user(principal.workspace_id, principal.user_id)
    call.set_cookies.append(_expired_cookie())
    return {"revoked": True}


def _session_cookie(call: Call, secret: str) -> dict[str, Any]:
    return {
        "key": SESSION_COOKIE,
        "value": secret,
        "max_age": int(actions.SESSION_LIFETIME.total_seconds()),
        "httponly": True,
        "samesite": "lax",
        "secure": call.services.settings.secure_cookies,
        "path": "/",
    }


def _csrf_cookie(call: Call, csrf: str) -> dict[str, Any]:
    # Readable by the page's script (not HttpOnly) so a reloaded client can send the header;
    # another origin can neither read it nor set the header, which is the point.
    return {
        "key": CSRF_COOKIE,
        "value": csrf,
        "max_age": int(actions.SESSION_LIFETIME.total_seconds()),
        "httponly": False,
        "samesite": "strict",
        "secure": call.services.settings.secure_cookies,
        "path": "/",
    }


def _expired_cookie() -> dict[str, Any]:
    return {
        "key": SESSION_COOKIE,
        "value": "",
        "max_age": 0,
        "httponly": True,
        "samesite": "lax",
        "path": "/",
    }


def _start_cookies(call: Call, new: actions.NewSession) -> None:
    call.set_cookies.append(_session_cookie(call, new.secret))
    call.set_cookies.append(_csrf_cookie(call, new.csrf_token))


async def _record_sign_in(
    uow: UnitOfWork, workspace_id: str, email: str, new: actions.NewSession | None, call: Call
) -> None:
    if new is None:
        await record(
            uow,
            workspace_id,
            "user_login_failed",
            actor_id=None,
            entity_type="email",
            entity_id=email.strip().lower()[:255],
            origin=call.origin,
        )
    else:
        await record(
            uow,
            workspace_id,
            "user_login",
            actor_id=new.user.id,
            entity_type="user",
            entity_id=new.user.id,
            origin=call.origin,
        )


def _session_body(new: actions.NewSession) -> dict[str, Any]:
    return {"user_id": new.user.id, "team_id": new.user.workspace_id, "csrf_token": new.csrf_token}


class SignInParams(Params):
    domain: str = Field(max_length=64)
    email: str = Field(max_length=255)
    password: str = Field(max_length=256)


@api_method(
    "auth.signin",
    params=SignInParams,
    auth=Auth.NONE,
    tier=Tier.T2,
    slack_compatible=False,
    errors=("invalid_credentials", "account_inactive"),
    response=SessionResponse,
)
async def auth_signin(call: Call, params: SignInParams) -> dict[str, Any]:
    """Signs a person in with email and password; sets an HttpOnly session cookie."""
    async with call.services.db.write() as uow:
        workspace = await workspace_store.get_workspace_by_domain(
            uow.session, params.domain.lower()
        )
        if workspace is None:
            # Same answer and the same argon2 cost as a wrong password: no enumeration.
            verify_password(None, params.password)
            new = None
        else:
            new = await actions.check_sign_in(uow, workspace.id, params.email, params.password)
            await _record_sign_in(uow, workspace.id, params.email, new, call)
    if new is None:
        raise ApiError("invalid_credentials")
    _start_cookies(call, new)
    return _session_body(new)


@api_method(
    "auth.signout",
    auth=Auth.TOKEN,
    token_kinds=frozenset({"session"}),  # a token is ended with auth.revoke
    tier=Tier.T2,
    slack_compatible=False,
)
async def auth_signout(call: Call, params: Params) -> dict[str, Any]:
    """Ends the browser session server-side and clears its cookie."""
    if call.principal.session_id is None:
        raise ApiError("not_allowed_token_type")
    async with call.services.db.write() as uow:
        await actions.do_end_session(uow, call.principal.session_id)
        await record(
            uow,
            call.principal.workspace_id,
            "user_logout",
            actor_id=call.principal.user_id,
            entity_type="user",
            entity_id=call.principal.user_id,
            origin=call.origin,
        )
    call.services.credentials.forget_user(call.principal.workspace_id, call.principal.user_id)
    call.set_cookies.append(_expired_cookie())
    return {}


class SignUpParams(Params):
    team_name: str = Field(max_length=100)
    domain: str = Field(max_length=64)
    email: str = Field(max_length=255)
    password: str = Field(max_length=256)
    real_name: str = Field(default="", max_length=100)


@api_method(
    "auth.signup",
    params=SignUpParams,
    auth=Auth.NONE,
    tier=Tier.T1,
    slack_compatible=False,
    errors=("domain_taken", "invalid_domain", "invalid_email"),
    response=SessionResponse,
)
async def auth_signup(call: Call, params: SignUpParams) -> dict[str, Any]:
    """Creates a workspace with the caller as its primary owner and signs them in."""
    async with call.services.db.write() as uow:
        created = await check_create_workspace(
            uow,
            name=params.team_name,
            domain=params.domain,
            owner_email=params.email,
            owner_password=params.password,
            owner_name=params.real_name,
        )
        new = await actions.do_start_session(uow, created.owner)
        await record(
            uow,
            created.workspace.id,
            "workspace_created",
            actor_id=created.owner.id,
            entity_type="workspace",
            entity_id=created.workspace.id,
            origin=call.origin,
        )
    _start_cookies(call, new)
    return _session_body(new)


class AcceptInviteParams(Params):
    code: str = Field(max_length=200)
    email: str = Field(max_length=255)
    password: str = Field(max_length=256)
    real_name: str = Field(default="", max_length=100)


@api_method(
    "auth.acceptInvite",
    params=AcceptInviteParams,
    auth=Auth.NONE,
    tier=Tier.T1,
    slack_compatible=False,
    errors=("invite_not_found", "invite_expired", "invite_already_used"),
    response=SessionResponse,
)
async def auth_accept_invite(call: Call, params: AcceptInviteParams) -> dict[str, Any]:
    """Redeems an invite code: creates the account and signs it in."""
    async with call.services.db.write() as uow:
        new = await actions.check_accept_invitation(
            uow,
            params.code,
            email=check_email(params.email),
            password=params.password,
            real_name=params.real_name,
        )
    _start_cookies(call, new)
    return _session_body(new)


@api_method(
    "auth.session",
    token_kinds=HUMAN_TOKEN_KINDS,
    tier=Tier.SPECIAL,
    slack_compatible=False,
    response=SessionResponse,
)
async def auth_session(call: Call, params: Params) -> dict[str, Any]:
    """Who the browser session belongs to (the web client calls this on load)."""
    principal = call.principal
    return {"user_id": principal.user_id, "team_id": principal.workspace_id}
