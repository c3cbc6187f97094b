"""Slack's two list styles for the legacy item lists (reactions.list, stars.list):
`count` + `page` with a `paging` block, or `limit` + `cursor` with `response_metadata`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parley.platform.errors import ApiError
from parley.platform.webapi.pagination import clamp_limit, decode_cursor, page_metadata

MAX_PAGE = 100  # Slack serves at most 100 pages in page mode


@dataclass(frozen=True)
class Window:
    offset: int
    limit: int
    by_cursor: bool
    page: int


def window(*, count: int, page: int, limit: int, cursor: str | None) -> Window:
    """Which rows to return. A cursor or a limit selects cursor mode, as Slack's docs advise."""
    if cursor or limit > 0:
        position = decode_cursor(cursor)
        if position is not None and not position.isdigit():
            raise ApiError("invalid_cursor")
        size = clamp_limit(limit, default=100, maximum=1000)
        return Window(int(position or 0), size, by_cursor=True, page=1)
    size = clamp_limit(count, default=100, maximum=1000)
    page = min(max(page, 1), MAX_PAGE)
    return Window((page - 1) * size, size, by_cursor=False, page=page)


def page_body(win: Window, *, returned: int, total: int) -> dict[str, Any]:
    """`paging` in page mode; `response_metadata.next_cursor` (empty at the end) in both."""
    end = win.offset + returned
    body: dict[str, Any] = {"response_metadata": page_metadata(str(end) if end < total else None)}
    if not win.by_cursor:
        pages = max(1, -(-total // win.limit))
        body["paging"] = {"count": win.limit, "total": total, "page": win.page, "pages": pages}
    return body
