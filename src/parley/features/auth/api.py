"""api.test, auth.* methods: token checks, revocation, browser sign-in and sign-up."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.auth import actions, store
from parley.features.auth.cookies import (
    expired_cookie,
    session_body,
    session_lifetime,
    start_cookies,
)
from parley.features.auth.wire import SessionResponse, TeamsListResponse
from parley.features.users.interface import check_email
from parley.platform.errors import ApiError
from parley.platform.webapi.context import Call
from parley.platform.webapi.pagination import page_metadata
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


class TeamsListParams(Params):
    cursor: str | None = None
    limit: int | None = Field(default=None, ge=0)
    include_icon: SlackBool = False


@api_method("auth.teams.list", params=TeamsListParams, tier=Tier.T2, response=TeamsListResponse)
async def auth_teams_list(call: Call, params: TeamsListParams) -> dict[str, Any]:
    """Lists the workspaces the token can access: its own (no organisation-wide tokens)."""
    async with call.services.db.read() as session:
        teams = await actions.accessible_teams(
            session, call.principal, include_icon=params.include_icon
        )
    return {"teams": teams, "response_metadata": page_metadata(None)}


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
        await actions.do_revoke_own_credential(uow, principal, call.origin)
    call.services.credentials.forget_user(principal.workspace_id, principal.user_id)
    call.set_cookies.append(expired_cookie())
    return {"revoked": True}


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
    db = call.services.db
    shard = await db.locator.shard_of_domain(params.domain)  # no token yet: by the domain
    with db.on_shard(shard):
        async with db.write() as uow:  # commits failures too: throttle and audit
            new = await actions.check_sign_in(
                uow,
                params.domain,
                params.email,
                params.password,
                call.origin,
                lifetime=session_lifetime(call),
            )
    if new is None:
        raise ApiError("invalid_credentials")
    start_cookies(call, new)
    return session_body(new)


@api_method(
    "auth.signout",
    auth=Auth.TOKEN,
    token_kinds=frozenset({"session"}),  # a token is ended with auth.revoke
    tier=Tier.T2,
    slack_compatible=False,
)
async def auth_signout(call: Call, params: Params) -> dict[str, Any]:
    """Ends the browser session server-side and clears its cookie."""
    async with call.services.db.write() as uow:
        await actions.do_sign_out(uow, call.principal, call.origin)
    call.services.credentials.forget_user(call.principal.workspace_id, call.principal.user_id)
    call.set_cookies.append(expired_cookie())
    return {}


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
    workspace_id = store.workspace_in_secret(params.code)  # no caller yet: the code says
    db = call.services.db
    async with db.workspace(workspace_id), db.write() as uow:
        new = await actions.check_accept_invitation(
            uow,
            params.code,
            email=check_email(params.email),
            password=params.password,
            real_name=params.real_name,
            lifetime=session_lifetime(call),
        )
    start_cookies(call, new)
    return session_body(new)


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
