"""emoji.list and the admin.emoji.* methods (custom emoji management)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.emoji import actions, store
from parley.features.emoji.schemas import emoji_map
from parley.features.emoji.wire import EmojiListResponse
from parley.platform.clock import event_ts
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params, SlackBool
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method


class EmojiListParams(Params):
    include_categories: SlackBool = False


@api_method(
    "emoji.list",
    params=EmojiListParams,
    scopes=("emoji:read",),
    tier=Tier.T2,
    response=EmojiListResponse,
)
async def emoji_list(call: Call, params: EmojiListParams) -> dict[str, Any]:
    """Lists the workspace's custom emoji (name -> image URL, or `alias:<name>`)."""
    async with call.services.db.read() as session:
        rows = await store.list_custom_emoji(session, call.principal.workspace_id)
    return {"emoji": emoji_map(rows), "cache_ts": event_ts()}


class EmojiAddParams(Params):
    name: str = Field(default="", max_length=200)
    url: str = Field(default="", max_length=4096)


@api_method(
    "admin.emoji.add",
    params=EmojiAddParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=(
        "not_an_admin",
        "error_missing_name",
        "error_lower_case_names_only",
        "error_bad_name_i18n",
        "error_bad_name_length",
        "error_name_taken",
        "error_name_taken_i18n",
        "error_no_image",
        "error_bad_upload",
    ),
)
async def admin_emoji_add(call: Call, params: EmojiAddParams) -> dict[str, Any]:
    """Adds a custom emoji to the workspace (admins and owners)."""
    async with call.services.db.write() as uow:
        await actions.check_add_emoji(uow, call.principal, params.name, params.url)
    return {}


class EmojiAliasParams(Params):
    name: str = Field(default="", max_length=200)
    alias_for: str = Field(default="", max_length=200)


@api_method(
    "admin.emoji.addAlias",
    params=EmojiAliasParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=(
        "not_an_admin",
        "error_missing_name",
        "error_bad_name_i18n",
        "error_bad_name_length",
        "error_name_taken",
        "error_name_taken_i18n",
        "error_invalid_alias",
        "no_alias_selected",
    ),
)
async def admin_emoji_add_alias(call: Call, params: EmojiAliasParams) -> dict[str, Any]:
    """Adds another name for an existing emoji (admins and owners)."""
    async with call.services.db.write() as uow:
        await actions.check_add_alias(uow, call.principal, params.name, params.alias_for)
    return {}


class EmojiRemoveParams(Params):
    name: str = Field(default="", max_length=200)


@api_method(
    "admin.emoji.remove",
    params=EmojiRemoveParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("not_an_admin", "emoji_not_found"),
)
async def admin_emoji_remove(call: Call, params: EmojiRemoveParams) -> dict[str, Any]:
    """Removes a custom emoji and its aliases (admins and owners)."""
    async with call.services.db.write() as uow:
        await actions.check_remove_emoji(uow, call.principal, params.name)
    return {}
