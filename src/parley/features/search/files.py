"""search.files: the files a viewer may see whose name or title holds the query's words.

Files are found by their name and title, not by their contents: each word of the query must
appear in one of the two (case-insensitively, anywhere in a word, so `budg` finds
`Q3-budget.xlsx`), and no excluded word may. The filters that mean something for a file
apply: `in:` (shared there), `from:` (uploaded by), `to:` (shared in a DM of theirs by
someone else), dates on when it was uploaded, and `is:saved` never (files are not saved
items). Filters that only messages have (`has:`, `is:thread`) match no file, so a search
for "has:link report" shows the messages and no files, rather than every file named report.

A workspace holds far fewer files than messages, and the scan is limited to one workspace's
complete files by the `(workspace_id, …)` indexes, so plain LIKE is enough here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.files.interface import File, FileShare, visible_to
from parley.features.search.query import SearchQuery, Term
from parley.features.search.store import Resolved, Viewer, resolve_names
from parley.platform.spaces import Conversation, ConversationMember


@dataclass(frozen=True)
class FileResult:
    files: list[File]
    scores: list[float]
    total: int


async def search_files(
    session: AsyncSession,
    viewer: Viewer,
    query: SearchQuery,
    *,
    sort: str,
    ascending: bool,
    offset: int,
    limit: int,
) -> FileResult:
    """A page of the files matching `query` that `viewer` may see, and how many match."""
    if query.is_empty or _only_for_messages(query):
        return FileResult([], [], 0)
    resolved = await resolve_names(session, viewer, query)
    if resolved is None:
        return FileResult([], [], 0)
    conditions = _conditions(viewer, query, resolved)
    total = (
        await session.execute(select(func.count()).select_from(File).where(*conditions))
    ).scalar_one()
    if not total:
        return FileResult([], [], 0)
    score = _score(query.terms)
    page = select(File, score.label("score")).where(*conditions)
    rows = (
        await session.execute(_ordered(page, sort, ascending, score).offset(offset).limit(limit))
    ).all()
    return FileResult([row[0] for row in rows], [float(row.score) for row in rows], int(total))


def _only_for_messages(query: SearchQuery) -> bool:
    """Filters no file can meet: they describe messages."""
    return bool(query.has or query.reactions or query.is_thread or query.is_saved)


def _searched_text() -> ColumnElement[str]:
    return func.lower(File.title + " " + File.name)


def _holds(term: Term) -> ColumnElement[bool]:
    """Every word of the term appears in the name or title (a phrase: in that order)."""
    text = _searched_text()
    if term.phrase:
        return text.contains(" ".join(term.tokens), autoescape=True)
    return and_(*(text.contains(token, autoescape=True) for token in term.tokens))


def _score(terms: tuple[Term, ...]) -> ColumnElement[Any]:
    """One point per word found in the title, half a point for the name alone: a file
    titled for what was searched comes before one that merely has it in its file name."""
    if not terms:
        return literal(0.0)
    title = func.lower(File.title)
    points: ColumnElement[Any] = literal(0.0)
    for term in terms:
        for token in term.tokens:
            points = points + case((title.contains(token, autoescape=True), 1.0), else_=0.5)
    return points


def _ordered(
    page: Select[Any], sort: str, ascending: bool, score: ColumnElement[Any]
) -> Select[Any]:
    by_time: list[ColumnElement[Any]]
    if ascending:
        by_time = [File.created_unix.asc(), File.id.asc()]
    else:
        by_time = [File.created_unix.desc(), File.id.desc()]
    if sort == "timestamp":
        return page.order_by(*by_time)
    return page.order_by(score.asc() if ascending else score.desc(), *by_time)


def _conditions(viewer: Viewer, query: SearchQuery, resolved: Resolved) -> list[Any]:
    conditions: list[Any] = [
        File.workspace_id == viewer.workspace_id,
        File.state == "complete",
        visible_to(viewer),
    ]
    conditions += [_holds(term) for term in query.terms]
    conditions += [~_holds(term) for term in query.excluded]
    if resolved.conversations is not None:
        conditions.append(_shared_in(sorted(resolved.conversations)))
    if resolved.not_conversations:
        conditions.append(~_shared_in(sorted(resolved.not_conversations)))
    if resolved.from_users is not None:
        conditions.append(File.user_id.in_(sorted(resolved.from_users)))
    if resolved.not_from_users:
        conditions.append(File.user_id.not_in(sorted(resolved.not_from_users)))
    if resolved.to_users is not None:
        conditions.append(_sent_to(sorted(resolved.to_users)))
    conditions += _date_conditions(viewer, query)
    return conditions


def _shared_in(conversation_ids: list[str]) -> ColumnElement[bool]:
    return exists().where(
        FileShare.file_id == File.id, FileShare.conversation_id.in_(conversation_ids)
    )


def _sent_to(user_ids: list[str]) -> ColumnElement[bool]:
    """Shared by someone else in a direct message that one of `user_ids` is in."""
    their_dms = (
        select(ConversationMember.conversation_id)
        .join(Conversation, Conversation.id == ConversationMember.conversation_id)
        .where(ConversationMember.user_id.in_(user_ids), Conversation.kind.in_(("im", "mpim")))
    )
    return and_(
        File.user_id.not_in(user_ids),
        exists().where(FileShare.file_id == File.id, FileShare.conversation_id.in_(their_dms)),
    )


def _date_conditions(viewer: Viewer, query: SearchQuery) -> list[ColumnElement[bool]]:
    """Upload day bounds in the viewer's time zone."""
    conditions: list[ColumnElement[bool]] = []
    for day, newer in ((query.since, True), (query.until, False)):
        if day is None:
            continue
        start = int(datetime.combine(day, time.min, tzinfo=viewer.zone).timestamp())
        conditions.append(File.created_unix >= start if newer else File.created_unix < start)
    return conditions
