"""Read state: unread and mention counts per conversation, counted over messages and mentions.

The conversations feature shows these numbers (conversations.info, client.counts,
conversations.mark) but sits below messages, so it asks through its `ReadStates` hook and
this module answers it (`MessageReadStates`, installed by `messages/feature.py`).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.selectable import ScalarSelect, Subquery

from parley.features.conversations.interface import ReadState
from parley.features.messages.models import Mention, Message
from parley.platform.spaces import Conversation, ConversationMember


def _in_channel_view() -> ColumnElement[bool]:
    """Messages shown in the channel itself: top-level ones and broadcast thread replies."""
    return or_(
        Message.thread_ts.is_(None),
        Message.thread_ts == Message.ts,
        Message.reply_broadcast.is_(True),
    )


def _not_by(user_id: str) -> ColumnElement[bool]:
    return or_(Message.user_id.is_(None), Message.user_id != user_id)


def _latest_ts(
    conversation_id: ColumnElement[str] | InstrumentedAttribute[str],
) -> ScalarSelect[str]:
    """The newest message shown in the channel (walks the (conversation_id, ts) index back)."""
    return (
        select(Message.ts)
        .where(
            Message.conversation_id == conversation_id,
            Message.is_deleted.is_(False),
            _in_channel_view(),
        )
        .order_by(Message.ts.desc())
        .limit(1)
        .scalar_subquery()
    )


def _unread_columns() -> tuple[ColumnElement[int], ColumnElement[int]]:
    """Aggregates (unread, mentions) over unread `Message` rows outer-joined to the reader's
    `Mention` rows: unread counts what the channel shows, mentions count threads too."""
    mentioned = or_(Mention.user_id.is_not(None), Message.mentions_everyone.is_(True))
    return (
        func.coalesce(func.sum(case((_in_channel_view(), 1), else_=0)), 0),
        func.coalesce(func.sum(case((mentioned, 1), else_=0)), 0),
    )


# client.counts counts at most this many unread messages per conversation ("50+"): the
# sidebar needs bold and a badge, not an exact figure, and counting every unread message of a
# member of 1,000 busy channels would read hundreds of thousands of rows per call.
UNREAD_COUNT_CAP = 50


def _newest_unread(user_id: str) -> Subquery:
    """The member's newest unread messages (at most UNREAD_COUNT_CAP), correlated to the
    outer ConversationMember row; walks the (conversation_id, ts) index backwards."""
    CM = ConversationMember
    return (
        select(Message.id, Message.mentions_everyone)
        .where(
            Message.conversation_id == CM.conversation_id,
            Message.ts > CM.last_read,
            Message.is_deleted.is_(False),
            _in_channel_view(),
            _not_by(user_id),
        )
        .order_by(Message.ts.desc())
        .limit(UNREAD_COUNT_CAP)
        .correlate(CM)
        .subquery()
    )


def _capped_unread(user_id: str) -> ScalarSelect[int]:
    newest = _newest_unread(user_id)
    return select(func.count()).select_from(newest).correlate(ConversationMember).scalar_subquery()


def _capped_everyone_mentions(user_id: str) -> ScalarSelect[int]:
    """`<!here>`-style mentions among the same newest unread messages."""
    newest = _newest_unread(user_id)
    everyone = func.coalesce(func.sum(case((newest.c.mentions_everyone.is_(True), 1), else_=0)), 0)
    return select(everyone).select_from(newest).correlate(ConversationMember).scalar_subquery()


def _direct_mentions(user_id: str) -> ScalarSelect[int]:
    """Exact `<@user>` mentions newer than last_read (the sparse mentions index)."""
    CM = ConversationMember
    return (
        select(func.count())
        .select_from(Mention)
        .where(
            Mention.user_id == user_id,
            Mention.conversation_id == CM.conversation_id,
            Mention.ts > CM.last_read,
        )
        .correlate(CM)
        .scalar_subquery()
    )


async def _read_states(session: AsyncSession, workspace_id: str, user_id: str) -> list[ReadState]:
    """Unread and mention counts and the latest ts of every conversation `user_id` is in.

    One query whatever the number of conversations; per conversation it reads at most
    UNREAD_COUNT_CAP index entries (unreads and `<!here>`-style mentions among them) plus
    the exact direct mentions, so a member of 1,000 busy channels stays cheap.
    """
    CM = ConversationMember
    rows = await session.execute(
        select(
            CM.conversation_id,
            Conversation.kind,
            CM.last_read,
            _latest_ts(CM.conversation_id),
            _capped_unread(user_id),
            _direct_mentions(user_id),
            _capped_everyone_mentions(user_id),
        )
        .join(Conversation, Conversation.id == CM.conversation_id)
        .where(CM.workspace_id == workspace_id, CM.user_id == user_id)
        .order_by(CM.conversation_id)
    )
    return [
        ReadState(cid, kind, last_read, latest, int(unread), int(direct) + int(everyone))
        for cid, kind, last_read, latest, unread, direct, everyone in rows.all()
    ]


async def _read_state(
    session: AsyncSession, conversation: Conversation, user_id: str, last_read: str
) -> ReadState:
    """The same numbers for one conversation (conversations.info, conversations.mark)."""
    unread, mentions = _unread_columns()
    totals = await session.execute(
        select(unread, mentions)
        .select_from(Message)
        .outerjoin(Mention, and_(Mention.message_id == Message.id, Mention.user_id == user_id))
        .where(
            Message.conversation_id == conversation.id,
            Message.ts > last_read,
            Message.is_deleted.is_(False),
            _not_by(user_id),
        )
    )
    unread_count, mention_count = totals.one()
    latest = (
        await session.execute(
            select(_latest_ts(Conversation.id)).where(Conversation.id == conversation.id)
        )
    ).scalar_one_or_none()
    return ReadState(
        conversation.id, conversation.kind, last_read, latest, int(unread_count), int(mention_count)
    )


class MessageReadStates:
    """The conversations feature's `ReadStates`, answered from the messages tables."""

    async def read_states(
        self, session: AsyncSession, workspace_id: str, user_id: str
    ) -> list[ReadState]:
        return await _read_states(session, workspace_id, user_id)

    async def read_state(
        self, session: AsyncSession, conversation: Conversation, user_id: str, last_read: str
    ) -> ReadState:
        return await _read_state(session, conversation, user_id, last_read)
