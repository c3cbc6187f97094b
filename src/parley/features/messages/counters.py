"""Unread counters kept on write, so that `client.counts` is a subtraction and not a scan.

Each conversation counts the messages its channel view shows (top level, thread roots and
broadcast replies; not deleted) and how many of those mention everyone. Each member counts
how many of the same messages they do not see as unread: those up to their `last_read`, and
their own. A member's unread count is then `shown_count - seen_count` (and likewise for
`<!here>`-style mentions), whatever the number of conversations or messages (issue 14).

Who changes what:
- posting a shown message: the conversation's counts go up by one with its ts allocation
  (`platform/ts.py`, the UPDATE that locks the conversation row anyway), and its author's
  `seen_*` too;
- deleting one (or leaving a tombstone): the counts go down, and so does `seen_*` for every
  member who had counted it as seen (read past it, or wrote it);
- an edit that adds or removes `<!here>`: the everyone counts move the same way;
- moving `last_read` (conversations.mark) or joining: the member's `seen_*` is recounted
  from the messages after `last_read` (none, usually: marking up to the newest message
  costs no scan).
`tests/features/messages/test_counters.py` checks them against a full recount after random
sequences of these operations.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.messages.models import Message
from parley.platform.spaces import ZERO_TS, Conversation, ConversationMember

_MESSAGES = cast(Table, Message.__table__)
_CONVERSATIONS = cast(Table, Conversation.__table__)
_MEMBERS = cast(Table, ConversationMember.__table__)


def is_shown(message: Message) -> bool:
    """Whether the channel view shows `message` (and so whether it counts as unread)."""
    if message.is_deleted:
        return False
    return message.thread_ts is None or message.thread_ts == message.ts or message.reply_broadcast


def shown_clause() -> ColumnElement[bool]:
    """`is_shown` as SQL over the messages table."""
    m = _MESSAGES.c
    return and_(
        m.is_deleted.is_(False),
        or_(m.thread_ts.is_(None), m.thread_ts == m.ts, m.reply_broadcast.is_(True)),
    )


# --- on write ----------------------------------------------------------------------------------

# Built once (the hot path of every post; see decision 0011). The conversation's own counts
# went up with the ts allocation (platform/ts.py), in the UPDATE that locks its row.
_AUTHOR_SEES_OWN = (
    update(_MEMBERS)
    .where(
        _MEMBERS.c.conversation_id == bindparam("target_id"),
        _MEMBERS.c.user_id == bindparam("author"),
    )
    .values(
        seen_count=_MEMBERS.c.seen_count + 1,
        seen_everyone_count=_MEMBERS.c.seen_everyone_count + bindparam("everyone"),
    )
)


async def count_posted(session: AsyncSession, message: Message) -> None:
    """A new message, counted as shown when its ts was allocated: its author has seen it."""
    if not is_shown(message) or message.user_id is None:
        return
    values = {
        "target_id": message.conversation_id,
        "everyone": int(message.mentions_everyone),
        "author": message.user_id,
    }
    await session.execute(_AUTHOR_SEES_OWN, values)


async def uncount_allocated(session: AsyncSession, message: Message) -> None:
    """The ts was allocated (and counted) for a message that was not inserted after all."""
    conversations = _CONVERSATIONS.c
    await session.execute(
        update(_CONVERSATIONS)
        .where(conversations.id == message.conversation_id)
        .values(
            shown_count=conversations.shown_count - 1,
            shown_everyone_count=conversations.shown_everyone_count
            - int(message.mentions_everyone),
            latest_shown_ts=_newest_shown_ts(message.conversation_id),
        )
    )


def _members_who_saw(message: Message) -> ColumnElement[bool]:
    """Members whose `seen_*` includes `message`: read past it, or its author."""
    c = _MEMBERS.c
    seen = c.last_read >= message.ts
    if message.user_id is not None:
        seen = or_(seen, c.user_id == message.user_id)
    return and_(c.conversation_id == message.conversation_id, seen)


async def count_unshown(session: AsyncSession, message: Message, *, everyone: bool) -> None:
    """`message`, shown until now, was deleted or became a tombstone (call after the change
    is flushed, so the newest shown ts is found without it)."""
    delta_everyone = int(everyone)
    conversations = _CONVERSATIONS.c
    await session.execute(
        update(_CONVERSATIONS)
        .where(conversations.id == message.conversation_id)
        .values(
            shown_count=conversations.shown_count - 1,
            shown_everyone_count=conversations.shown_everyone_count - delta_everyone,
            latest_shown_ts=_newest_shown_ts(message.conversation_id),
        )
    )
    members = _MEMBERS.c
    await session.execute(
        update(_MEMBERS)
        .where(_members_who_saw(message))
        .values(
            seen_count=members.seen_count - 1,
            seen_everyone_count=members.seen_everyone_count - delta_everyone,
        )
    )


async def count_everyone_changed(session: AsyncSession, message: Message, *, was: bool) -> None:
    """An edit added or removed `<!here>`-style mentions of a shown message."""
    if not is_shown(message) or was == message.mentions_everyone:
        return
    delta = 1 if message.mentions_everyone else -1
    conversations, members = _CONVERSATIONS.c, _MEMBERS.c
    await session.execute(
        update(_CONVERSATIONS)
        .where(conversations.id == message.conversation_id)
        .values(shown_everyone_count=conversations.shown_everyone_count + delta)
    )
    await session.execute(
        update(_MEMBERS)
        .where(_members_who_saw(message))
        .values(seen_everyone_count=members.seen_everyone_count + delta)
    )


def _newest_shown_ts(conversation_id: Any) -> Any:
    m = _MESSAGES.c
    return (
        select(func.max(m.ts))
        .where(m.conversation_id == conversation_id, shown_clause())
        .scalar_subquery()
    )


# --- recounting a member ---------------------------------------------------------------------


def _unseen(everyone: bool) -> Any:
    """Shown messages after the member's last_read by someone else (correlated to the member
    row being updated): what `seen_*` leaves out."""
    m, c = _MESSAGES.c, _MEMBERS.c
    conditions = [
        m.conversation_id == c.conversation_id,
        shown_clause(),
        m.ts > c.last_read,
        or_(m.user_id.is_(None), m.user_id != c.user_id),
    ]
    if everyone:
        conditions.append(m.mentions_everyone.is_(True))
    return select(func.count()).where(*conditions).scalar_subquery()


def _own_shown(everyone: bool) -> Any:
    """The member's own shown messages in the conversation (correlated to the member row):
    all a member who joins with `last_read` at zero has seen. Walks the author's messages
    (workspace_id, user_id, ts index), not the conversation's: joining a busy channel, or
    inviting 3,000 people, must not count its whole history once per person."""
    m, c = _MESSAGES.c, _MEMBERS.c
    conditions = [
        m.workspace_id == c.workspace_id,
        m.user_id == c.user_id,
        m.conversation_id == c.conversation_id,
        shown_clause(),
    ]
    if everyone:
        conditions.append(m.mentions_everyone.is_(True))
    return select(func.count()).where(*conditions).scalar_subquery()


async def recount_members(session: AsyncSession, conversation_id: str, user_ids: list[str]) -> None:
    """Set `seen_*` of these members from their `last_read` (after a mark, or on joining).

    Locks the conversation row for share first: on PostgreSQL a post in flight there holds
    it for update, so the counts read below include that post or it waits for this change.
    A member who has read up to the newest shown message has seen all of them, one who has
    read nothing only their own: neither scans the conversation."""
    counts = (
        await session.execute(
            select(
                Conversation.shown_count,
                Conversation.shown_everyone_count,
                Conversation.latest_shown_ts,
            )
            .where(Conversation.id == conversation_id)
            .with_for_update(read=True)
        )
    ).one()
    shown, shown_everyone, latest = counts
    c = _MEMBERS.c
    read_all = c.last_read >= literal(latest or "")
    read_none = c.last_read == ZERO_TS
    await session.execute(
        update(_MEMBERS)
        .where(c.conversation_id == conversation_id, c.user_id.in_(user_ids))
        .values(
            seen_count=case(
                (read_all, shown),
                (read_none, _own_shown(everyone=False)),
                else_=shown - _unseen(everyone=False),
            ),
            seen_everyone_count=case(
                (read_all, shown_everyone),
                (read_none, _own_shown(everyone=True)),
                else_=shown_everyone - _unseen(everyone=True),
            ),
        )
        .execution_options(synchronize_session=False)
    )


async def recount_workspace(session: AsyncSession, workspace_id: str) -> None:
    """Recount every conversation and member of a workspace from its messages: for rows
    written below the actions (the dev seed, imports). Migration 0015 does the same."""
    m, conversations, members = _MESSAGES.c, _CONVERSATIONS.c, _MEMBERS.c

    def shown_in_conversation(*extra: ColumnElement[bool]) -> Any:
        return (
            select(func.count())
            .where(m.conversation_id == conversations.id, shown_clause(), *extra)
            .scalar_subquery()
        )

    await session.execute(
        update(_CONVERSATIONS)
        .where(conversations.workspace_id == workspace_id)
        .values(
            shown_count=shown_in_conversation(),
            shown_everyone_count=shown_in_conversation(m.mentions_everyone.is_(True)),
            latest_shown_ts=_newest_shown_ts(conversations.id),
        )
    )
    seen = [
        m.conversation_id == members.conversation_id,
        shown_clause(),
        or_(m.ts <= members.last_read, m.user_id == members.user_id),
    ]
    await session.execute(
        update(_MEMBERS)
        .where(members.workspace_id == workspace_id)
        .values(
            seen_count=select(func.count()).where(*seen).scalar_subquery(),
            seen_everyone_count=select(func.count())
            .where(*seen, m.mentions_everyone.is_(True))
            .scalar_subquery(),
        )
    )
