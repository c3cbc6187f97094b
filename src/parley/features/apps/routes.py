"""HTTP and WebSocket routes of the app platform (outside `/api/`):

- `GET ws /apps/socket?ticket=…`            Socket Mode (see socket.py)
- `POST /hooks/response/<token>`            an interaction's `response_url`
- `POST /services/T…/B…/<secret>`           incoming webhooks (Slack's format)
- `GET|POST /oauth/v2/authorize`            the OAuth v2 consent page (see oauth_pages.py)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from parley.features.apps import actions, store
from parley.features.apps.interactive import (
    RESPONSE_PATH,
    original_message,
    parse_reply,
    post_reply,
)
from parley.features.apps.oauth_pages import oauth_routes
from parley.features.apps.socket import SOCKET_PATH, socket_endpoint
from parley.features.conversations.interface import get_conversation
from parley.features.messages.interface import do_post_message
from parley.platform.errors import ApiError
from parley.platform.security import hash_secret, secrets_equal
from parley.platform.services import Services
from parley.platform.webapi.http import json_response

MAX_BODY = 1_000_000


async def _body_object(request: Request) -> dict[str, Any] | None:
    """A JSON object body, or the JSON in an urlencoded `payload=` field; None if neither."""
    raw = await request.body()
    if len(raw) > MAX_BODY:
        return None
    text = raw.decode("utf-8", "replace").strip()
    if not text.startswith("{"):
        fields = dict(parse_qsl(text, keep_blank_values=True))
        text = fields.get("payload", "")
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


async def response_url_endpoint(request: Request) -> Response:
    """What Bolt's `respond()` posts: shown in the channel the interaction came from."""
    services: Services = request.app.state.services
    body = await _body_object(request)
    if body is None:
        return json_response({"ok": False, "error": "invalid_payload"}, status=400)
    reply = parse_reply(body)
    try:
        async with services.db.write() as uow:
            row = await actions.use_response_url(uow, request.path_params["token"])
            if row is None:
                raise ApiError("expired_url")
            app = await store.get_app_any_workspace(uow.session, row.app_id)
            conversation = await get_conversation(uow.session, row.workspace_id, row.channel_id)
            if app is None or conversation is None:
                raise ApiError("expired_url")
            if reply is None or reply.empty:
                raise ApiError("no_text")
            original = await original_message(uow, row)
            shown = await post_reply(
                uow, app, conversation, user_id=row.user_id, reply=reply, original=original
            )
    except ApiError as error:
        status = 404 if error.code == "expired_url" else 400
        return json_response(error.to_body(), status=status)
    return json_response({"ok": True, **shown})


def _webhook_error(code: str, status: int) -> Response:
    return PlainTextResponse(code, status_code=status)


async def incoming_webhook_endpoint(request: Request) -> Response:
    """Slack's incoming-webhook contract: 200 `ok`, plain-text error codes otherwise."""
    services: Services = request.app.state.services
    team_id = request.path_params["team"]
    async with services.db.read() as session:
        hook = await store.get_webhook(session, request.path_params["hook"])
    secret = request.path_params["secret"]
    if (
        hook is None
        or hook.workspace_id != team_id
        or not secrets_equal(hash_secret(secret), hook.secret_hash)
    ):
        return _webhook_error("no_service", 404)
    body = await _body_object(request)
    if body is None:
        return _webhook_error("invalid_payload", 400)
    text = body.get("text")
    blocks, attachments = body.get("blocks"), body.get("attachments")
    if not text and not blocks and not attachments:
        return _webhook_error("missing_text_or_fallback_or_attachments", 400)
    if (blocks is not None and not isinstance(blocks, list)) or (
        attachments is not None and not isinstance(attachments, list)
    ):
        return _webhook_error("invalid_blocks", 400)
    async with services.db.write() as uow:
        conversation = await get_conversation(uow.session, hook.workspace_id, hook.channel_id)
        if conversation is None:
            return _webhook_error("channel_not_found", 404)
        if conversation.is_archived:
            return _webhook_error("channel_is_archived", 410)
        app = await store.get_app_any_workspace(uow.session, hook.app_id) if hook.app_id else None
        await do_post_message(
            uow,
            conversation,
            user_id=app.bot_user_id if app is not None else None,
            text=str(text or ""),
            subtype=None if app is not None else "bot_message",
            blocks=blocks or None,
            attachments=attachments or None,
            thread_ts=str(body["thread_ts"]) if body.get("thread_ts") else None,
            bot_id=app.bot_id if app is not None else hook.id,
            app_id=app.id if app is not None else None,
            username=None if app is not None else str(body.get("username") or "incoming-webhook"),
            mrkdwn=body.get("mrkdwn", True) is not False,
        )
    return PlainTextResponse("ok")


def app_routes() -> list[BaseRoute]:
    return [
        WebSocketRoute(SOCKET_PATH, socket_endpoint),
        Route(RESPONSE_PATH + "{token:str}", response_url_endpoint, methods=["POST"]),
        Route(
            "/services/{team:str}/{hook:str}/{secret:str}",
            incoming_webhook_endpoint,
            methods=["POST"],
        ),
        *oauth_routes(),
    ]
