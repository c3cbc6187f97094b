"""chat.unfurl: an app puts its own cards on the links of a message (after `link_shared`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.unfurl import actions
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import JsonList, JsonObject, Params, SlackBool, SlackTs
from parley.platform.webapi.registry import Tier, api_method

MAX_AUTH_MESSAGE = 4000


class UnfurlParams(Params):
    channel: str | None = Field(default=None, max_length=100)
    ts: SlackTs | None = Field(default=None, max_length=32)
    unfurls: Any = None
    source: str | None = Field(default=None, max_length=40)
    unfurl_id: str | None = Field(default=None, max_length=200)
    user_auth_message: str | None = Field(default=None, max_length=MAX_AUTH_MESSAGE)
    user_auth_required: SlackBool = False
    user_auth_url: str | None = Field(default=None, max_length=2048)
    user_auth_blocks: JsonList = None
    metadata: JsonObject = None


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
    request = actions.UnfurlRequest(
        channel=params.channel,
        ts=params.ts,
        unfurl_id=params.unfurl_id,
        source=params.source,
        unfurls=params.unfurls,
        metadata=params.metadata,
        user_auth_required=params.user_auth_required,
        user_auth_message=params.user_auth_message,
        user_auth_url=params.user_auth_url,
        user_auth_blocks=params.user_auth_blocks,
    )
    async with call.services.db.write() as uow:
        await actions.check_app_unfurl(uow, call.principal, request)
    return {}
