"""Search queries: who the names in a query are, what the searcher may see, and the search.

One SQL statement finds a page of matches: the full-text condition from the dialect's
backend, the searcher's visible conversations as a subquery, the filters, the order and
the limit, so the database does the work on its indexes and Python only formats one page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.messages.models import Mention, Message
from parley.features.pins.models import Pin, SavedItem
from parley.features.reactions.models import Reaction
from parley.features.search.backend import SearchBackend, TextMatch, backend_for
from parley.features.search.query import Ref, SearchQuery, parse_query
from parley.features.search.sqlite import SqliteBackend, newest_links
from parley.features.users.models import User
from parley.platform.spaces import Conversation, ConversationMember
from parley.platform.ts import format_ts
from parley.platform.visibility import in_readable_conversation

SORTS = ("score", "timestamp")
# Joins and leaves say nothing worth finding, and Slack's search leaves them out too.
HIDDEN_SUBTYPES = ("channel_join", "channel_leave", "group_join", "group_leave")


@dataclass(frozen=True)
class Viewer:
    """The person searching: results are limited to what they may read."""

    workspace_id: str
    user_id: str
    is_guest: bool = False
    tz: str = "UTC"

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def today(self) -> date:
        return datetime.now(self.zone).date()


@dataclass(frozen=True)
class Hit:
    message: Message
    conversation: Conversation
    score: float


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int


@dataclass(frozen=True)
class Resolved:
    """The query's names turned into ids (None where the query has no such filter)."""

    conversations: set[str] | None = None
    not_conversations: set[str] | None = None
    from_users: set[str] | None = None
    not_from_users: set[str] | None = None
    to_users: set[str] | None = None


async def get_viewer(session: AsyncSession, workspace_id: str, user_id: str) -> Viewer | None:
    """The searcher with the role and time zone that scope a search."""
    row = (
        await session.execute(
            select(User.role, User.tz).where(User.workspace_id == workspace_id, User.id == user_id)
        )
    ).first()
    if row is None:
        return None
    return Viewer(workspace_id, user_id, is_guest=row.role == "guest", tz=row.tz or "UTC")


async def search(
    session: AsyncSession,
    viewer: Viewer,
    raw_query: str,
    *,
    sort: str = "score",
    ascending: bool = False,
    offset: int = 0,
    limit: int = 20,
) -> tuple[SearchQuery, SearchResult]:
    """Parse and run a search box query (the entry point a benchmark can call directly)."""
    query = parse_query(raw_query, today=viewer.today())
    result = await search_messages(
        session, viewer, query, sort=sort, ascending=ascending, offset=offset, limit=limit
    )
    return query, result


async def search_messages(
    session: AsyncSession,
    viewer: Viewer,
    query: SearchQuery,
    *,
    sort: str = "score",
    ascending: bool = False,
    offset: int = 0,
    limit: int = 20,
) -> SearchResult:
    """A page of the messages matching `query` that `viewer` may see, and how many match."""
    if query.is_empty:
        return SearchResult([], 0)
    resolved = await resolve_names(session, viewer, query)
    if resolved is None:
        return SearchResult([], 0)  # a named channel or person that does not exist here
    base = select(Message.id).where(*_conditions(viewer, query, resolved))
    matched, unranked = _match(
        session.get_bind().dialect.name,
        base,
        query,
        rank=sort == "score",
        newest_first=not (sort != "score" and ascending),
        by_author=resolved.from_users is not None,
    )
    # Without words there is nothing to rank by: newest (or oldest) first.
    score = matched.score if matched.score is not None else literal(0.0)
    order = _order("score" if matched.score is not None else "timestamp", ascending, score)
    # The window count rides along with the sort, which visits every match anyway.
    page = matched.select.add_columns(score.label("score"), func.count().over().label("total"))
    rows = (await session.execute(page.order_by(*order).offset(offset).limit(limit))).all()
    if rows:
        total = int(rows[0].total)
    elif offset == 0:
        total = 0
    else:  # past the last page: count separately, without scores
        counted = select(func.count()).select_from(unranked.select.subquery())
        total = (await session.execute(counted)).scalar_one()
    hits = await _load_hits(session, [(row.id, float(row.score or 0)) for row in rows])
    return SearchResult(hits, total)


# A search ranks and counts at most this many matches: the newest ones the viewer may see.
# A word found in a million messages would otherwise be ranked a million times per query.
MAX_CANDIDATES = 2_000


def _match(
    dialect: str,
    base: Select[Any],
    query: SearchQuery,
    *,
    rank: bool,
    newest_first: bool,
    by_author: bool,
) -> tuple[TextMatch, TextMatch]:
    """The matches of `query` among `base`'s messages, scored when `rank`, and unscored for
    counting; narrowed to the newest MAX_CANDIDATES (oldest with `newest_first` false)
    wherever the matches can be many."""
    backend = backend_for(dialect)
    if isinstance(backend, SqliteBackend):
        return _sqlite_match(backend, base, query, rank, newest_first, by_author)
    if dialect == "postgresql":
        base = _newest_candidates(backend, base, query, ascending=not newest_first)
    return (
        backend.match(base, query.terms, query.excluded, rank=rank),
        backend.match(base, query.terms, query.excluded, rank=False),
    )


def _sqlite_match(
    backend: SqliteBackend,
    base: Select[Any],
    query: SearchQuery,
    rank: bool,
    newest_first: bool,
    by_author: bool,
) -> tuple[TextMatch, TextMatch]:
    """SQLite's plans: one person's messages probed in the index (`from:`), else the
    newest matches walked in the index; `has:link` walks its partial index."""
    if query.terms and by_author:
        return (
            backend.match_each(base, query.terms, query.excluded, rank=rank),
            backend.match_each(base, query.terms, query.excluded, rank=False),
        )
    if query.terms:
        capped = backend.newest_matches(
            base,
            query.terms,
            query.excluded,
            rank=rank,
            ascending=not newest_first,
            limit=MAX_CANDIDATES,
        )
        return capped, capped
    if "link" in query.has and not by_author:
        base = newest_links(base, ascending=not newest_first, limit=MAX_CANDIDATES)
    return (
        backend.match(base, (), query.excluded, rank=False),
        backend.match(base, (), query.excluded, rank=False),
    )


def _newest_candidates(
    backend: SearchBackend, base: Select[Any], query: SearchQuery, *, ascending: bool
) -> Select[Any]:
    """`base` narrowed to the newest (oldest with `ascending`) visible matches.

    The planner walks the primary key in order and tests each row against the GIN-indexed
    vector, stopping after MAX_CANDIDATES, when words are common; for rare words it uses
    the GIN index. Either way the work is bounded."""
    unranked = backend.match(base, query.terms, query.excluded, rank=False).select
    order = Message.id.asc() if ascending else Message.id.desc()
    candidates = unranked.order_by(order).limit(MAX_CANDIDATES).subquery()
    return select(Message.id).where(Message.id.in_(select(candidates.c.id)))


def _order(sort: str, ascending: bool, score: ColumnElement[Any]) -> list[ColumnElement[Any]]:
    """Timestamp order, or best score first (`asc`: worst first) with newest breaking ties."""
    by_time: list[ColumnElement[Any]]
    if ascending:
        by_time = [Message.ts.asc(), Message.id.asc()]
    else:
        by_time = [Message.ts.desc(), Message.id.desc()]
    if sort == "timestamp":
        return by_time
    return [score.asc() if ascending else score.desc(), *by_time]


def _conditions(viewer: Viewer, query: SearchQuery, resolved: Resolved) -> list[Any]:
    conditions: list[Any] = [
        Message.workspace_id == viewer.workspace_id,
        in_readable_conversation(viewer, Message.conversation_id),
        Message.is_deleted == false(),
        or_(Message.subtype.is_(None), Message.subtype.not_in(HIDDEN_SUBTYPES)),
    ]
    if resolved.conversations is not None:
        conditions.append(Message.conversation_id.in_(sorted(resolved.conversations)))
    if resolved.not_conversations:
        conditions.append(Message.conversation_id.not_in(sorted(resolved.not_conversations)))
    if resolved.from_users is not None:
        conditions.append(Message.user_id.in_(sorted(resolved.from_users)))
    if resolved.not_from_users:
        conditions.append(
            or_(Message.user_id.is_(None), Message.user_id.not_in(sorted(resolved.not_from_users)))
        )
    if resolved.to_users is not None:
        conditions.append(_sent_to(sorted(resolved.to_users)))
    conditions.extend(_date_conditions(viewer, query))
    conditions.extend(_flag_conditions(viewer, query))
    return conditions


def _sent_to(user_ids: list[str]) -> ColumnElement[bool]:
    """Messages mentioning one of `user_ids`, or sent by someone else in a DM they are in."""
    mentioned = exists().where(Mention.message_id == Message.id, Mention.user_id.in_(user_ids))
    in_their_dm = and_(
        Message.conversation_id.in_(
            select(ConversationMember.conversation_id)
            .join(Conversation, Conversation.id == ConversationMember.conversation_id)
            .where(ConversationMember.user_id.in_(user_ids), Conversation.kind.in_(("im", "mpim")))
        ),
        or_(Message.user_id.is_(None), Message.user_id.not_in(user_ids)),
    )
    return or_(mentioned, in_their_dm)


def _date_conditions(viewer: Viewer, query: SearchQuery) -> list[ColumnElement[bool]]:
    """Day bounds in the viewer's time zone, compared with `ts` (fixed-width, so as text)."""
    conditions = []
    if query.since is not None:
        conditions.append(Message.ts >= _day_start_ts(query.since, viewer.zone))
    if query.until is not None:
        conditions.append(Message.ts < _day_start_ts(query.until, viewer.zone))
    return conditions


def _day_start_ts(day: date, zone: ZoneInfo) -> str:
    start = datetime.combine(day, time.min, tzinfo=zone)
    return format_ts(max(0, int(start.timestamp()) * 1_000_000))


def _flag_conditions(viewer: Viewer, query: SearchQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if "link" in query.has:
        # `= true`, not `IS TRUE`: PostgreSQL proves only the former matches the partial
        # index ix_messages_has_link.
        conditions.append(Message.has_link == true())
    if "reaction" in query.has:
        conditions.append(exists().where(Reaction.message_id == Message.id))
    for name in query.reactions:
        conditions.append(exists().where(Reaction.message_id == Message.id, Reaction.name == name))
    if "pin" in query.has:
        conditions.append(exists().where(Pin.message_id == Message.id))
    if query.is_thread:
        conditions.append(Message.thread_ts.is_not(None))
    if query.is_saved:
        conditions.append(
            exists().where(SavedItem.message_id == Message.id, SavedItem.user_id == viewer.user_id)
        )
    return conditions


async def resolve_names(
    session: AsyncSession, viewer: Viewer, query: SearchQuery
) -> Resolved | None:
    """Ids for the channels and people a query names, or None if a required one is unknown
    (then nothing can match; excluded names that are unknown simply exclude nothing)."""
    conversations: set[str] | None = None
    if query.in_channels or query.in_dms:
        conversations = await _channel_ids(session, viewer, query.in_channels)
        for ref in query.in_dms:
            conversations |= await _dm_ids(session, viewer, ref)
        if not conversations:
            return None
    required = {}
    for name, refs in (("from_users", query.from_users), ("to_users", query.to_users)):
        if refs:
            ids = await user_ids(session, viewer, refs)
            if not ids:
                return None
            required[name] = ids
    return Resolved(
        conversations=conversations,
        not_conversations=await _channel_ids(session, viewer, query.not_in_channels),
        from_users=required.get("from_users"),
        not_from_users=await user_ids(session, viewer, query.not_from_users),
        to_users=required.get("to_users"),
    )


async def user_ids(session: AsyncSession, viewer: Viewer, refs: Sequence[Ref]) -> set[str]:
    """Users of the viewer's workspace named by id, `me`, handle or display name."""
    found = {viewer.user_id for ref in refs if ref.is_me}
    ids = [ref.value for ref in refs if ref.is_id]
    names = [ref.value.lower() for ref in refs if not ref.is_id and not ref.is_me]
    if not ids and not names:
        return found
    by = []
    if ids:
        by.append(User.id.in_(ids))
    if names:
        by += [func.lower(User.name).in_(names), func.lower(User.display_name).in_(names)]
    rows = await session.execute(
        select(User.id).where(User.workspace_id == viewer.workspace_id, or_(*by))
    )
    return found | set(rows.scalars().all())


async def _channel_ids(session: AsyncSession, viewer: Viewer, refs: Sequence[Ref]) -> set[str]:
    """Channels of the viewer's workspace named by id or name (visibility is checked later)."""
    if not refs:
        return set()
    ids = [ref.value for ref in refs if ref.is_id]
    names = [ref.value.lower() for ref in refs if not ref.is_id]
    rows = await session.execute(
        select(Conversation.id).where(
            Conversation.workspace_id == viewer.workspace_id,
            or_(Conversation.id.in_(ids), func.lower(Conversation.name).in_(names)),
        )
    )
    return set(rows.scalars().all())


async def _dm_ids(session: AsyncSession, viewer: Viewer, ref: Ref) -> set[str]:
    """The viewer's direct messages with the person `ref` names (their self-DM for `me`)."""
    mine = select(ConversationMember.conversation_id).where(
        ConversationMember.user_id == viewer.user_id
    )
    my_ims = select(Conversation.id).where(
        Conversation.workspace_id == viewer.workspace_id,
        Conversation.kind == "im",
        Conversation.id.in_(mine),
    )
    found: set[str] = set()
    for other in await user_ids(session, viewer, [ref]):
        if other == viewer.user_id:
            # The self-DM: an IM of the viewer's with nobody else in it.
            query = my_ims.where(
                ~exists().where(
                    ConversationMember.conversation_id == Conversation.id,
                    ConversationMember.user_id != viewer.user_id,
                )
            )
        else:
            query = select(ConversationMember.conversation_id).where(
                ConversationMember.user_id == other,
                ConversationMember.conversation_id.in_(my_ims),
            )
        found |= set((await session.execute(query)).scalars().all())
    return found


async def _load_hits(session: AsyncSession, ranked: list[tuple[int, float]]) -> list[Hit]:
    """The messages and conversations of a page of ids, in the page's order."""
    if not ranked:
        return []
    rows = await session.execute(
        select(Message, Conversation)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.id.in_([message_id for message_id, _ in ranked]))
    )
    by_id = {message.id: (message, conversation) for message, conversation in rows.all()}
    return [Hit(*by_id[mid], score) for mid, score in ranked if mid in by_id]


async def member_ids_of(
    session: AsyncSession, conversation_ids: Sequence[str]
) -> dict[str, list[str]]:
    """Members of several conversations at once (to name DMs in results)."""
    if not conversation_ids:
        return {}
    rows = await session.execute(
        select(ConversationMember.conversation_id, ConversationMember.user_id)
        .where(ConversationMember.conversation_id.in_(list(conversation_ids)))
        .order_by(ConversationMember.user_id)
    )
    members: dict[str, list[str]] = {}
    for conversation_id, user_id in rows.all():
        members.setdefault(conversation_id, []).append(user_id)
    return members


async def users_by_id(
    session: AsyncSession, workspace_id: str, ids: Sequence[str]
) -> dict[str, User]:
    if not ids:
        return {}
    rows = await session.execute(
        select(User).where(User.workspace_id == workspace_id, User.id.in_(list(set(ids))))
    )
    return {user.id: user for user in rows.scalars().all()}
