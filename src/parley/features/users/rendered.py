"""users.list's members as encoded JSON, kept per process and spliced into the page.

A page of 200 users cost ~12 ms to build as ORM objects and Slack dicts, and reading every
column of 200 rows still cost ~5 times reading three. A user object is a pure function of
its row, whether the caller may see emails, and the user's current time-zone offset; the
row's `render_version` moves on every UPDATE (a trigger, migration 0013). So a page reads
(id, render_version, tz), takes each member whose key it has seen, and reads and renders
only the others: any change to a row, or an offset moving at a DST switch, is a different
key, never a stale answer, and the old entry ages out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.users import store
from parley.features.users.schemas import tz_offset_seconds, user_object

# ~1.2 KB an entry: about 25 MB at most per process.
CAPACITY = 20_000

Key = tuple[str, str, int, bool, int]


class RenderedUsers:
    """A bounded map from (workspace, user, render_version, include_email, tz offset) to
    the user object's JSON."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._entries: dict[Key, orjson.Fragment] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def members(
        self,
        session: AsyncSession,
        workspace_id: str,
        versions: Sequence[Row[str, int, str]],
        *,
        include_email: bool,
    ) -> list[orjson.Fragment]:
        """The user objects of `versions` (rows of id, render_version, tz), in order; rows
        not rendered yet are read whole and rendered."""
        offsets: dict[str, int] = {}
        found: dict[str, orjson.Fragment] = {}
        missing: list[str] = []
        for user_id, version, tz in versions:
            key = (workspace_id, user_id, version, include_email, _offset(offsets, tz))
            fragment = self._entries.get(key)
            if fragment is None:
                missing.append(user_id)
            else:
                found[user_id] = fragment
        if missing:
            for row in await store.get_user_rows(session, workspace_id, missing):
                found[row.id] = self._render(row, include_email, _offset(offsets, row.tz))
        # A member deleted between the two reads is left out, as if listed a moment later.
        return [found[row.id] for row in versions if row.id in found]

    def _render(self, row: Row[Any], include_email: bool, offset: int) -> orjson.Fragment:
        # Keyed by the version of the row rendered (not of the first read: on PostgreSQL the
        # second read may see a newer row), so an entry always holds what its key names.
        fragment = orjson.Fragment(orjson.dumps(user_object(row, include_email=include_email)))
        if len(self._entries) >= self._capacity:
            # Oldest first (dicts keep insertion order): a full cache forgets what it saw first.
            del self._entries[next(iter(self._entries))]
        self._entries[(row.workspace_id, row.id, row.render_version, include_email, offset)] = (
            fragment
        )
        return fragment


def _offset(offsets: dict[str, int], tz: str) -> int:
    offset = offsets.get(tz)
    if offset is None:
        offset = offsets[tz] = tz_offset_seconds(tz)
    return offset


RENDERED_USERS = RenderedUsers()


async def member_objects(
    session: AsyncSession, workspace_id: str, *, limit: int, include_email: bool
) -> tuple[list[orjson.Fragment], bool]:
    """The first `limit` user objects of the workspace by id (as users.list's first page),
    and whether there are more."""
    versions = await store.list_user_versions_page(
        session, workspace_id, after_id=None, limit=limit
    )
    members = await RENDERED_USERS.members(
        session, workspace_id, versions[:limit], include_email=include_email
    )
    return members, len(versions) > limit
