"""Message queries: lookup, history and thread pages, thread summaries. No commits, no events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import ColumnElement, Table, and_, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.messages import extras
from parley.features.messages.models import Message, ScheduledMessage
from parley.platform.spaces import Conversation
from parley.platform.ts import normalize_ts


def safe_ts(ts: str | None) -> str | None:
    """The canonical form of a client-supplied ts, or None when it is not a Slack ts."""
    if not ts:
        return None
    try:
        return normalize_ts(str(ts))
    except ValueError:
        return None


async def get_message(session: AsyncSession, conversation_id: str, ts: str) -> Message | None:
    """The message `ts` in `conversation_id` (tombstones included); None for an invalid ts."""
    canonical = safe_ts(ts)
    if canonical is None:
        return None
    return (
        await session.execute(
            select(Message).where(
                Message.conversation_id == conversation_id, Message.ts == canonical
            )
        )
    ).scalar_one_or_none()


async def get_message_for_update(
    session: AsyncSession, conversation_id: str, ts: str
) -> Message | None:
    """Like `get_message`, with the row locked until the transaction ends (PostgreSQL)."""
    canonical = safe_ts(ts)
    if canonical is None:
        return None
    return (
        await session.execute(
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.ts == canonical)
            .with_for_update()
        )
    ).scalar_one_or_none()


async def get_messages_by_ids(session: AsyncSession, ids: list[int]) -> list[Message]:
    """The messages with these primary keys, in the order of `ids` (missing ones skipped)."""
    if not ids:
        return []
    rows = (await session.execute(select(Message).where(Message.id.in_(list(ids))))).scalars()
    by_id = {message.id: message for message in rows}
    return [by_id[i] for i in ids if i in by_id]


async def get_by_client_msg_id(
    session: AsyncSession, conversation_id: str, client_msg_id: str
) -> Message | None:
    return (
        await session.execute(
            select(Message).where(
                Message.conversation_id == conversation_id,
                Message.client_msg_id == client_msg_id,
            )
        )
    ).scalar_one_or_none()


def _range_filters(
    latest: str | None, oldest: str | None, inclusive: bool
) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = []
    if latest is not None:
        filters.append(Message.ts <= latest if inclusive else Message.ts < latest)
    if oldest is not None:
        filters.append(Message.ts >= oldest if inclusive else Message.ts > oldest)
    return filters


def _in_channel_view() -> ColumnElement[bool]:
    """Messages shown in the channel itself: not thread replies, unless broadcast."""
    return or_(
        Message.thread_ts.is_(None),
        Message.thread_ts == Message.ts,
        Message.reply_broadcast.is_(True),
    )


async def history_page(
    session: AsyncSession,
    conversation_id: str,
    *,
    latest: str | None,
    oldest: str | None,
    inclusive: bool,
    before: str | None,
    limit: int,
) -> list[Message]:
    """Up to `limit + 1` channel-level messages, newest first (the extra row means "more")."""
    filters = [
        Message.conversation_id == conversation_id,
        _in_channel_view(),
        *_range_filters(latest, oldest, inclusive),
    ]
    if before is not None:
        filters.append(Message.ts < before)
    rows = await session.execute(
        select(Message).where(and_(*filters)).order_by(Message.ts.desc()).limit(limit + 1)
    )
    return list(rows.scalars().all())


async def replies_page(
    session: AsyncSession,
    conversation_id: str,
    thread_ts: str,
    *,
    latest: str | None,
    oldest: str | None,
    inclusive: bool,
    after: str | None,
    limit: int,
) -> list[Message]:
    """Up to `limit + 1` messages of a thread (root and replies), oldest first."""
    filters = [
        Message.conversation_id == conversation_id,
        Message.thread_ts == thread_ts,
        *_range_filters(latest, oldest, inclusive),
    ]
    if after is not None:
        filters.append(Message.ts > after)
    rows = await session.execute(
        select(Message).where(and_(*filters)).order_by(Message.ts.asc()).limit(limit + 1)
    )
    return list(rows.scalars().all())


class ThreadSummary:
    """What a thread root shows about its replies."""

    __slots__ = ("latest_reply", "reply_count", "reply_users", "reply_users_count")

    def __init__(
        self,
        reply_count: int,
        reply_users: list[str],
        reply_users_count: int,
        latest_reply: str | None,
    ) -> None:
        self.reply_count = reply_count
        self.reply_users = reply_users
        self.reply_users_count = reply_users_count
        self.latest_reply = latest_reply


MAX_REPLY_USERS = 5


async def thread_summary(session: AsyncSession, root: Message) -> ThreadSummary:
    """Reply count, the newest distinct repliers, their total and the latest reply's ts."""
    is_reply = and_(
        Message.conversation_id == root.conversation_id,
        Message.thread_ts == root.ts,
        Message.ts != root.ts,
    )
    count, latest = (
        await session.execute(select(func.count(), func.max(Message.ts)).where(is_reply))
    ).one()
    by_user = (
        await session.execute(
            select(Message.user_id, func.max(Message.ts).label("last"))
            .where(is_reply, Message.user_id.is_not(None))
            .group_by(Message.user_id)
            .order_by(func.max(Message.ts).desc())
        )
    ).all()
    users = [str(user_id) for user_id, _ in by_user]
    return ThreadSummary(int(count), users[:MAX_REPLY_USERS], len(users), latest)


async def pin_count(session: AsyncSession, conversation_id: str) -> int:
    """Pins in the conversation, counted by the pins feature (`extras.provide_pins`)."""
    return await extras.pin_count(session, conversation_id)


async def scheduled_for_user(
    session: AsyncSession,
    workspace_id: str,
    user_id: str,
    *,
    conversation_id: str | None,
    latest: int | None,
    oldest: int | None,
    after_id: str | None,
    limit: int,
) -> list[ScheduledMessage]:
    """Pending scheduled messages of a user, by post_at then id (limit + 1 rows)."""
    filters: list[ColumnElement[bool]] = [
        ScheduledMessage.workspace_id == workspace_id,
        ScheduledMessage.user_id == user_id,
        ScheduledMessage.delivered.is_(False),
    ]
    if conversation_id is not None:
        filters.append(ScheduledMessage.conversation_id == conversation_id)
    if latest is not None:
        filters.append(ScheduledMessage.post_at <= latest)
    if oldest is not None:
        filters.append(ScheduledMessage.post_at >= oldest)
    if after_id is not None:
        filters.append(ScheduledMessage.id > after_id)
    rows = await session.execute(
        select(ScheduledMessage)
        .where(and_(*filters))
        .order_by(ScheduledMessage.id)
        .limit(limit + 1)
    )
    return list(rows.scalars().all())


async def get_scheduled(
    session: AsyncSession, workspace_id: str, scheduled_id: str
) -> ScheduledMessage | None:
    return (
        await session.execute(
            select(ScheduledMessage).where(
                ScheduledMessage.workspace_id == workspace_id,
                ScheduledMessage.id == scheduled_id,
            )
        )
    ).scalar_one_or_none()


async def due_scheduled_ids(session: AsyncSession, now: int, limit: int = 100) -> list[str]:
    """Ids of undelivered scheduled messages whose time has come, oldest first."""
    rows = await session.execute(
        select(ScheduledMessage.id)
        .where(ScheduledMessage.delivered.is_(False), ScheduledMessage.post_at <= now)
        .order_by(ScheduledMessage.post_at, ScheduledMessage.id)
        .limit(limit)
    )
    return list(rows.scalars().all())


async def channels_by_name(
    session: AsyncSession, workspace_id: str, names: Sequence[str]
) -> dict[str, str]:
    """`name -> id` of public channels (for `link_names`)."""
    if not names:
        return {}
    rows = await session.execute(
        select(Conversation.name, Conversation.id).where(
            Conversation.workspace_id == workspace_id,
            Conversation.kind == "channel",
            Conversation.name.in_(list(names)),
        )
    )
    return {str(name): cid for name, cid in rows}


async def get_scheduled_by_id(session: AsyncSession, scheduled_id: str) -> ScheduledMessage | None:
    return await session.get(ScheduledMessage, scheduled_id)


async def public_channel_names(
    session: AsyncSession, workspace_id: str, channel_ids: Sequence[str]
) -> dict[str, str]:
    """`id -> name` of public channels; private names are not shown in rendered text."""
    if not channel_ids:
        return {}
    rows = await session.execute(
        select(Conversation.id, Conversation.name).where(
            Conversation.workspace_id == workspace_id,
            Conversation.kind == "channel",
            Conversation.id.in_(list(channel_ids)),
        )
    )
    return {cid: str(name) for cid, name in rows if name}


_MESSAGE_COLUMNS = tuple(
    (column.key, attribute.key)
    for attribute in Message.__mapper__.column_attrs
    for column in attribute.columns
    if column.key != "id"
)

_MESSAGES = cast(Table, Message.__table__)
_INSERT_MESSAGE = insert(_MESSAGES).returning(_MESSAGES.c.id)


async def insert_message_row(session: AsyncSession, message: Message) -> int:
    """Insert `message`'s row with one Core INSERT … RETURNING id; returns the new id.

    The posting path's one write of the message itself: the ORM's unit-of-work flush cost
    more than everything else a post does in SQLite (docs/benchmarks.md, issue 14)."""
    row = {column: getattr(message, attribute) for column, attribute in _MESSAGE_COLUMNS}
    result = await session.execute(_INSERT_MESSAGE, row)
    return int(result.scalar_one())
