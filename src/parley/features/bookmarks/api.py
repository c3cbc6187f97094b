"""bookmarks.add / edit / remove / list: links in a conversation's header."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.bookmarks import actions, store
from parley.features.bookmarks.schemas import bookmark_object
from parley.features.conversations.interface import access_conversation
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params
from parley.platform.webapi.registry import Tier, api_method


class BookmarkAddParams(Params):
    channel_id: str | None = Field(default=None, max_length=32)
    title: str = Field(max_length=1000)
    type: str = Field(max_length=32)
    link: str = Field(default="", max_length=8192)
    emoji: str = Field(default="", max_length=200)


@api_method(
    "bookmarks.add",
    params=BookmarkAddParams,
    scopes=("bookmarks:write",),
    tier=Tier.T2,
    missing_errors={"title": "invalid_title", "type": "invalid_bookmark_type"},
    errors=(
        "channel_not_found",
        "permission_denied",
        "invalid_title",
        "invalid_bookmark_type",
        "invalid_link",
        "invalid_emoji",
        "too_many_bookmarks",
        "is_archived",
    ),
)
async def bookmarks_add(call: Call, params: BookmarkAddParams) -> dict[str, Any]:
    """Adds a link bookmark to a conversation (members only)."""
    async with call.services.db.write() as uow:
        bookmark = await actions.check_add_bookmark(
            uow,
            call.principal,
            params.channel_id,
            kind=params.type,
            title=params.title,
            link=params.link,
            emoji=params.emoji,
        )
    return {"bookmark": bookmark_object(bookmark)}


class BookmarkEditParams(Params):
    channel_id: str | None = Field(default=None, max_length=32)
    bookmark_id: str | None = Field(default=None, max_length=32)
    title: str | None = Field(default=None, max_length=1000)
    link: str | None = Field(default=None, max_length=8192)
    emoji: str | None = Field(default=None, max_length=200)


@api_method(
    "bookmarks.edit",
    params=BookmarkEditParams,
    scopes=("bookmarks:write",),
    tier=Tier.T2,
    errors=(
        "channel_not_found",
        "not_found",
        "permission_denied",
        "invalid_title",
        "invalid_link",
        "invalid_emoji",
        "is_archived",
    ),
)
async def bookmarks_edit(call: Call, params: BookmarkEditParams) -> dict[str, Any]:
    """Changes a bookmark's title, link or emoji."""
    async with call.services.db.write() as uow:
        bookmark = await actions.check_edit_bookmark(
            uow,
            call.principal,
            params.channel_id,
            params.bookmark_id,
            title=params.title,
            link=params.link,
            emoji=params.emoji,
        )
    return {"bookmark": bookmark_object(bookmark)}


class BookmarkRemoveParams(Params):
    channel_id: str | None = Field(default=None, max_length=32)
    bookmark_id: str | None = Field(default=None, max_length=32)


@api_method(
    "bookmarks.remove",
    params=BookmarkRemoveParams,
    scopes=("bookmarks:write",),
    tier=Tier.T2,
    errors=("channel_not_found", "not_found", "permission_denied", "is_archived"),
)
async def bookmarks_remove(call: Call, params: BookmarkRemoveParams) -> dict[str, Any]:
    """Removes a bookmark from a conversation."""
    async with call.services.db.write() as uow:
        await actions.check_remove_bookmark(
            uow, call.principal, params.channel_id, params.bookmark_id
        )
    return {}


class BookmarkListParams(Params):
    channel_id: str | None = Field(default=None, max_length=32)


@api_method(
    "bookmarks.list",
    params=BookmarkListParams,
    scopes=("bookmarks:read",),
    tier=Tier.T3,
    errors=("channel_not_found",),
)
async def bookmarks_list(call: Call, params: BookmarkListParams) -> dict[str, Any]:
    """Lists a conversation's bookmarks in display order."""
    async with call.services.db.read() as session:
        access = await access_conversation(session, call.principal, params.channel_id)
        rows = await store.list_bookmarks(session, access.conversation.id)
    return {"bookmarks": [bookmark_object(row) for row in rows]}
