"""search.messages and search.all: full-text search over what the caller may read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.search import actions, store
from parley.features.search.schemas import (
    Page,
    channel_object,
    highlighter,
    match_object,
    result_block,
)
from parley.features.search.store import SearchResult, Viewer
from parley.features.search.wire import SearchMessagesResponse
from parley.platform.errors import ApiError
from parley.platform.webapi.context import Call
from parley.platform.webapi.pagination import clamp_limit, decode_cursor, encode_cursor
from parley.platform.webapi.params import Params, SlackBool, SlackInt
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method

MAX_COUNT = 100
DEFAULT_COUNT = 20
FIRST_CURSOR = "*"  # Slack's "start cursor pagination here"


class SearchParams(Params):
    query: str = Field(max_length=4000)
    count: SlackInt = 0
    page: SlackInt = 1
    sort: str = Field(default="score", max_length=16)
    sort_dir: str = Field(default="desc", max_length=8)
    highlight: SlackBool = False
    cursor: str | None = Field(default=None, max_length=256)


@dataclass(frozen=True)
class Window:
    """Which slice of the results to return: from `page`, or from a cursor."""

    count: int
    offset: int
    by_cursor: bool

    @property
    def page(self) -> int:
        return self.offset // self.count + 1


def _window(params: SearchParams) -> Window:
    count = clamp_limit(params.count, default=DEFAULT_COUNT, maximum=MAX_COUNT)
    if params.cursor is None or params.cursor == "":
        return Window(count, (max(params.page, 1) - 1) * count, by_cursor=False)
    if params.cursor == FIRST_CURSOR:
        return Window(count, 0, by_cursor=True)
    position = decode_cursor(params.cursor) or ""
    if not position.isdigit():
        raise ApiError("invalid_cursor")
    return Window(count, int(position), by_cursor=True)


async def _matches(
    call: Call, session: AsyncSession, viewer: Viewer, result: SearchResult, pattern: Any
) -> list[dict[str, Any]]:
    """Format a page of hits, loading the authors and DM members it mentions in two queries."""
    dms = sorted({h.conversation.id for h in result.hits if h.conversation.kind in {"im", "mpim"}})
    members = await store.member_ids_of(session, dms)
    wanted = {h.message.user_id for h in result.hits if h.message.user_id}
    wanted.update(user for ids in members.values() for user in ids)
    users = await store.users_by_id(session, viewer.workspace_id, sorted(wanted))
    base_url = call.services.settings.base_url
    return [
        match_object(
            hit,
            channel=channel_object(
                hit.conversation, viewer.user_id, members.get(hit.conversation.id, []), users
            ),
            author=users.get(hit.message.user_id or ""),
            base_url=base_url,
            pattern=pattern,
        )
        for hit in result.hits
    ]


async def _search(call: Call, params: SearchParams) -> dict[str, Any]:
    """The parts search.messages and search.all share: `query`, `messages`, cursor metadata."""
    if not params.query.strip():
        raise ApiError("no_query")
    window = _window(params)
    async with call.services.db.read() as session:
        searched = await actions.access_search_results(
            session,
            call.principal,
            params.query,
            sort=params.sort,
            ascending=params.sort_dir.lower() == "asc",
            offset=window.offset,
            limit=window.count,
        )
        result = searched.result
        pattern = highlighter(searched.query.terms) if params.highlight else None
        matches = await _matches(call, session, searched.viewer, result, pattern)
    page = Page(window.page, window.count, window.offset, result.total, len(matches))
    messages = result_block(matches, page)
    body: dict[str, Any] = {"query": params.query, "messages": messages}
    if window.by_cursor:
        end = window.offset + len(matches)
        next_cursor = encode_cursor(str(end)) if end < result.total else ""
        messages["pagination"]["next_cursor"] = next_cursor
        body["response_metadata"] = {"next_cursor": next_cursor}
    return body


@api_method(
    "search.messages",
    params=SearchParams,
    scopes=("search:read",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    missing_errors={"query": "no_query"},
    errors=("no_query", "invalid_cursor"),
    response=SearchMessagesResponse,
)
async def search_messages(call: Call, params: SearchParams) -> dict[str, Any]:
    """Searches for messages matching a query."""
    return await _search(call, params)


@api_method(
    "search.all",
    params=SearchParams,
    scopes=("search:read",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    missing_errors={"query": "no_query"},
    errors=("no_query", "invalid_cursor"),
    partial=(
        "searches messages only: `files` is always an empty result block (files are not "
        "indexed; search.files is not built) and `posts` is empty (Slack's legacy Posts, "
        "which Parley does not have)"
    ),
)
async def search_all(call: Call, params: SearchParams) -> dict[str, Any]:
    """Searches for messages and files matching a query (messages only, see `partial`)."""
    body = await _search(call, params)
    window = _window(params)
    # Files are not indexed yet (the registry's `partial` says so in docs/api-coverage.md):
    # the same empty result block Slack gives for no matches.
    body["files"] = result_block([], Page(window.page, window.count, window.offset, 0, 0))
    body["posts"] = {"total": 0, "matches": []}
    return body
