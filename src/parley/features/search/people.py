"""search.people: members of the workspace found by name, title or email.

Each word of the query must begin a word of the person's handle, display name, real name,
title or email address (`ann` finds "Ann Lee" and "lee.ann@…", `eng` the engineers by their
title), so typing a few letters narrows the list the way a people picker does. Exact
handle or display-name matches come first, then active members before deactivated ones,
then alphabetical order.

A guest finds only the people they share a conversation with; everyone else finds every
member of the workspace, bots included (as users.list lists them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from parley.features.search.store import Viewer
from parley.features.users.interface import User
from parley.platform.spaces import ConversationMember

_NAMES = (User.name, User.display_name, User.real_name, User.title)
MAX_WORDS = 8


@dataclass(frozen=True)
class PeopleResult:
    users: list[User]
    total: int


def words_of(raw: str) -> list[str]:
    """The lower-cased words of a people query, without a leading `@`."""
    return [word.lstrip("@").lower() for word in raw.split() if word.lstrip("@")][:MAX_WORDS]


async def search_people(
    session: AsyncSession,
    viewer: Viewer,
    raw: str,
    *,
    include_deactivated: bool,
    match_email: bool,
    offset: int,
    limit: int,
) -> PeopleResult:
    """A page of the people matching `raw`; `match_email` when the searcher may see email
    addresses (else an address would answer a question its owner's profile hides)."""
    words = words_of(raw)
    if not words:
        return PeopleResult([], 0)
    fields = (*_NAMES, User.email) if match_email else _NAMES
    conditions = _conditions(viewer, words, fields, include_deactivated)
    total = (
        await session.execute(select(func.count()).select_from(User).where(*conditions))
    ).scalar_one()
    if not total:
        return PeopleResult([], 0)
    typed = " ".join(words)
    exact = or_(func.lower(User.name) == typed, func.lower(User.display_name) == typed)
    rows = await session.execute(
        select(User)
        .where(*conditions)
        .order_by(
            case((exact, 0), else_=1),
            case((User.deleted == false(), 0), else_=1),
            func.lower(func.coalesce(func.nullif(User.display_name, ""), User.name)),
            User.id,
        )
        .offset(offset)
        .limit(limit)
    )
    return PeopleResult(list(rows.scalars()), int(total))


def _conditions(
    viewer: Viewer, words: list[str], fields: tuple[Any, ...], include_deactivated: bool
) -> list[Any]:
    conditions: list[Any] = [User.workspace_id == viewer.workspace_id]
    conditions += [_word_begins_a_field(word, fields) for word in words]
    if not include_deactivated:
        conditions.append(User.deleted == false())
    if viewer.is_guest:
        conditions.append(_shares_a_conversation_with(viewer.user_id))
    return conditions


def _word_begins_a_field(word: str, fields: tuple[Any, ...]) -> ColumnElement[bool]:
    """`word` starts one of the searched fields, or one of their words (after a space,
    a dot, a dash, an underscore or an at sign, as in "ann.lee" or "ann@acme")."""
    starts: list[ColumnElement[bool]] = []
    for column in fields:
        text = func.lower(func.coalesce(column, ""))
        starts.append(text.startswith(word, autoescape=True))
        for separator in (" ", ".", "-", "_", "@"):
            starts.append(text.contains(separator + word, autoescape=True))
    return or_(*starts)


def _shares_a_conversation_with(user_id: str) -> ColumnElement[bool]:
    mine = aliased(ConversationMember)
    theirs = aliased(ConversationMember)
    return or_(
        User.id == user_id,
        exists().where(
            mine.user_id == user_id,
            theirs.conversation_id == mine.conversation_id,
            and_(theirs.user_id == User.id),
        ),
    )
