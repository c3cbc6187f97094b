"""apps.manifest.*, apps.connections.open and Parley's apps.event_delivery.status."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from parley.features.apps import actions, oauth, store
from parley.features.apps.authorizations import access_event_authorizations
from parley.features.apps.manifest import Manifest, check_manifest
from parley.features.apps.models import App
from parley.features.apps.oauth import AUTHORIZE_PATH
from parley.features.apps.schemas import created_app_object, delivery_object
from parley.features.apps.socket import SOCKET_PATH, TICKET_TTL
from parley.features.apps.wire import ManifestExportResponse
from parley.platform.errors import ApiError
from parley.platform.webapi.context import Call
from parley.platform.webapi.pagination import clamp_limit, decode_cursor, page_metadata
from parley.platform.webapi.params import Params
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Auth, Tier, api_method

MANIFEST_ERRORS = ("invalid_manifest", "no_permission")


class ManifestParams(Params):
    manifest: Any = None


class AppManifestParams(Params):
    app_id: str | None = None
    manifest: Any = None


class AppIdParams(Params):
    app_id: str | None = None


def _base_url(call: Call) -> str:
    settings = call.services.settings
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return str(call.request.base_url).rstrip("/")


@api_method(
    "apps.manifest.validate",
    params=ManifestParams,
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    missing_errors={"manifest": "invalid_manifest"},
    errors=("invalid_manifest",),
)
async def apps_manifest_validate(call: Call, params: ManifestParams) -> dict[str, Any]:
    """Validate an app manifest (JSON or YAML); `warnings` name what Parley accepts but does
    not serve or deliver yet."""
    return _warnings(check_manifest(params.manifest))


def _warnings(manifest: Manifest) -> dict[str, Any]:
    """Slack's `warnings` (shaped like `errors`), present only when there are some."""
    return {"warnings": list(manifest.warnings)} if manifest.warnings else {}


@api_method(
    "apps.manifest.create",
    params=ManifestParams,
    tier=Tier.T1,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=MANIFEST_ERRORS,
    partial=(
        "installs the app in the caller's workspace at once (tokens in the answer); other "
        "workspaces install it by OAuth v2 (oauth_authorize_url)"
    ),
)
async def apps_manifest_create(call: Call, params: ManifestParams) -> dict[str, Any]:
    """Create an app from a manifest; Parley installs it in the workspace right away."""
    async with call.services.db.write() as uow:
        created, manifest = await actions.check_create_app(
            uow, call.principal, params.manifest, call.origin
        )
    body = created_app_object(created)
    body["oauth_authorize_url"] = _authorize_url(call, created.app, manifest)
    return body | _warnings(manifest)


def _authorize_url(call: Call, app: App, manifest: Manifest) -> str:
    """Where to send a person of another workspace to install the app (Slack's shape)."""
    query = {"client_id": app.client_id, "scope": ",".join(manifest.bot_scopes)}
    if manifest.user_scopes:
        query["user_scope"] = ",".join(manifest.user_scopes)
    return f"{_base_url(call)}{AUTHORIZE_PATH}?{urlencode(query)}"


@api_method(
    "apps.manifest.update",
    params=AppManifestParams,
    tier=Tier.T1,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=(*MANIFEST_ERRORS, "app_not_found"),
)
async def apps_manifest_update(call: Call, params: AppManifestParams) -> dict[str, Any]:
    """Replace an app's manifest (settings, commands, bot scopes)."""
    async with call.services.db.write() as uow:
        updated = await actions.check_update_app(
            uow, call.principal, params.app_id, params.manifest
        )
    app = updated.app
    call.services.credentials.forget_user(app.workspace_id, app.bot_user_id)  # new scopes
    answer = {"app_id": app.id, "permissions_updated": updated.permissions_updated}
    return answer | _warnings(updated.manifest)


@api_method(
    "apps.manifest.delete",
    params=AppIdParams,
    tier=Tier.T1,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=("app_not_found", "no_permission"),
)
async def apps_manifest_delete(call: Call, params: AppIdParams) -> dict[str, Any]:
    """Delete an app: its tokens are revoked and its bot user deactivated."""
    async with call.services.db.write() as uow:
        ended = await actions.check_delete_app(uow, call.principal, params.app_id)
    _forget(call, ended)
    return {}


def _forget(call: Call, holders: set[tuple[str, str]]) -> None:
    """Drop this node's cached credentials of users whose tokens were just revoked."""
    for workspace_id, user_id in holders:
        call.services.credentials.forget_user(workspace_id, user_id)


@api_method(
    "apps.manifest.export",
    params=AppIdParams,
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=("app_not_found", "no_permission"),
    response=ManifestExportResponse,
)
async def apps_manifest_export(call: Call, params: AppIdParams) -> dict[str, Any]:
    """An app's manifest as stored; Parley adds the `warnings` validate would give it (what
    the app asks for that Parley does not serve or deliver yet; the web client shows them)."""
    async with call.services.db.read() as session:
        app = await actions.access_managed_app(session, call.principal, params.app_id)
    return {"manifest": app.manifest} | _stored_warnings(app)


def _stored_warnings(app: App) -> dict[str, Any]:
    """The warnings of a stored manifest; none if it no longer validates (Slack's lists
    changed since): export still answers the manifest."""
    try:
        return _warnings(check_manifest(app.manifest))
    except ApiError:
        return {}


@api_method(
    "apps.connections.open",
    scopes=("connections:write",),
    tier=Tier.T1,
    token_kinds=frozenset({"app"}),
)
async def apps_connections_open(call: Call, params: Any) -> dict[str, Any]:
    """A single-use Socket Mode WebSocket URL for the app-level token's app."""
    principal = call.principal
    ticket = await call.services.realtime.tickets.issue(principal, TICKET_TTL)
    base = _base_url(call)
    scheme = "wss" if base.startswith("https://") else "ws"
    host = base.split("://", 1)[1]
    return {"url": f"{scheme}://{host}{SOCKET_PATH}?ticket={ticket}&app_id={principal.app_id}"}


@api_method(
    "apps.event_delivery.status",
    params=AppIdParams,
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("app_not_found", "no_permission"),
)
async def apps_event_delivery_status(call: Call, params: AppIdParams) -> dict[str, Any]:
    """Parley: whether Events API delivery is on, why it was disabled, recent deliveries."""
    async with call.services.db.read() as session:
        app = await actions.access_managed_app(session, call.principal, params.app_id)
        recent = await store.deliveries_of_app(session, app.id, 50)
    return {
        "app_id": app.id,
        "enabled": app.events_enabled,
        "disabled_reason": app.events_disabled_reason,
        "consecutive_failures": app.consecutive_failures,
        "max_event_age": app.max_event_age or 0,
        "deliveries": [delivery_object(d) for d in recent],
    }


class DeliveryUpdateParams(Params):
    app_id: str | None = None
    max_event_age: int | None = None


@api_method(
    "apps.event_delivery.update",
    params=DeliveryUpdateParams,
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("app_not_found", "no_permission", "invalid_arguments"),
)
async def apps_event_delivery_update(call: Call, params: DeliveryUpdateParams) -> dict[str, Any]:
    """Parley: drop the app's events older than `max_event_age` seconds instead of sending
    them late (0: keep every event until delivery gives up)."""
    async with call.services.db.write() as uow:
        app = await actions.check_update_delivery(
            uow, call.principal, params.app_id, params.max_event_age
        )
    return {"app_id": app.id, "max_event_age": app.max_event_age or 0}


class UninstallParams(Params):
    client_id: str | None = None
    client_secret: str | None = None


@api_method(
    "apps.uninstall",
    params=UninstallParams,
    tier=Tier.T1,
    missing_errors={"client_id": "invalid_client_id", "client_secret": "bad_client_secret"},
    errors=("invalid_client_id", "bad_client_secret"),
    partial=(
        "uninstalling from the workspace the app was created in also deletes the app "
        "(and so its installs elsewhere)"
    ),
)
async def apps_uninstall(call: Call, params: UninstallParams) -> dict[str, Any]:
    """Uninstall the app (by its client credentials) from the token's workspace."""
    async with call.services.db.write() as uow:
        ended = await oauth.check_uninstall(
            uow,
            call.principal,
            params.client_id or "",
            params.client_secret or "",
            call.origin,
        )
    _forget(call, ended)
    return {}


class OAuthAccessParams(Params):
    client_id: str | None = None
    client_secret: str | None = None
    code: str | None = None
    redirect_uri: str | None = None
    grant_type: str | None = None
    refresh_token: str | None = None


def _basic_credentials(call: Call) -> tuple[str, str] | None:
    """`Authorization: Basic base64(client_id:client_secret)`, as slack_sdk sends them."""
    header = call.request.headers.get("authorization", "")
    if header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    client_id, _, client_secret = decoded.partition(":")
    return client_id, client_secret


@api_method(
    "oauth.v2.access",
    params=OAuthAccessParams,
    auth=Auth.NONE,
    tier=Tier.SPECIAL,
    errors=(
        "invalid_client_id",
        "bad_client_secret",
        "invalid_code",
        "code_already_used",
        "bad_redirect_uri",
        "invalid_grant_type",
    ),
    partial="no token rotation (grant_type=refresh_token answers invalid_grant_type)",
)
async def oauth_v2_access(call: Call, params: OAuthAccessParams) -> dict[str, Any]:
    """Exchanges an OAuth v2 authorization code for a bot token and a user token."""
    basic = _basic_credentials(call)
    client_id, client_secret = basic or (params.client_id or "", params.client_secret or "")
    oauth.check_grant_type(params.grant_type)
    async with call.services.db.write() as uow:
        app = await oauth.check_client(uow, client_id, client_secret)
        return await oauth.check_exchange(uow, app, params.code or "", params.redirect_uri)


class EventAuthorizationsParams(Params):
    event_context: str | None = None
    cursor: str | None = None
    limit: int | None = None


@api_method(
    "apps.event.authorizations.list",
    params=EventAuthorizationsParams,
    scopes=("authorizations:read",),
    tier=Tier.T4,
    token_kinds=frozenset({"app"}),
    missing_errors={"event_context": "invalid_event_context"},
    errors=("invalid_event_context", "auth_mismatch", "invalid_cursor"),
)
async def apps_event_authorizations_list(
    call: Call, params: EventAuthorizationsParams
) -> dict[str, Any]:
    """The installations of the app (its bot, people with its user tokens) that may see the
    event an `event_context` names (app-level token with `authorizations:read`)."""
    async with call.services.db.read() as session:
        found = await access_event_authorizations(session, call.principal, params.event_context)
    position = decode_cursor(params.cursor) or "0"
    if not position.isdigit():
        raise ApiError("invalid_cursor")
    start = int(position)
    limit = clamp_limit(params.limit, default=100, maximum=1000)
    page = found[start : start + limit]
    more = start + limit < len(found)
    return {
        "authorizations": page,
        "response_metadata": page_metadata(str(start + limit) if more else None),
    }
