"""reactions.add / remove / get / list."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.messages.interface import (
    access_message,
    get_messages_by_ids,
    message_objects,
    page_body,
    window,
)
from parley.features.reactions import actions, store
from parley.features.reactions.schemas import message_item
from parley.features.users.interface import check_user_in_workspace
from parley.platform.db import UnitOfWork
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params, SlackBool, SlackInt, SlackTs
from parley.platform.webapi.registry import Tier, api_method

_ITEM_ERRORS = ("no_item_specified", "channel_not_found", "bad_timestamp", "message_not_found")


class ReactionParams(Params):
    channel: str | None = Field(default=None, max_length=32)
    timestamp: SlackTs | None = Field(default=None, max_length=32)
    name: str = Field(default="", max_length=200)


@api_method(
    "reactions.add",
    params=ReactionParams,
    scopes=("reactions:write",),
    tier=Tier.T3,
    errors=(
        *_ITEM_ERRORS,
        "invalid_name",
        "already_reacted",
        "too_many_emoji",
        "too_many_reactions",
        "is_archived",
    ),
)
async def reactions_add(call: Call, params: ReactionParams) -> dict[str, Any]:
    """Adds a reaction (emoji name without colons) to a message."""

    async def add(uow: UnitOfWork) -> None:
        await actions.check_add_reaction(
            uow, call.principal, params.channel, params.timestamp, params.name
        )

    await call.services.db.write_unit(add)
    return {}


@api_method(
    "reactions.remove",
    params=ReactionParams,
    scopes=("reactions:write",),
    tier=Tier.T2,
    errors=(*_ITEM_ERRORS, "invalid_name", "no_reaction", "is_archived"),
)
async def reactions_remove(call: Call, params: ReactionParams) -> dict[str, Any]:
    """Removes the caller's reaction from a message."""

    async def remove(uow: UnitOfWork) -> None:
        await actions.check_remove_reaction(
            uow, call.principal, params.channel, params.timestamp, params.name
        )

    await call.services.db.write_unit(remove)
    return {}


class ReactionsGetParams(Params):
    channel: str | None = Field(default=None, max_length=32)
    timestamp: SlackTs | None = Field(default=None, max_length=32)
    full: SlackBool = False


@api_method(
    "reactions.get",
    params=ReactionsGetParams,
    scopes=("reactions:read",),
    tier=Tier.T3,
    errors=_ITEM_ERRORS,
)
async def reactions_get(call: Call, params: ReactionsGetParams) -> dict[str, Any]:
    """Gets a message with its reactions (every reacting user is always listed)."""
    principal = call.principal
    async with call.services.db.read() as session:
        target = await access_message(session, principal, params.channel, params.timestamp)
        rendered = await message_objects(session, [target.message], viewer=principal.user_id)
    return message_item(target.conversation.id, rendered[target.message.id])


class ReactionsListParams(Params):
    user: str | None = Field(default=None, max_length=32)
    full: SlackBool = False
    count: SlackInt = Field(default=0, ge=0)
    page: SlackInt = Field(default=1, ge=0)
    limit: SlackInt = Field(default=0, ge=0)
    cursor: str | None = Field(default=None, max_length=200)


@api_method(
    "reactions.list",
    params=ReactionsListParams,
    scopes=("reactions:read",),
    tier=Tier.T2,
    errors=("user_not_found", "invalid_cursor"),
)
async def reactions_list(call: Call, params: ReactionsListParams) -> dict[str, Any]:
    """Lists the items a user reacted to, newest first: one item per reaction, as Slack does."""
    principal = call.principal
    win = window(count=params.count, page=params.page, limit=params.limit, cursor=params.cursor)
    async with call.services.db.read() as session:
        user_id = await check_user_in_workspace(session, principal, params.user)
        rows = await store.list_user_reactions(
            session,
            principal.workspace_id,
            user_id,
            offset=win.offset,
            limit=win.limit,
            viewer_id=principal.user_id,
            viewer_is_guest=principal.is_guest,
        )
        total = await store.count_visible_user_reactions(
            session,
            principal.workspace_id,
            user_id,
            viewer_id=principal.user_id,
            viewer_is_guest=principal.is_guest,
        )
        messages = await get_messages_by_ids(session, [row[0] for row in rows])
        rendered = await message_objects(session, messages, viewer=principal.user_id)
    items = [
        message_item(channel_id, rendered[message_id])
        for message_id, _name, channel_id in rows
        if message_id in rendered
    ]
    return {"items": items, **page_body(win, returned=len(rows), total=total)}
