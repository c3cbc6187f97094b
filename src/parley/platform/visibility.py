"""Who may read a conversation: the one rule, in Python and in SQL.

Members read everything they are in; everyone else in the workspace reads public channels,
except guests, who read only what they are members of. Every feature that shows something
living in a conversation (messages, reactions, pins, files, search hits, call state) asks
this module, so the rule is written once. A conversation a viewer may not read answers
"not found", the same as one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.platform.spaces import Conversation, ConversationMember

PUBLIC_KIND = "channel"


class Viewer(Protocol):
    """Anyone reading: a principal, or a query's description of one."""

    @property
    def user_id(self) -> str: ...

    @property
    def is_guest(self) -> bool: ...


@dataclass(frozen=True)
class Reader:
    """A viewer given by id (list queries that are not handed a principal)."""

    user_id: str
    is_guest: bool = False


def can_read(viewer: Viewer, kind: str, is_member: bool) -> bool:
    """The rule itself, for a conversation already loaded with the viewer's membership."""
    if is_member:
        return True
    return kind == PUBLIC_KIND and not viewer.is_guest


def is_member_of(user_id: str, conversation_id: ColumnElement[Any] | Any) -> ColumnElement[bool]:
    """SQL: `user_id` is a member of the conversation whose id is `conversation_id`."""
    return exists().where(
        ConversationMember.conversation_id == conversation_id,
        ConversationMember.user_id == user_id,
    )


def conversation_readable(viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition on rows of `Conversation` (list queries): the rule of `can_read`."""
    member = is_member_of(viewer.user_id, Conversation.id)
    if viewer.is_guest:
        return member
    return or_(Conversation.kind == PUBLIC_KIND, member)


def in_readable_conversation(
    viewer: Viewer, conversation_id: ColumnElement[Any] | Any
) -> ColumnElement[bool]:
    """SQL condition on rows that live in a conversation (a message, a file share…).

    Written as correlated EXISTS probes (primary-key lookups per candidate row) rather than
    `IN (list of readable ids)`: a member of 10,000 channels would otherwise make the planner
    compare every row against the whole list."""
    member = is_member_of(viewer.user_id, conversation_id)
    if viewer.is_guest:
        return member
    public = exists().where(Conversation.id == conversation_id, Conversation.kind == PUBLIC_KIND)
    return or_(public, member)


async def member_ids(session: AsyncSession, conversation_id: str) -> list[str]:
    """The conversation's members by id (audiences and membership caches read this)."""
    rows = await session.execute(
        select(ConversationMember.user_id)
        .where(ConversationMember.conversation_id == conversation_id)
        .order_by(ConversationMember.user_id)
    )
    return list(rows.scalars().all())
