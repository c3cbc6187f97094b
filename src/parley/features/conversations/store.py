"""Conversation queries: lookup, membership, visibility, read state. No commits, no events."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.conversations import hooks
from parley.features.users.models import User
from parley.platform.spaces import Conversation, ConversationMember
from parley.platform.visibility import Reader, conversation_readable, is_member_of

# Slack scope families per conversation kind: channels:history, groups:read, im:write…
SCOPE_FAMILY = {"channel": "channels", "group": "groups", "im": "im", "mpim": "mpim"}

# Besides `<family>:<action>`, Slack accepts these for some actions: bots manage public
# channels with `channels:manage` and join them with `channels:join`, people with `:write`.
_ALTERNATIVES = {
    ("channel", "manage"): ("channels:manage", "channels:write"),
    ("channel", "join"): ("channels:join", "channels:write", "channels:manage"),
}


def scope_for(conversation: Conversation, action: str) -> str:
    """The Slack scope needed to `action` (read|history|write) this kind of conversation."""
    return f"{SCOPE_FAMILY[conversation.kind]}:{action}"


def scopes_for_kind(kind: str, action: str) -> tuple[str, ...]:
    """Every scope that allows `action` on a `kind`; `manage`/`join` fall back to `:write`."""
    known = _ALTERNATIVES.get((kind, action))
    if known is not None:
        return known
    if action in {"manage", "join"}:
        action = "write"
    return (f"{SCOPE_FAMILY[kind]}:{action}",)


async def get_conversation(
    session: AsyncSession, workspace_id: str, conversation_id: str, *, for_update: bool = False
) -> Conversation | None:
    query = select(Conversation).where(
        Conversation.workspace_id == workspace_id, Conversation.id == conversation_id
    )
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def get_conversation_by_name(
    session: AsyncSession, workspace_id: str, name: str
) -> Conversation | None:
    return (
        await session.execute(
            select(Conversation).where(
                Conversation.workspace_id == workspace_id, Conversation.name == name
            )
        )
    ).scalar_one_or_none()


async def get_general(session: AsyncSession, workspace_id: str) -> Conversation | None:
    return (
        await session.execute(
            select(Conversation).where(
                Conversation.workspace_id == workspace_id, Conversation.is_general.is_(True)
            )
        )
    ).scalar_one_or_none()


async def get_dm_by_key(
    session: AsyncSession, workspace_id: str, dm_key: str
) -> Conversation | None:
    return (
        await session.execute(
            select(Conversation).where(
                Conversation.workspace_id == workspace_id, Conversation.dm_key == dm_key
            )
        )
    ).scalar_one_or_none()


def _conversation_and_membership_query(
    *, for_update: bool
) -> Select[Conversation, ConversationMember]:
    query = (
        select(Conversation, ConversationMember)
        .outerjoin(
            ConversationMember,
            (ConversationMember.conversation_id == Conversation.id)
            & (ConversationMember.user_id == bindparam("user_id")),
        )
        .where(
            Conversation.workspace_id == bindparam("workspace_id"),
            Conversation.id == bindparam("conversation_id"),
        )
    )
    if for_update:  # PostgreSQL cannot lock the nullable side of an outer join
        query = query.with_for_update(of=Conversation)
    return query


# Built once: every conversation-scoped call makes this query, and building the statement
# (operators, annotations, its cache key) cost more than running it (issue 14's profile).
_CONVERSATION_AND_MEMBERSHIP = {
    False: _conversation_and_membership_query(for_update=False),
    True: _conversation_and_membership_query(for_update=True),
}


async def get_conversation_and_membership(
    session: AsyncSession,
    workspace_id: str,
    conversation_id: str,
    user_id: str,
    *,
    for_update: bool = False,
) -> tuple[Conversation | None, ConversationMember | None]:
    """The conversation and `user_id`'s membership row in it, in one query (every
    conversation-scoped call makes it); `for_update` locks the conversation row."""
    params = {"workspace_id": workspace_id, "conversation_id": conversation_id, "user_id": user_id}
    row = (await session.execute(_CONVERSATION_AND_MEMBERSHIP[for_update], params)).first()
    if row is None:
        return None, None
    return row[0], row[1]


async def get_membership(
    session: AsyncSession, conversation_id: str, user_id: str
) -> ConversationMember | None:
    return await session.get(ConversationMember, (conversation_id, user_id))


async def members_page(
    session: AsyncSession, conversation_id: str, *, after_id: str | None, limit: int
) -> list[str]:
    """Member ids ordered by id, after `after_id`; one extra row tells whether more follow."""
    query = select(ConversationMember.user_id).where(
        ConversationMember.conversation_id == conversation_id
    )
    if after_id:
        query = query.where(ConversationMember.user_id > after_id)
    rows = await session.execute(query.order_by(ConversationMember.user_id).limit(limit + 1))
    return list(rows.scalars().all())


async def member_count(session: AsyncSession, conversation_id: str) -> int:
    counted = await session.execute(
        select(func.count())
        .select_from(ConversationMember)
        .where(ConversationMember.conversation_id == conversation_id)
    )
    return int(counted.scalar_one())


async def member_counts(session: AsyncSession, conversation_ids: list[str]) -> dict[str, int]:
    """Members per conversation for a page of conversations, in one grouped query."""
    if not conversation_ids:
        return {}
    counted = await session.execute(
        select(ConversationMember.conversation_id, func.count())
        .where(ConversationMember.conversation_id.in_(conversation_ids))
        .group_by(ConversationMember.conversation_id)
    )
    return {conversation_id: int(count) for conversation_id, count in counted.all()}


async def conversation_ids_of_user(
    session: AsyncSession, workspace_id: str, user_id: str
) -> Sequence[str]:
    rows = await session.execute(
        select(ConversationMember.conversation_id).where(
            ConversationMember.workspace_id == workspace_id,
            ConversationMember.user_id == user_id,
        )
    )
    return rows.scalars().all()


async def memberships_of(
    session: AsyncSession, user_id: str, conversation_ids: Collection[str]
) -> dict[str, ConversationMember]:
    """`user_id`'s membership rows among `conversation_ids`, by conversation id."""
    if not conversation_ids:
        return {}
    rows = await session.execute(
        select(ConversationMember).where(
            ConversationMember.user_id == user_id,
            ConversationMember.conversation_id.in_(list(conversation_ids)),
        )
    )
    return {row.conversation_id: row for row in rows.scalars().all()}


async def dm_partners(
    session: AsyncSession, viewer_id: str, conversation_ids: Collection[str]
) -> dict[str, User]:
    """For each IM, the person on the other side (the viewer themself for a self-DM)."""
    if not conversation_ids:
        return {}
    rows = await session.execute(
        select(ConversationMember.conversation_id, User)
        .join(User, User.id == ConversationMember.user_id)
        .where(ConversationMember.conversation_id.in_(list(conversation_ids)))
    )
    partners: dict[str, User] = {}
    for conversation_id, user in rows.all():
        if user.id != viewer_id or conversation_id not in partners:
            partners[conversation_id] = user
    return partners


def _is_member(user_id: str) -> ColumnElement[bool]:
    return is_member_of(user_id, Conversation.id)


@dataclass(frozen=True)
class Listing:
    """What a conversations.list / users.conversations page asks for."""

    workspace_id: str
    viewer_id: str
    viewer_is_guest: bool
    kinds: tuple[str, ...]
    exclude_archived: bool
    member_of: str | None  # only conversations this user is in
    after_id: str | None
    limit: int


async def visible_page(session: AsyncSession, listing: Listing) -> list[Conversation]:
    """Conversations the viewer may see, by id; public channels are discoverable except to
    guests, everything else only to members. Fetches one extra row to detect more."""
    viewer_member = _is_member(listing.viewer_id)
    visible = conversation_readable(Reader(listing.viewer_id, listing.viewer_is_guest))
    query = select(Conversation).where(
        Conversation.workspace_id == listing.workspace_id,
        Conversation.kind.in_(listing.kinds),
        visible,
    )
    if listing.member_of is not None and listing.member_of != listing.viewer_id:
        query = query.where(_is_member(listing.member_of))
    elif listing.member_of is not None:
        query = query.where(viewer_member)
    if listing.exclude_archived:
        query = query.where(Conversation.is_archived.is_(False))
    if listing.after_id:
        query = query.where(Conversation.id > listing.after_id)
    rows = await session.execute(query.order_by(Conversation.id).limit(listing.limit + 1))
    return list(rows.scalars().all())


# --- read state -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadState:
    conversation_id: str
    kind: str
    last_read: str
    latest: str | None
    unread_count: int
    mention_count: int

    @property
    def has_unreads(self) -> bool:
        return self.unread_count > 0


async def read_states(session: AsyncSession, workspace_id: str, user_id: str) -> list[ReadState]:
    """Unread and mention counts and the latest ts of every conversation `user_id` is in.

    Counted by the messages feature (`hooks.ReadStates`): they are queries over messages.
    """
    return await hooks.read_states().read_states(session, workspace_id, user_id)


async def read_state(session: AsyncSession, conversation: Conversation, user_id: str) -> ReadState:
    """The same numbers for one conversation (conversations.info, conversations.mark)."""
    return await hooks.read_states().read_state(session, conversation, user_id)


async def recount_read_state(
    session: AsyncSession, conversation_id: str, user_ids: list[str]
) -> None:
    """After `last_read` moved or members joined: recount what they have seen."""
    await hooks.read_states().recount(session, conversation_id, user_ids)
