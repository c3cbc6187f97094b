"""access_*: a search as a given principal may run it.

Search writes nothing; what it has of a rule is whose search it is. Results are scoped to
the searcher's `Viewer` (workspace, guest or not, time zone), which the visibility predicate
in `store.search_messages` applies; every entry point gets it from the principal here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.search import store
from parley.features.search.query import SearchQuery
from parley.features.search.store import SearchResult, Viewer
from parley.platform.auth.principal import Principal
from parley.platform.errors import ApiError


@dataclass(frozen=True)
class Searched:
    """A page of results, the parsed query (for highlighting) and whose search it was."""

    viewer: Viewer
    query: SearchQuery
    result: SearchResult


async def access_viewer(session: AsyncSession, principal: Principal) -> Viewer:
    """The searcher as a `Viewer`; `invalid_auth` when their member row is gone."""
    viewer = await store.get_viewer(session, principal.workspace_id, principal.user_id)
    if viewer is None:
        raise ApiError("invalid_auth")
    return viewer


async def access_search_results(
    session: AsyncSession,
    principal: Principal,
    text: str,
    *,
    sort: str,
    ascending: bool,
    offset: int,
    limit: int,
) -> Searched:
    """Run a search box query over the messages `principal` may read; an unknown `sort`
    is Slack's default, by score."""
    viewer = await access_viewer(session, principal)
    query, result = await store.search(
        session,
        viewer,
        text,
        sort=sort.lower() if sort.lower() in store.SORTS else "score",
        ascending=ascending,
        offset=offset,
        limit=limit,
    )
    return Searched(viewer, query, result)
