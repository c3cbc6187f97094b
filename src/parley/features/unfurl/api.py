"""chat.unfurl: an app puts its own cards on the links of a message (after `link_shared`)."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import Field

from parley.features.conversations.interface import get_conversation
from parley.features.messages.interface import (
    check_blocks,
    do_post_ephemeral,
    get_message_for_update,
)
from parley.features.unfurl import actions
from parley.platform.errors import ApiError
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import JsonList, JsonObject, Params, SlackBool
from parley.platform.webapi.registry import Tier, api_method

MAX_AUTH_MESSAGE = 4000


class UnfurlParams(Params):
    channel: str | None = Field(default=None, max_length=100)
    ts: str | None = Field(default=None, max_length=32)
    unfurls: Any = None
    source: str | None = Field(default=None, max_length=40)
    unfurl_id: str | None = Field(default=None, max_length=200)
    user_auth_message: str | None = Field(default=None, max_length=MAX_AUTH_MESSAGE)
    user_auth_required: SlackBool = False
    user_auth_url: str | None = Field(default=None, max_length=2048)
    user_auth_blocks: JsonList = None
    metadata: JsonObject = None


def _unfurls(raw: Any) -> dict[str, dict[str, Any]] | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise ApiError("invalid_unfurls_format") from None
    return actions.check_unfurls(raw)


def _message_ref(workspace_id: str, params: UnfurlParams) -> tuple[str, str]:
    """(channel, ts): given directly, or named by `unfurl_id` + `source`."""
    if params.unfurl_id or params.source:
        if not params.unfurl_id:
            raise ApiError("missing_unfurl_id")
        if not params.source:
            raise ApiError("missing_source")
        if params.source not in actions.SOURCES:
            raise ApiError("invalid_source")
        if params.source == "composer":
            raise ApiError("cannot_find_message")  # Parley sends no composer link_shared
        return actions.parse_unfurl_id(workspace_id, params.unfurl_id)
    if not params.channel:
        raise ApiError("missing_channel")
    if not params.ts:
        raise ApiError("missing_ts")
    return params.channel, params.ts


def _auth_text(app_name: str, params: UnfurlParams) -> str:
    text = params.user_auth_message or f"{app_name} can show more about the links you posted."
    if params.user_auth_url:
        text += f" <{params.user_auth_url}|Connect {app_name}>"
    return text


@api_method(
    "chat.unfurl",
    params=UnfurlParams,
    scopes=("links:write",),
    tier=Tier.T3,
    errors=(
        "cannot_find_channel",
        "cannot_find_message",
        "cannot_unfurl_message",
        "cannot_unfurl_url",
        "invalid_unfurls_format",
        "invalid_unfurl_id",
        "invalid_source",
        "missing_channel",
        "missing_ts",
        "missing_unfurl_id",
        "missing_source",
        "missing_unfurls_and_metadata",
        "not_allowed_token_type",
        "invalid_blocks",
    ),
    partial=(
        "`metadata` (Work Objects) is accepted and ignored; `user_auth_*` sends the author "
        "an ephemeral invitation (no Not now / Never buttons)"
    ),
)
async def chat_unfurl(call: Call, params: UnfurlParams) -> dict[str, Any]:
    """Provide custom unfurl behavior for user-posted URLs."""
    principal = call.principal
    channel_id, ts = _message_ref(principal.workspace_id, params)
    unfurls = _unfurls(params.unfurls)
    wants_auth = bool(
        params.user_auth_required or params.user_auth_message or params.user_auth_blocks
    )
    if unfurls is None and params.metadata is None and not wants_auth:
        raise ApiError("missing_unfurls_and_metadata")
    auth_blocks = check_blocks(params.user_auth_blocks) if params.user_auth_blocks else None
    async with call.services.db.write() as uow:
        app = await actions.app_of(uow.session, principal.workspace_id, principal.app_id)
        conversation = await get_conversation(uow.session, principal.workspace_id, channel_id)
        if conversation is None:
            raise ApiError("cannot_find_channel")
        message = await get_message_for_update(uow.session, conversation.id, ts)
        if message is None or message.is_deleted:
            raise ApiError("cannot_find_message")
        if unfurls:
            await actions.do_app_unfurl(uow, app, actions.Target(conversation, message), unfurls)
        if wants_auth and message.user_id:
            await do_post_ephemeral(
                uow,
                conversation,
                sender_id=app.bot_user_id,
                recipient_id=message.user_id,
                text=_auth_text(app.name, params),
                blocks=auth_blocks,
                attachments=None,
                thread_ts=message.thread_ts,
                bot_id=app.bot_id,
            )
    return {}
