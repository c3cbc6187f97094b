"""bots.info: who a `bot_id` on a message is (apps' bot users and incoming webhooks)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.apps import actions
from parley.features.apps.wire import BotsInfoResponse
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params
from parley.platform.webapi.registry import Tier, api_method


class BotsInfoParams(Params):
    bot: str | None = Field(default=None, max_length=32)
    # Slack: only for org-wide tokens; a workspace token's own workspace is used.
    team_id: str | None = Field(default=None, max_length=32)


@api_method(
    "bots.info",
    params=BotsInfoParams,
    scopes=("users:read",),
    tier=Tier.T3,
    errors=("bot_not_found",),
    response=BotsInfoResponse,
)
async def bots_info(call: Call, params: BotsInfoParams) -> dict[str, Any]:
    """Gets information about a bot user (its name, icons, app and user)."""
    async with call.services.db.read() as session:
        bot = await actions.access_bot(session, call.principal, params.bot)
    body: dict[str, Any] = {
        "id": bot.id,
        "deleted": bot.deleted,
        "name": bot.name,
        "updated": bot.updated,
        "app_id": bot.app_id,
        "icons": bot.icons,
    }
    if bot.user_id is not None:  # Slack: only a bot that is a bot user has one
        body["user_id"] = bot.user_id
    return {"bot": body}
