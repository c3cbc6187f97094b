"""The authorisation matrix, generated from the method registry's declared auth, token kinds
and scopes: every method, every kind of caller, the documented Slack-style outcome.

Tokens never expire in Parley (like Slack's non-rotating tokens), so "expired" is covered by
browser sessions, which do expire.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from parley.composition import install
from parley.features.auth.models import BrowserSession
from parley.platform.clock import utc_now
from parley.platform.services import Services
from parley.platform.settings import Settings
from parley.platform.webapi.registry import REGISTRY, Auth, Method
from tests.conftest import Api
from tests.factories import PASSWORD, Factory
from tests.security.test_isolation import CHANNEL_VARIANTS, NEUTRAL_PARAMS, _arguments
from tests.security.world import build_workspace_a

install()

# auth.revoke last: it ends the very tokens the matrix calls with.
TOKEN_METHODS = sorted(
    (n for n, m in REGISTRY.items() if m.auth is Auth.TOKEN), key=lambda n: (n == "auth.revoke", n)
)
GATE_ERRORS = {
    "not_authed",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "missing_scope",
    "not_allowed_token_type",
    "invalid_csrf",
}
ROLE_ERRORS = {
    "not_an_admin",
    "not_an_owner",
    "restricted_action",
    "no_permission",
    "not_authorized",
}
# Methods a plain member may not use although their scopes do not say so (decided by role).
ROLE_RESTRICTED: dict[str, set[str]] = {
    "admin.audit": {"owner"},  # the audit trail is for owners only
    "team.accessLogs": {"owner", "admin"},
    "apps.manifest.create": {"owner", "admin"},
    "apps.manifest.update": {"owner", "admin"},
    "apps.manifest.delete": {"owner", "admin"},
    "incomingWebhooks.create": {"owner", "admin"},
}
# Bot-token methods that need the bot of an installed app (a bare bot user has no views).
APP_BOT_ONLY = {"views.open", "views.publish", "views.push", "views.update"}
# Channel methods a non-member may call on a private channel and get ok:true, and why.
NON_MEMBER_OK: dict[str, str] = {
    "conversations.open": "`users` wins: opens the caller's own DM, never the private channel",
    "files.list": "`channel` is a filter over files the caller can see: an empty list",
}


def _admin_only(method: Method) -> set[str] | None:
    """The roles allowed to call `method`, when the method is restricted by role."""
    if method.name in ROLE_RESTRICTED:
        return ROLE_RESTRICTED[method.name]
    if "admin" in method.scopes:
        return {"owner", "admin"}
    return None


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        public_url="http://parley.test",
        rate_limits_enabled=False,
    )


async def _post(
    client: httpx.AsyncClient,
    method: str,
    token: str | None = None,
    args: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, object]:
    all_headers = dict(headers or {})
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    response = await client.post(f"/api/{method}", data=args or {}, headers=all_headers)
    assert response.status_code == 200, (method, response.status_code)
    body: dict[str, object] = response.json()
    assert body.get("error") != "internal_error", (method, body)
    return body


async def test_credential_gates_for_every_method(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    revoked = await factory.token(member)
    assert (await api("auth.revoke", revoked))["revoked"]
    leaver = await factory.user(team)
    assert (
        await api("admin.users.setActive", team.owner.token, user_id=leaver.user_id, active="false")
    )["ok"]
    no_scope_user = await factory.token(member, scopes=())
    no_scope_bot = await factory.bot(team, scopes=())
    # An installed app: its bot holds every bot scope, and it has an app-level token.
    app = await api("apps.manifest.create", team.owner.token, manifest=NEUTRAL_PARAMS["manifest"])
    app_bot, app_token = app["bot_token"], app["app_token"]
    signin = await client.post(
        "/api/auth.signin",
        json={"domain": team.domain, "email": member.email, "password": PASSWORD},
    )
    session_cookie, csrf = signin.cookies["parley_session"], signin.json()["csrf_token"]
    async with services.db.write() as uow:  # the session ran out an hour ago
        await uow.session.execute(
            update(BrowserSession)
            .where(BrowserSession.user_id == member.user_id)
            .values(expires_at=utc_now() - timedelta(hours=1))
        )
    client.cookies.clear()

    problems: list[str] = []

    def expect(name: str, case: str, body: dict[str, object], error: str) -> None:
        if body.get("error") != error:
            problems.append(f"{name} [{case}] expected {error}, got {body}")

    for name in TOKEN_METHODS:
        method = REGISTRY[name]
        expect(name, "no credentials", await _post(client, name), "not_authed")
        expect(name, "unknown token", await _post(client, name, "xoxp-T0-nope"), "invalid_auth")
        expect(name, "malformed token", await _post(client, name, "Bearer x"), "invalid_auth")
        expect(name, "revoked", await _post(client, name, revoked), "token_revoked")
        expect(name, "deactivated", await _post(client, name, leaver.token), "account_inactive")
        client.cookies.set("parley_session", session_cookie)
        expired = await _post(client, name, headers={"X-Parley-CSRF": csrf})
        client.cookies.clear()
        expect(name, "expired session", expired, "token_expired")
        for kind, token, scoped in (
            ("user", no_scope_user, None),
            ("bare bot", no_scope_bot.token, None),
            ("bot", app_bot, True),
            ("app", app_token, True),
        ):
            body = await _post(client, name, token)
            if kind == "bare bot":
                kind = "bot"
                if name in APP_BOT_ONLY:
                    expect(name, "bot of no app", body, "not_allowed_token_type")
                    continue
            if kind not in method.token_kinds:
                expect(name, f"{kind} token", body, "not_allowed_token_type")
            elif method.scopes and not scoped:
                expect(name, f"{kind} without scope", body, "missing_scope")
                if body.get("needed") != ",".join(method.scopes) or body.get("provided") != "":
                    problems.append(f"{name} [{kind} without scope] needed/provided: {body}")
            elif body.get("error") in GATE_ERRORS:
                problems.append(f"{name} [{kind} allowed] refused at the gate: {body}")
    assert problems == [], "\n".join(problems)


async def test_roles_and_channel_membership_for_every_method(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    a = await build_workspace_a(api, client, factory)
    team = a.team
    people = {
        "owner": team.owner,
        "admin": await factory.user(team, role="admin"),
        "member": await factory.user(team),
        "guest": await factory.user(team, role="guest"),
    }
    target = await factory.user(team, name="Target Person")
    private = CHANNEL_VARIANTS[1]
    problems: list[str] = []
    for name in sorted(REGISTRY):
        method = REGISTRY[name]
        allowed = _admin_only(method)
        params = list(method.params.model_fields)
        args = _arguments(method, a, CHANNEL_VARIANTS[0])  # the workspace's own objects
        for p in ("user", "user_id", "users"):
            if p in args:
                args[p] = target.user_id
        if allowed is not None:
            for role in ("member", "guest", "admin"):
                if role in allowed:
                    continue
                token = await factory.token(people[role])
                body = await _post(client, name, token, args)
                if body.get("ok") or body.get("error") not in ROLE_ERRORS:
                    problems.append(f"{name} [{role}] expected a role error, got {body}")
        channel_params = {"channel", "channel_id", "channels"} & set(params)
        if channel_params:
            # People outside the private channel (a member, a guest, an admin) get nothing.
            for role in ("member", "guest", "admin"):
                token = await factory.token(people[role])
                body = await _post(client, name, token, _arguments(method, a, private))
                if body.get("ok") and name not in NON_MEMBER_OK:
                    problems.append(f"{name} [{role}, not in private channel] answered ok: {body}")
                if a.secret in str(body) or (body.get("ok") and a.ids["private"] in str(body)):
                    problems.append(f"{name} [{role}] leaks the private channel: {body}")
    assert problems == [], "\n".join(problems)
