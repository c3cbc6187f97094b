"""OAuth v2 installs: an app created in one workspace is installed into another.

The flow is Slack's (https://docs.slack.dev/authentication/installing-with-oauth):
1. the app sends a person to `GET /oauth/v2/authorize?client_id&scope&user_scope&
   redirect_uri&state`; `check_authorize` validates the request;
2. the person approves on Parley's consent page: `do_approve` installs the app in their
   workspace (bot user, slash commands, event delivery) and issues a code;
3. the app's server trades the code for tokens with `oauth.v2.access`
   (`check_exchange`): single use, 10 minutes, bound to the app and redirect URI.

An installation in another workspace is an `AppInstallation` row; the app's own workspace
needs none (its bot user exists since `apps.manifest.create`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import delete, update

from parley.features.apps import store
from parley.features.apps.actions import (
    do_create_bot_user,
    do_delete_app,
    enqueue_deliveries,
    ensure_cursor,
    replace_commands,
)
from parley.features.apps.manifest import check_manifest, served_scopes
from parley.features.apps.models import App, AppCommand, AppInstallation, OAuthCode
from parley.features.audit.interface import record
from parley.features.auth.interface import do_issue_token
from parley.features.auth.models import Token
from parley.features.users.interface import User, do_set_deactivated, get_bot_of_app, get_user
from parley.platform.auth.principal import Principal
from parley.platform.auth.scopes import parse_scopes
from parley.platform.clock import as_utc, event_ts, utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.ids import new_id
from parley.platform.origin import Origin
from parley.platform.security import hash_secret, new_secret, secrets_equal
from parley.platform.tenancy import Workspace

AUTHORIZE_PATH = "/oauth/v2/authorize"
CODE_LIFETIME = timedelta(minutes=10)
CODE_PREFIX = "pcode-"


class AuthorizeError(Exception):
    """An authorize request that cannot go back to the app: shown to the person as a page
    (an unknown app or an unregistered redirect URI must never be redirected to)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class AuthorizeRedirectError(Exception):
    """An authorize request from a known app to a valid redirect URI that still fails
    (`invalid_scope`): the person is sent back to the app with `error=`."""

    def __init__(self, code: str, redirect_uri: str, state: str) -> None:
        super().__init__(code)
        self.code = code
        self.redirect_uri = redirect_uri
        self.state = state


@dataclass(frozen=True)
class AuthorizeRequest:
    app: App
    bot_scopes: tuple[str, ...]
    user_scopes: tuple[str, ...]
    redirect_uri: str  # where the browser goes next
    requested_redirect_uri: str | None  # as the request named it (bound to the code)
    state: str
    team: str | None


def redirect_allowed(requested: str, registered: Sequence[str]) -> bool:
    """Slack's rule: same scheme, host and port as a registered URL, and the same path or
    one below it (`https://a.example/auth` allows `https://a.example/auth/slack`)."""
    want = urlsplit(requested)
    if want.scheme not in ("http", "https") or not want.netloc or want.fragment:
        return False
    if "/.." in want.path or "%2e" in want.path.lower() or "\\" in requested:
        return False
    for url in registered:
        have = urlsplit(url)
        if (have.scheme, have.netloc.lower()) != (want.scheme, want.netloc.lower()):
            continue
        base = have.path.rstrip("/")
        if want.path in (have.path, base) or want.path.startswith(base + "/"):
            return True
    return False


def with_query(url: str, params: Mapping[str, str]) -> str:
    """`url` with `params` added to its query string (existing parameters kept)."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params.items()]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


async def check_authorize(uow_session: Any, args: Mapping[str, str]) -> AuthorizeRequest:
    """Validate an authorize request (query string of the GET, fields of the POST)."""
    client_id = args.get("client_id", "").strip()
    app = await store.get_app_by_client_id(uow_session, client_id) if client_id else None
    if app is None:
        raise AuthorizeError(
            "invalid_client_id", "This link does not name an app known to this Parley server."
        )
    manifest = check_manifest(app.manifest)
    registered = manifest.redirect_urls
    requested = args.get("redirect_uri", "").strip() or None
    if not registered:
        raise AuthorizeError(
            "bad_redirect_uri",
            f"{app.name} has no OAuth redirect URL configured, so it cannot be installed.",
        )
    if requested is not None and not redirect_allowed(requested, registered):
        raise AuthorizeError(
            "bad_redirect_uri",
            f"The redirect URL in this link is not one {app.name} registered.",
        )
    redirect_uri = requested or registered[0]
    state = args.get("state", "")
    bot_scopes = parse_scopes(args.get("scope", ""))
    user_scopes = parse_scopes(args.get("user_scope", ""))
    if (
        (not bot_scopes and not user_scopes)
        or not set(bot_scopes) <= set(manifest.bot_scopes)
        or not set(user_scopes) <= set(manifest.user_scopes)
    ):
        raise AuthorizeRedirectError("invalid_scope", redirect_uri, state)
    return AuthorizeRequest(
        app=app,
        bot_scopes=bot_scopes,
        user_scopes=user_scopes,
        redirect_uri=redirect_uri,
        requested_redirect_uri=requested,
        state=state,
        team=args.get("team", "").strip() or None,
    )


def check_installer(user: User) -> None:
    """Members, admins and owners may install apps; guests and bots may not."""
    if user.deleted or user.is_bot or user.role not in {"owner", "admin", "member"}:
        raise ApiError("not_allowed")


async def do_install(
    uow: UnitOfWork, app: App, user: User, bot_scopes: tuple[str, ...]
) -> AppInstallation | None:
    """Install the app's bot into the installer's workspace (or widen its scopes there).
    Nothing to create in the app's own workspace, nor for a user-scopes-only install."""
    workspace_id = user.workspace_id
    if workspace_id == app.workspace_id or not bot_scopes:
        return None
    now = utc_now()
    installation = await store.get_installation(uow.session, app.id, workspace_id)
    if installation is not None:
        granted = parse_scopes(installation.bot_scopes + "," + ",".join(bot_scopes))
        installation.bot_scopes = ",".join(granted)
        installation.updated = now
        await uow.session.flush()
        return installation
    manifest = check_manifest(app.manifest)
    bot = await get_bot_of_app(uow.session, workspace_id, app.id)
    if bot is None:
        bot = await do_create_bot_user(uow, workspace_id, manifest, app.id)
    elif bot.deleted:
        await do_set_deactivated(uow, bot, False)  # installed again after an uninstall
    installation = AppInstallation(
        app_id=app.id,
        workspace_id=workspace_id,
        bot_user_id=bot.id,
        bot_id=bot.bot_id or "",
        bot_scopes=",".join(bot_scopes),
        installed_by=user.id,
        created=now,
        updated=now,
    )
    uow.session.add(installation)
    await uow.session.flush()
    await replace_commands(uow, store.installed_view(app, installation), manifest, skip_taken=True)
    await ensure_cursor(uow, workspace_id)
    return installation


async def do_approve(uow: UnitOfWork, request: AuthorizeRequest, user: User, origin: Origin) -> str:
    """The person approved: install, record it, and return a fresh authorization code."""
    check_installer(user)
    await do_install(uow, request.app, user, request.bot_scopes)
    # Codes of this app that expired a day ago are of no use to anyone any more.
    await uow.session.execute(
        delete(OAuthCode).where(
            OAuthCode.app_id == request.app.id,
            OAuthCode.expires_at < utc_now() - timedelta(days=1),
        )
    )
    code = new_secret(CODE_PREFIX, 24)
    uow.session.add(
        OAuthCode(
            code_hash=hash_secret(code),
            app_id=request.app.id,
            workspace_id=user.workspace_id,
            user_id=user.id,
            redirect_uri=request.requested_redirect_uri,
            bot_scopes=",".join(request.bot_scopes),
            user_scopes=",".join(request.user_scopes),
            expires_at=utc_now() + CODE_LIFETIME,
            used_at=None,
        )
    )
    await record(
        uow,
        user.workspace_id,
        "app_installed",
        actor_id=user.id,
        entity_type="app",
        entity_id=request.app.id,
        origin=origin,
        details={
            "app_name": request.app.name,
            "app_team_id": request.app.workspace_id,
            "scopes": list(request.bot_scopes),
            "user_scopes": list(request.user_scopes),
        },
    )
    await uow.session.flush()
    return code


async def check_client(uow: UnitOfWork, client_id: str, client_secret: str) -> App:
    """The app whose OAuth client credentials these are."""
    app = await store.get_app_by_client_id(uow.session, client_id) if client_id else None
    if app is None:
        raise ApiError("invalid_client_id")
    if not secrets_equal(hash_secret(client_secret), app.client_secret_hash):
        raise ApiError("bad_client_secret")
    return app


def check_grant_type(grant_type: str | None) -> None:
    """oauth.v2.access trades authorization codes only: Parley does not rotate tokens, so a
    refresh (or any other grant) is `invalid_grant_type`."""
    if grant_type not in (None, "", "authorization_code"):
        raise ApiError("invalid_grant_type")


async def check_uninstall(
    uow: UnitOfWork, principal: Principal, client_id: str, client_secret: str, origin: Origin
) -> set[tuple[str, str]]:
    """apps.uninstall: the app named by its client credentials leaves the token's workspace.
    Where it was installed by OAuth, only that install goes; in its own workspace the app is
    deleted (and so are its installs elsewhere). Returns (workspace, user) of every
    credential that ended. An app neither made nor installed here is `invalid_client_id`,
    as an unknown one is, before the secret is looked at."""
    workspace_id = principal.workspace_id
    app = await store.get_app_by_client_id(uow.session, client_id)
    installation = (
        await store.get_installation(uow.session, app.id, workspace_id)
        if app is not None and app.workspace_id != workspace_id
        else None
    )
    if app is None or (app.workspace_id != workspace_id and installation is None):
        raise ApiError("invalid_client_id")
    if not secrets_equal(hash_secret(client_secret), app.client_secret_hash):
        raise ApiError("bad_client_secret")
    if installation is not None:
        gone = await do_uninstall(uow, app, installation, actor_id=principal.user_id, origin=origin)
        return {(workspace_id, user_id) for user_id in gone}
    home_bot = (app.workspace_id, app.bot_user_id)
    return await do_delete_app(uow, app) | {home_bot}


async def check_exchange(
    uow: UnitOfWork, app: App, code: str, redirect_uri: str | None
) -> dict[str, Any]:
    """Trade a code for tokens (Slack's `oauth.v2.access` answer, without `ok`)."""
    row = await store.get_oauth_code(uow.session, code) if code else None
    if row is None or row.app_id != app.id:
        raise ApiError("invalid_code")
    if row.used_at is not None:
        raise ApiError("code_already_used")
    if as_utc(row.expires_at) <= utc_now():
        raise ApiError("invalid_code")
    if row.redirect_uri is not None and redirect_uri != row.redirect_uri:
        raise ApiError("bad_redirect_uri")
    registered = check_manifest(app.manifest).redirect_urls
    if row.redirect_uri is None and redirect_uri and not redirect_allowed(redirect_uri, registered):
        raise ApiError("bad_redirect_uri")
    # Guarded update: of two concurrent exchanges of one code, exactly one wins.
    claimed = await uow.session.execute(
        update(OAuthCode)
        .where(OAuthCode.code_hash == row.code_hash, OAuthCode.used_at.is_(None))
        .values(used_at=utc_now())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError("code_already_used")
    workspace = await uow.session.get(Workspace, row.workspace_id)
    installer = await get_user(uow.session, row.workspace_id, row.user_id)
    if workspace is None or installer is None or installer.deleted:
        raise ApiError("invalid_code")
    answer: dict[str, Any] = {"app_id": app.id}
    bot_scopes = parse_scopes(row.bot_scopes)
    if bot_scopes:
        answer.update(await _bot_token(uow, app, row.workspace_id, bot_scopes))
    answer["team"] = {"id": workspace.id, "name": workspace.name}
    answer["enterprise"] = None
    answer["is_enterprise_install"] = False
    authed_user: dict[str, Any] = {"id": installer.id}
    user_scopes = served_scopes(parse_scopes(row.user_scopes))
    if user_scopes:
        authed_user["scope"] = ",".join(user_scopes)
        authed_user["access_token"] = await do_issue_token(
            uow, installer, kind="user", scopes=user_scopes, app_id=app.id, label=app.name
        )
        authed_user["token_type"] = "user"
    answer["authed_user"] = authed_user
    return answer


async def _bot_token(
    uow: UnitOfWork, app: App, workspace_id: str, requested: tuple[str, ...]
) -> dict[str, Any]:
    if workspace_id == app.workspace_id:
        bot_user_id, scopes = app.bot_user_id, requested
    else:
        installation = await store.get_installation(uow.session, app.id, workspace_id)
        if installation is None:
            raise ApiError("invalid_code")  # uninstalled between approval and exchange
        bot_user_id, scopes = installation.bot_user_id, parse_scopes(installation.bot_scopes)
    bot = await get_user(uow.session, workspace_id, bot_user_id)
    if bot is None or bot.deleted:
        raise ApiError("invalid_code")
    # The grant keeps every scope consented to; the token carries those Parley serves.
    scopes = served_scopes(scopes)
    token = await do_issue_token(uow, bot, kind="bot", scopes=scopes, app_id=app.id, label=app.name)
    # Earlier bot tokens of this install keep working with the scopes granted now.
    await uow.session.execute(
        update(Token)
        .where(
            Token.app_id == app.id,
            Token.workspace_id == workspace_id,
            Token.user_id == bot.id,
            Token.kind == "bot",
            Token.revoked_at.is_(None),
        )
        .values(scopes=",".join(scopes))
    )
    return {
        "access_token": token,
        "token_type": "bot",
        "scope": ",".join(scopes),
        "bot_user_id": bot.id,
    }


async def do_uninstall(
    uow: UnitOfWork,
    app: App,
    installation: AppInstallation,
    *,
    actor_id: str | None,
    origin: Origin,
) -> set[str]:
    """Remove the app from a workspace it was installed into: revoke every token it holds
    there, tell the app (`tokens_revoked`, `app_uninstalled` when subscribed), deactivate
    its bot user there and drop its commands. Returns the users whose tokens went."""
    view = store.installed_view(app, installation)
    tokens = await store.app_tokens_in_workspace(uow.session, app.id, installation.workspace_id)
    oauth_users = sorted({t.user_id for t in tokens if t.kind == "user"})
    bot_users = sorted({t.user_id for t in tokens if t.kind != "user"})
    now = utc_now()
    await uow.session.execute(
        update(Token).where(Token.id.in_([t.id for t in tokens])).values(revoked_at=now)
    )
    notices: list[dict[str, Any]] = []
    if "tokens_revoked" in app.bot_events and tokens:
        notices.append(
            {"type": "tokens_revoked", "tokens": {"oauth": oauth_users, "bot": bot_users}}
        )
    if "app_uninstalled" in app.bot_events:
        notices.append({"type": "app_uninstalled"})
    await enqueue_deliveries(uow, view, [_notice(view, event) for event in notices])
    await uow.session.execute(
        delete(AppCommand).where(
            AppCommand.app_id == app.id, AppCommand.workspace_id == installation.workspace_id
        )
    )
    await uow.session.execute(
        delete(OAuthCode).where(
            OAuthCode.app_id == app.id, OAuthCode.workspace_id == installation.workspace_id
        )
    )
    bot = await get_user(uow.session, installation.workspace_id, installation.bot_user_id)
    await uow.session.delete(installation)
    await uow.session.flush()
    if bot is not None and not bot.deleted:
        await do_set_deactivated(uow, bot, True)
    await record(
        uow,
        view.workspace_id,
        "app_uninstalled",
        actor_id=actor_id,
        entity_type="app",
        entity_id=app.id,
        origin=origin,
        details={"app_name": app.name},
    )
    return {*oauth_users, *bot_users}


def _notice(app: App, event: dict[str, Any]) -> dict[str, Any]:
    """An Events API envelope for an event about the app itself (not from the event log)."""
    event = {**event, "event_ts": event_ts()}
    return {
        "token": app.verification_token,
        "team_id": app.workspace_id,
        "api_app_id": app.id,
        "event": event,
        "type": "event_callback",
        "event_id": "Ev" + new_id("", 12),
        "event_time": int(utc_now().timestamp()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": app.workspace_id,
                "user_id": app.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
