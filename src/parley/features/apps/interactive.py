"""Requests Parley makes to an app on a person's behalf and waits for: slash commands and
block actions (signed HTTP POST, or a Socket Mode envelope), plus what comes back through
`response_url` and incoming webhooks. Outbound HTTP goes through the SSRF-safe client."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson

from parley.features.apps import actions
from parley.features.apps.delivery import CONFIG
from parley.features.apps.models import App, ResponseUrl
from parley.features.apps.signing import signed_headers
from parley.features.apps.socket import SocketUnavailable, socket_hub
from parley.features.messages.interface import (
    Message,
    do_delete_message,
    do_post_ephemeral,
    do_post_message,
    do_update_message,
    get_message,
)
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.net.client import FetchError, Limits, client_for
from parley.platform.services import Services
from parley.platform.spaces import Conversation

RESPONSE_PATH = "/hooks/response/"
_MAX_TEXT = 40_000


def response_url_for(base_url: str, token: str) -> str:
    return f"{base_url}{RESPONSE_PATH}{token}"


@dataclass(frozen=True)
class AppReply:
    """An app's immediate answer (ack body) or a `response_url` post, normalised."""

    text: str
    blocks: list[dict[str, Any]] | None
    attachments: list[dict[str, Any]] | None
    in_channel: bool
    replace_original: bool
    delete_original: bool
    thread_ts: str | None

    @property
    def empty(self) -> bool:
        return not (self.text or self.blocks or self.attachments or self.delete_original)


def _list_of_dicts(value: Any) -> list[dict[str, Any]] | None:
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return value
    return None


def parse_reply(body: dict[str, Any] | str | None) -> AppReply | None:
    """Text becomes an ephemeral reply; JSON follows Slack's `response_type` & co."""
    if body is None or body == "" or body == {}:
        return None
    if isinstance(body, str):
        body = {"text": body}
    text = body.get("text")
    return AppReply(
        text=str(text)[:_MAX_TEXT] if text is not None else "",
        blocks=_list_of_dicts(body.get("blocks")),
        attachments=_list_of_dicts(body.get("attachments")),
        in_channel=body.get("response_type") == "in_channel",
        replace_original=bool(body.get("replace_original")),
        delete_original=bool(body.get("delete_original")),
        thread_ts=str(body["thread_ts"]) if body.get("thread_ts") else None,
    )


async def send_to_app(
    services: Services,
    app: App,
    *,
    url: str | None,
    kind: str,
    payload: dict[str, Any],
    form: dict[str, str],
) -> dict[str, Any] | str | None:
    """Socket Mode envelope (kind `slash_commands` | `interactive`) or a signed urlencoded
    POST of `form`; returns the app's answer. Slack errors when the app cannot be reached."""
    timeout = CONFIG.request_timeout
    if app.socket_mode:
        try:
            return await socket_hub(services).request(
                app.id, kind, payload, wait=timeout, accepts_response_payload=True
            )
        except TimeoutError:
            raise ApiError("operation_timeout") from None
        except SocketUnavailable:
            raise ApiError("dispatch_failed") from None
    if not url:
        raise ApiError("dispatch_failed")
    body = urlencode(form).encode()
    headers = signed_headers(app.signing_secret, body, "application/x-www-form-urlencoded")
    client = client_for(services.settings, Limits(max_bytes=256 * 1024, timeout=timeout))
    try:
        result = await client.post(url, body, headers)
    except FetchError as error:
        raise ApiError(
            "operation_timeout" if "timed out" in error.reason else "dispatch_failed"
        ) from None
    if result.status != 200:
        raise ApiError("dispatch_failed", status=result.status)
    if not result.body.strip():
        return None
    if result.content_type == "application/json":
        try:
            value = orjson.loads(result.body)
        except orjson.JSONDecodeError:
            return result.body.decode("utf-8", "replace")
        return value if isinstance(value, dict) else None
    return result.body.decode("utf-8", "replace")


async def post_reply(
    uow: UnitOfWork,
    app: App,
    conversation: Conversation,
    *,
    user_id: str,
    reply: AppReply,
    original: Message | None,
) -> dict[str, Any]:
    """Show an app's reply: delete/replace the original, post in channel, or ephemerally."""
    if reply.delete_original:
        if original is None:
            raise ApiError("message_not_found")
        await do_delete_message(uow, conversation, original)
        return {"deleted": True}
    if reply.replace_original and original is not None:
        await do_update_message(
            uow,
            conversation,
            original,
            editor_id=app.bot_user_id,
            text=reply.text,
            blocks=reply.blocks or [],
            attachments=reply.attachments or [],
        )
        return {"replaced": original.ts}
    if reply.in_channel:
        message = await do_post_message(
            uow,
            conversation,
            user_id=app.bot_user_id,
            text=reply.text,
            blocks=reply.blocks,
            attachments=reply.attachments,
            thread_ts=reply.thread_ts,
            bot_id=app.bot_id,
            app_id=app.id,
        )
        return {"ts": message.ts, "response_type": "in_channel"}
    ts = await do_post_ephemeral(
        uow,
        conversation,
        sender_id=app.bot_user_id,
        recipient_id=user_id,
        text=reply.text,
        blocks=reply.blocks,
        attachments=reply.attachments,
        thread_ts=reply.thread_ts,
        bot_id=app.bot_id,
    )
    return {"ts": ts, "response_type": "ephemeral"}


async def original_message(uow: UnitOfWork, row: ResponseUrl) -> Message | None:
    if row.message_ts is None:
        return None
    message = await get_message(uow.session, row.channel_id, row.message_ts)
    return None if message is None or message.is_deleted else message


async def new_response_url(
    services: Services,
    base_url: str,
    app: App,
    *,
    channel_id: str,
    user_id: str,
    message_ts: str | None,
) -> str:
    async with services.db.write() as uow:
        token = await actions.do_create_response_url(
            uow, app, channel_id=channel_id, user_id=user_id, message_ts=message_ts
        )
    return response_url_for(base_url, token)
