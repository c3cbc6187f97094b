"""Read state: unread and mention counts per conversation, from the counters kept on write
(counters.py) and the mentions index.

The conversations feature shows these numbers (conversations.info, client.counts,
conversations.mark) but sits below messages, so it asks through its `ReadStates` hook and
this module answers it (`MessageReadStates`, installed by `messages/feature.py`).
"""

from __future__ import annotations

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import ScalarSelect

from parley.features.conversations.interface import ReadState
from parley.features.messages import counters
from parley.features.messages.models import Mention, Message
from parley.platform.spaces import ZERO_TS, Conversation, ConversationMember


def _direct_mentions(user_id: str) -> ScalarSelect[int]:
    """Exact `<@user>` mentions newer than last_read (the sparse mentions index), less
    those in messages that also mention everyone: the everyone counter has them already,
    and one message is one mention (it showed as 2)."""
    CM = ConversationMember
    return (
        select(func.count())
        .select_from(Mention)
        .join(Message, Message.id == Mention.message_id)
        .where(
            Mention.user_id == user_id,
            Mention.conversation_id == CM.conversation_id,
            Mention.ts > CM.last_read,
            Message.mentions_everyone.is_(False),
        )
        .correlate(CM)
        .scalar_subquery()
    )


def _read_state_query(user_id: str) -> Select[str, str, str, str | None, int, int, int]:
    """Per membership of `user_id`: the counters' differences (counters.py) and the exact
    direct mentions; filtered by the caller to one workspace or one conversation."""
    CM, C = ConversationMember, Conversation
    return (
        select(
            CM.conversation_id,
            C.kind,
            CM.last_read,
            C.latest_shown_ts,
            C.shown_count - CM.seen_count,
            C.shown_everyone_count - CM.seen_everyone_count,
            _direct_mentions(user_id),
        )
        .join(C, C.id == CM.conversation_id)
        .where(CM.user_id == user_id)
    )


def _state(row: Row[str, str, str, str | None, int, int, int]) -> ReadState:
    conversation_id, kind, last_read, latest, unread, everyone, direct = row
    # Never below zero, should a concurrent change ever leave a counter one behind.
    return ReadState(
        conversation_id,
        kind,
        last_read,
        latest,
        max(0, int(unread)),
        max(0, int(direct)) + max(0, int(everyone)),
    )


async def _read_states(session: AsyncSession, workspace_id: str, user_id: str) -> list[ReadState]:
    """Unread and mention counts and the latest ts of every conversation `user_id` is in.

    One query whatever the number of conversations: two subtractions per conversation and a
    probe of the member's mentions index (a member of 1,000 busy channels reads ~1,000 rows).
    """
    rows = await session.execute(
        _read_state_query(user_id)
        .where(ConversationMember.workspace_id == workspace_id)
        .order_by(ConversationMember.conversation_id)
    )
    return [_state(row) for row in rows.all()]


async def _read_state(session: AsyncSession, conversation: Conversation, user_id: str) -> ReadState:
    """The same numbers for one conversation (conversations.info, conversations.mark)."""
    row = (
        await session.execute(
            _read_state_query(user_id).where(ConversationMember.conversation_id == conversation.id)
        )
    ).one_or_none()
    if row is None:
        return ReadState(conversation.id, conversation.kind, ZERO_TS, None, 0, 0)
    return _state(row)


class MessageReadStates:
    """The conversations feature's `ReadStates`, answered from the messages tables."""

    async def read_states(
        self, session: AsyncSession, workspace_id: str, user_id: str
    ) -> list[ReadState]:
        return await _read_states(session, workspace_id, user_id)

    async def read_state(
        self, session: AsyncSession, conversation: Conversation, user_id: str
    ) -> ReadState:
        return await _read_state(session, conversation, user_id)

    async def recount(
        self, session: AsyncSession, conversation_id: str, user_ids: list[str]
    ) -> None:
        await counters.recount_members(session, conversation_id, user_ids)
