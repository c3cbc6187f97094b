"""views.open / push / update / publish (apps), and Parley's views.list / submit / close
(the person's client: show modals and App Home, send `view_submission` / `view_closed`)."""

from __future__ import annotations

import contextlib
from typing import Any

from parley.features.apps import store
from parley.features.apps.caller import send_interactive, user_object
from parley.features.apps.models import AppView
from parley.features.apps.views import (
    access_own_view,
    check_open_view,
    check_publish_home,
    check_push_view,
    check_update_view,
    check_view,
    do_close_views,
    do_create_trigger,
    do_open_view,
    do_update_view,
    view_object,
)
from parley.features.apps.wire import ViewsListResponse, ViewSubmitResponse
from parley.platform.errors import ApiError
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import JsonObject, Params
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method

BOT = frozenset({"bot"})
VIEW_ERRORS = ("invalid_arguments", "invalid_trigger_id", "expired_trigger_id")


class OpenParams(Params):
    trigger_id: str | None = None
    interactivity_pointer: str | None = None
    view: JsonObject = None


class UpdateParams(Params):
    view_id: str | None = None
    external_id: str | None = None
    view: JsonObject = None
    hash: str | None = None


class PublishParams(Params):
    user_id: str | None = None
    view: JsonObject = None
    hash: str | None = None


class ViewIdParams(Params):
    view_id: str | None = None


class SubmitParams(Params):
    view_id: str | None = None
    values: JsonObject = None


@api_method(
    "views.open",
    params=OpenParams,
    tier=Tier.T4,
    token_kinds=BOT,
    errors=VIEW_ERRORS,
    missing_errors={"view": "invalid_arguments"},
)
async def views_open(call: Call, params: OpenParams) -> dict[str, Any]:
    """Open a modal for the person whose interaction gave the `trigger_id`."""
    trigger_id = params.trigger_id or params.interactivity_pointer
    async with call.services.db.write() as uow:
        row, app = await check_open_view(uow, call.principal, params.view, trigger_id)
    return {"view": view_object(row, app)}


@api_method(
    "views.push",
    params=OpenParams,
    tier=Tier.T4,
    token_kinds=BOT,
    errors=(*VIEW_ERRORS, "push_limit_reached"),
)
async def views_push(call: Call, params: OpenParams) -> dict[str, Any]:
    """Push a modal on top of the person's open modal stack (at most 3)."""
    trigger_id = params.trigger_id or params.interactivity_pointer
    async with call.services.db.write() as uow:
        row, app = await check_push_view(uow, call.principal, params.view, trigger_id)
    return {"view": view_object(row, app)}


@api_method(
    "views.update",
    params=UpdateParams,
    tier=Tier.T4,
    token_kinds=BOT,
    errors=("not_found", "hash_conflict", "invalid_arguments"),
)
async def views_update(call: Call, params: UpdateParams) -> dict[str, Any]:
    """Replace a view (by `view_id` or `external_id`); `hash` guards against races."""
    async with call.services.db.write() as uow:
        row, app = await check_update_view(
            uow, call.principal, params.view_id, params.external_id, params.view, params.hash
        )
    return {"view": view_object(row, app)}


@api_method(
    "views.publish",
    params=PublishParams,
    tier=Tier.T4,
    token_kinds=BOT,
    errors=("user_not_found", "hash_conflict", "invalid_arguments"),
)
async def views_publish(call: Call, params: PublishParams) -> dict[str, Any]:
    """Publish the app's Home tab for one person."""
    async with call.services.db.write() as uow:
        row, app = await check_publish_home(
            uow, call.principal, params.user_id, params.view, params.hash
        )
    return {"view": view_object(row, app)}


@api_method(
    "views.list",
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    response=ViewsListResponse,
)
async def views_list(call: Call, params: Any) -> dict[str, Any]:
    """Parley: the caller's open modals and App Home views (for clients that reconnect)."""
    principal = call.principal
    async with call.services.db.read() as session:
        rows = await store.open_views_of_user(session, principal.workspace_id, principal.user_id)
        apps = {a.id: a for a in await store.apps_of_workspace(session, principal.workspace_id)}
    return {"views": [view_object(r, apps[r.app_id]) for r in rows if r.app_id in apps]}


@api_method(
    "views.submit",
    params=SubmitParams,
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("not_found", "dispatch_failed", "operation_timeout"),
    response=ViewSubmitResponse,
)
async def views_submit(call: Call, params: SubmitParams) -> dict[str, Any]:
    """Parley: submit a modal; the app gets `view_submission` and may answer errors.

    Errors are returned for the client to show next to their blocks; `update`, `push` and
    `clear` answers are applied."""
    async with call.services.db.read() as session:
        row, app = await access_own_view(session, call.principal, params.view_id)
    state = {"values": params.values or {}}
    async with call.services.db.write() as uow:
        trigger_id = await do_create_trigger(uow, app, call.principal.user_id, view_id=row.id)
    payload = {
        "type": "view_submission",
        "team": {"id": app.workspace_id, "domain": call.principal.team_domain},
        "user": user_object(call),
        "api_app_id": app.id,
        "token": app.verification_token,
        "trigger_id": trigger_id,
        "view": view_object(row, app, state),
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    answer = await send_interactive(call, app, payload) or {}
    action = answer.get("response_action")
    if action == "errors":
        errors = answer.get("errors") if isinstance(answer.get("errors"), dict) else {}
        return {"response_action": "errors", "errors": errors, "view": view_object(row, app)}
    async with call.services.db.write() as uow:
        current = await uow.session.get(AppView, row.id)
        assert current is not None
        if action == "update":
            updated = await do_update_view(
                uow, app, current, check_view(answer.get("view"), kind="modal"), None
            )
            return {"response_action": "update", "view": view_object(updated, app)}
        if action == "push":
            pushed = await do_open_view(
                uow,
                app,
                current.user_id,
                check_view(answer.get("view"), kind="modal"),
                parent=current,
            )
            return {"response_action": "push", "view": view_object(pushed, app)}
        await do_close_views(uow, app, current, whole_stack=action == "clear")
    return {"response_action": action or "close"}


@api_method(
    "views.close",
    params=ViewIdParams,
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("not_found",),
)
async def views_close(call: Call, params: ViewIdParams) -> dict[str, Any]:
    """Parley: the person dismissed a modal; the app hears `view_closed` if it asked to."""
    async with call.services.db.read() as session:
        row, app = await access_own_view(session, call.principal, params.view_id)
    async with call.services.db.write() as uow:
        current = await uow.session.get(AppView, row.id)
        assert current is not None
        await do_close_views(uow, app, current, whole_stack=bool(row.view.get("clear_on_close")))
    if row.view.get("notify_on_close"):
        payload = {
            "type": "view_closed",
            "team": {"id": app.workspace_id, "domain": call.principal.team_domain},
            "user": user_object(call),
            "api_app_id": app.id,
            "token": app.verification_token,
            "view": view_object(row, app),
            "is_cleared": bool(row.view.get("clear_on_close")),
            "is_enterprise_install": False,
            "enterprise": None,
        }
        with contextlib.suppress(ApiError):  # closing never fails for an unreachable app
            await send_interactive(call, app, payload)
    return {}
