"""auth.passwordReset.*: "Forgot password?" by email, and setting a new password from the
link (see resets.py for the rules)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import Field

from parley.features.auth import resets, store
from parley.features.auth.cookies import session_body, start_cookies
from parley.features.auth.wire import ResetCheckResponse, SessionResponse
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params
from parley.platform.webapi.registry import Auth, Tier, api_method


class RequestResetParams(Params):
    domain: str = Field(max_length=64)
    email: str = Field(max_length=255)


@api_method(
    "auth.passwordReset.request",
    params=RequestResetParams,
    auth=Auth.NONE,
    tier=Tier.T1,
    slack_compatible=False,
)
async def auth_password_reset_request(call: Call, params: RequestResetParams) -> dict[str, Any]:
    """Mails a password-reset link; answers `ok` whether or not the address is a member.

    No user enumeration; at most a few mails an hour per address."""
    settings = call.services.settings
    db = call.services.db
    shard = await db.locator.shard_of_domain(params.domain)  # no token yet: by the domain
    with db.on_shard(shard):
        async with db.write() as uow:
            await resets.do_request_password_reset(
                uow,
                params.domain.strip().lower(),
                params.email,
                base_url=settings.base_url,
                lifetime=timedelta(minutes=settings.password_reset_minutes),
                origin=call.origin,
            )
    return {}


class ResetTokenParams(Params):
    # The secret from the mailed link (`token` is the API credential's name, so `code`).
    code: str = Field(max_length=200)


@api_method(
    "auth.passwordReset.check",
    params=ResetTokenParams,
    auth=Auth.NONE,
    tier=Tier.T1,
    slack_compatible=False,
    errors=("invalid_reset_token", "reset_token_expired"),
    response=ResetCheckResponse,
)
async def auth_password_reset_check(call: Call, params: ResetTokenParams) -> dict[str, Any]:
    """Whether a reset link still works (the reset page asks before showing its form)."""
    db = call.services.db
    async with db.workspace(store.workspace_in_secret(params.code)), db.write() as uow:
        reset = await resets.access_reset(uow, params.code)
        team = await store.workspace_name(uow.session, reset.workspace_id)
    return {"team": {"id": reset.workspace_id, "name": team}}


class ResetPasswordParams(ResetTokenParams):
    password: str = Field(max_length=256)


@api_method(
    "auth.passwordReset.complete",
    params=ResetPasswordParams,
    auth=Auth.NONE,
    tier=Tier.T1,
    slack_compatible=False,
    errors=(
        "invalid_reset_token",
        "reset_token_expired",
        "password_too_short",
        "password_too_long",
    ),
    response=SessionResponse,
)
async def auth_password_reset_complete(call: Call, params: ResetPasswordParams) -> dict[str, Any]:
    """Sets a new password with a reset link (once), ends other sessions, and signs in.

    Every other browser session of the account ends."""
    db = call.services.db
    async with db.workspace(store.workspace_in_secret(params.code)), db.write() as uow:
        reset = await resets.check_reset_password(uow, params.code, params.password, call.origin)
    for workspace_id, user_id in reset.signed_out:  # this node's cache; others expire soon
        call.services.credentials.forget_user(workspace_id, user_id)
    start_cookies(call, reset.session)
    return session_body(reset.session)
