"""The calling person's side of an interaction: who clicked, and the one way an
interactive payload goes to the app (the rules of which app and which view are actions:
`actions.access_app_here`, `views.access_own_view`). Shared by the Web API methods the web
client calls (`commands.invoke`, `interactions.*`, `views.submit/close`, `apps.home.open`)."""

from __future__ import annotations

from typing import Any

import orjson

from parley.features.apps.interactive import send_to_app
from parley.features.apps.models import App
from parley.platform.rendering import CLIENT_FIELDS
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


async def send_interactive(
    call: Call, app: App, payload: dict[str, Any], *, url: str | None = None
) -> dict[str, Any] | None:
    """Send an `interactive` payload (Socket Mode envelope, or Slack's signed
    `payload=<json>` form POST to `url`, by default the app's interactivity URL) and return
    the app's JSON answer, if it gave one. Message objects in it go as Slack's (no `html`)."""
    payload = CLIENT_FIELDS.strip(payload)
    answer = await send_to_app(
        call.services,
        app,
        url=url if url is not None else app.interactivity_url,
        kind="interactive",
        payload=payload,
        form={"payload": orjson.dumps(payload).decode()},
    )
    return answer if isinstance(answer, dict) else None
