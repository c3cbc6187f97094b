"""pins.add / remove / list and the saved-items (legacy stars.*) methods."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.conversations.interface import access_conversation
from parley.features.messages.interface import (
    access_message,
    get_messages_by_ids,
    message_objects,
    page_body,
    window,
)
from parley.features.pins import actions, store
from parley.features.pins.schemas import pin_item, star_item
from parley.features.pins.wire import PinEvent as PinEvent
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params, SlackInt, SlackTs
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method

_ITEM_ERRORS = ("channel_not_found", "no_item_specified", "bad_timestamp", "message_not_found")


class PinParams(Params):
    channel: str | None = Field(default=None, max_length=32)
    timestamp: SlackTs | None = Field(default=None, max_length=32)


@api_method(
    "pins.add",
    params=PinParams,
    scopes=("pins:write",),
    tier=Tier.T2,
    errors=(*_ITEM_ERRORS, "not_in_channel", "already_pinned", "too_many_pins", "is_archived"),
)
async def pins_add(call: Call, params: PinParams) -> dict[str, Any]:
    """Pins a message to its conversation (members only)."""
    async with call.services.db.write() as uow:
        await actions.check_pin(uow, call.principal, params.channel, params.timestamp)
    return {}


@api_method(
    "pins.remove",
    params=PinParams,
    scopes=("pins:write",),
    tier=Tier.T2,
    errors=(*_ITEM_ERRORS, "not_in_channel", "no_pin", "is_archived"),
)
async def pins_remove(call: Call, params: PinParams) -> dict[str, Any]:
    """Un-pins a message from its conversation (members only)."""
    async with call.services.db.write() as uow:
        await actions.check_unpin(uow, call.principal, params.channel, params.timestamp)
    return {}


class PinsListParams(Params):
    channel: str | None = Field(default=None, max_length=32)


@api_method(
    "pins.list",
    params=PinsListParams,
    scopes=("pins:read",),
    tier=Tier.T2,
    errors=("channel_not_found",),
)
async def pins_list(call: Call, params: PinsListParams) -> dict[str, Any]:
    """Lists the messages pinned to a conversation, newest pin first."""
    principal = call.principal
    async with call.services.db.read() as session:
        access = await access_conversation(session, principal, params.channel)
        pins = await store.list_pins(session, access.conversation.id)
        messages = await get_messages_by_ids(session, [p.message_id for p in pins])
        rendered = await message_objects(session, messages, viewer=principal.user_id)
    return {
        "items": [pin_item(p, rendered[p.message_id]) for p in pins if p.message_id in rendered]
    }


class StarParams(Params):
    channel: str | None = Field(default=None, max_length=32)
    timestamp: SlackTs | None = Field(default=None, max_length=32)


@api_method(
    "stars.add",
    params=StarParams,
    scopes=("stars:write",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=(*_ITEM_ERRORS, "already_starred"),
)
async def stars_add(call: Call, params: StarParams) -> dict[str, Any]:
    """Saves a message for later (formerly "starring" it)."""
    principal = call.principal
    async with call.services.db.write() as uow:
        target = await access_message(uow.session, principal, params.channel, params.timestamp)
        await actions.do_star(uow, principal.user_id, target.message)
    return {}


@api_method(
    "stars.remove",
    params=StarParams,
    scopes=("stars:write",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=(*_ITEM_ERRORS, "not_starred"),
)
async def stars_remove(call: Call, params: StarParams) -> dict[str, Any]:
    """Removes a message from the caller's saved items."""
    principal = call.principal
    async with call.services.db.write() as uow:
        target = await access_message(uow.session, principal, params.channel, params.timestamp)
        await actions.do_unstar(uow, principal.user_id, target.message)
    return {}


class StarsListParams(Params):
    count: SlackInt = Field(default=0, ge=0)
    page: SlackInt = Field(default=1, ge=0)
    limit: SlackInt = Field(default=0, ge=0)
    cursor: str | None = Field(default=None, max_length=200)


@api_method(
    "stars.list",
    params=StarsListParams,
    scopes=("stars:read",),
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=("invalid_cursor",),
)
async def stars_list(call: Call, params: StarsListParams) -> dict[str, Any]:
    """Lists the caller's saved messages, newest first."""
    principal = call.principal
    win = window(count=params.count, page=params.page, limit=params.limit, cursor=params.cursor)
    ws, me, guest = principal.workspace_id, principal.user_id, principal.is_guest
    async with call.services.db.read() as session:
        saved = await store.list_saved(
            session, ws, me, is_guest=guest, offset=win.offset, limit=win.limit
        )
        total = await store.count_saved(session, ws, me, is_guest=guest)
        messages = await get_messages_by_ids(session, [s.message_id for s in saved])
        rendered = await message_objects(session, messages, viewer=me)
    items = [star_item(s, rendered[s.message_id]) for s in saved if s.message_id in rendered]
    return {"items": items, **page_body(win, returned=len(saved), total=total)}
