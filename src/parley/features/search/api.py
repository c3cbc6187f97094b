"""search.messages, search.files, search.all and search.people: what the caller may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.files.interface import get_file_objects
from parley.features.search import actions, store
from parley.features.search.files import search_files
from parley.features.search.people import search_people
from parley.features.search.query import parse_query
from parley.features.search.schemas import (
    Page,
    channel_object,
    highlighter,
    match_object,
    result_block,
)
from parley.features.search.store import SearchResult, Viewer
from parley.features.search.wire import (
    SearchAllResponse,
    SearchFilesResponse,
    SearchMessagesResponse,
    SearchPeopleResponse,
)
from parley.features.users.interface import user_object
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


async def _files(call: Call, params: SearchParams) -> dict[str, Any]:
    """The `files` result block of search.files and search.all."""
    if not params.query.strip():
        raise ApiError("no_query")
    window = _window(params)
    async with call.services.db.read() as session:
        viewer = await actions.access_viewer(session, call.principal)
        query = parse_query(params.query, today=viewer.today())
        result = await search_files(
            session,
            viewer,
            query,
            sort=_sort(params),
            ascending=params.sort_dir.lower() == "asc",
            offset=window.offset,
            limit=window.count,
        )
        objects = await get_file_objects(
            session, viewer, call.services.settings.base_url, result.files
        )
    for found, score in zip(objects, result.scores, strict=True):
        found["score"] = score
    page = Page(window.page, window.count, window.offset, result.total, len(objects))
    files = result_block(objects, page)
    if window.by_cursor:
        end = window.offset + len(objects)
        files["pagination"]["next_cursor"] = encode_cursor(str(end)) if end < result.total else ""
    return files


def _sort(params: SearchParams) -> str:
    sort = params.sort.lower()
    return sort if sort in store.SORTS else "score"


@api_method(
    "search.files",
    params=SearchParams,
    scopes=("search:read",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    missing_errors={"query": "no_query"},
    errors=("no_query", "invalid_cursor"),
    response=SearchFilesResponse,
)
async def search_files_method(call: Call, params: SearchParams) -> dict[str, Any]:
    """Searches for files by name and title (their contents are not indexed)."""
    files = await _files(call, params)
    body: dict[str, Any] = {"query": params.query, "files": files}
    if "next_cursor" in files["pagination"]:
        body["response_metadata"] = {"next_cursor": files["pagination"]["next_cursor"]}
    return body


@api_method(
    "search.all",
    params=SearchParams,
    scopes=("search:read",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    missing_errors={"query": "no_query"},
    errors=("no_query", "invalid_cursor"),
    partial=(
        "files are found by name and title, not by their contents; `posts` is always empty "
        "(Slack's legacy Posts, which Parley does not have)"
    ),
    response=SearchAllResponse,
)
async def search_all(call: Call, params: SearchParams) -> dict[str, Any]:
    """Searches for messages and files matching a query."""
    body = await _search(call, params)
    body["files"] = await _files(call, params)
    body["posts"] = {"total": 0, "matches": []}
    return body


class PeopleParams(Params):
    query: str = Field(max_length=200)
    count: SlackInt = 0
    cursor: str | None = Field(default=None, max_length=256)
    include_deactivated: SlackBool = False


@api_method(
    "search.people",
    params=PeopleParams,
    scopes=("users:read",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    missing_errors={"query": "no_query"},
    errors=("no_query", "invalid_cursor"),
    response=SearchPeopleResponse,
)
async def search_people_method(call: Call, params: PeopleParams) -> dict[str, Any]:
    """Finds members by the start of their names, title or email (Parley's own method:
    a people picker for workspaces too large to list)."""
    if not params.query.strip():
        raise ApiError("no_query")
    count = clamp_limit(params.count, default=DEFAULT_COUNT, maximum=MAX_COUNT)
    offset = _people_offset(params.cursor)
    email = call.principal.has_scope("users:read.email")
    async with call.services.db.read() as session:
        viewer = await actions.access_viewer(session, call.principal)
        result = await search_people(
            session,
            viewer,
            params.query,
            include_deactivated=params.include_deactivated,
            match_email=email,
            offset=offset,
            limit=count,
        )
    end = offset + len(result.users)
    return {
        "query": params.query,
        "total": result.total,
        "members": [user_object(user, include_email=email) for user in result.users],
        "response_metadata": {"next_cursor": encode_cursor(str(end)) if end < result.total else ""},
    }


def _people_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    position = decode_cursor(cursor) or ""
    if not position.isdigit():
        raise ApiError("invalid_cursor")
    return int(position)
