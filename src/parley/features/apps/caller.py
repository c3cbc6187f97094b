"""The calling person's side of an interaction: who clicked, which app, which open view,
and the one way an interactive payload goes to the app. Shared by the Web API methods the
web client calls (`commands.invoke`, `interactions.*`, `views.submit/close`, `apps.home.open`)."""

from __future__ import annotations

from typing import Any

import orjson

from parley.features.apps import store
from parley.features.apps.interactive import send_to_app
from parley.features.apps.models import App, AppView
from parley.platform.errors import ApiError
from parley.platform.webapi.context import Call


def user_object(call: Call) -> dict[str, Any]:
    """Slack's `user` of an interactive payload: the person who acted."""
    principal = call.principal
    return {
        "id": principal.user_id,
        "username": principal.user_name,
        "name": principal.user_name,
        "team_id": principal.workspace_id,
    }


async def app_of_workspace(call: Call, app_id: str | None) -> App:
    """An app created in or installed into the caller's workspace, else `app_not_found`."""
    async with call.services.db.read() as session:
        app = await store.get_app(session, call.principal.workspace_id, app_id or "")
    if app is None:
        raise ApiError("app_not_found")
    return app


async def own_view(call: Call, view_id: str | None) -> tuple[AppView, App]:
    """The caller's open view (a modal on screen or their App Home) and its app."""
    async with call.services.db.read() as session:
        row = await session.get(AppView, view_id or "")
        app = await store.get_app(session, call.principal.workspace_id, row.app_id) if row else None
    if row is None or app is None or row.user_id != call.principal.user_id or not row.is_open:
        raise ApiError("not_found")
    return row, app


async def send_interactive(
    call: Call, app: App, payload: dict[str, Any], *, url: str | None = None
) -> dict[str, Any] | None:
    """Send an `interactive` payload (Socket Mode envelope, or Slack's signed
    `payload=<json>` form POST to `url`, by default the app's interactivity URL) and return
    the app's JSON answer, if it gave one."""
    answer = await send_to_app(
        call.services,
        app,
        url=url if url is not None else app.interactivity_url,
        kind="interactive",
        payload=payload,
        form={"payload": orjson.dumps(payload).decode()},
    )
    return answer if isinstance(answer, dict) else None
