"""Reaction writes: the only writers of `reactions`; each emits its event in its transaction."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.conversations.interface import require_not_archived
from parley.features.emoji.interface import emoji_exists, is_standard, split_skin_tone, strip_colons
from parley.features.messages.interface import Message, access_message
from parley.features.reactions import store
from parley.features.reactions.models import Reaction
from parley.features.reactions.schemas import reaction_event
from parley.platform.auth.principal import Principal
from parley.platform.clock import utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import conversation_audience, emit
from parley.platform.spaces import Conversation

# Slack's limits: distinct emoji on one message, and names one person may put on it.
MAX_DISTINCT_EMOJI = 50
MAX_REACTIONS_PER_USER = 23
MAX_NAME = 100


async def check_reaction_name(session: AsyncSession, workspace_id: str, raw: str | None) -> str:
    """A reaction name: a standard emoji (optionally `::skin-tone-N`) or a custom one."""
    name = strip_colons(raw or "")
    if not name or len(name) > MAX_NAME:
        raise ApiError("invalid_name")
    base, tone = split_skin_tone(name)
    if tone is not None:
        # Only built-in emoji come in skin tones.
        if not is_standard(base):
            raise ApiError("invalid_name")
        return name
    if not await emoji_exists(session, workspace_id, name):
        raise ApiError("invalid_name")
    return name


async def _position_for(session: AsyncSession, message_id: int, name: str) -> int:
    """The name's place among the message's reactions: its first use, or after all others."""
    positions = await store.name_positions(session, message_id)
    if name in positions:
        return positions[name]
    if len(positions) >= MAX_DISTINCT_EMOJI:
        raise ApiError("too_many_emoji")
    return max(positions.values(), default=-1) + 1


async def do_add_reaction(
    uow: UnitOfWork, user_id: str, conversation: Conversation, message: Message, name: str
) -> None:
    """Add `user_id`'s reaction `name` and announce `reaction_added` to the conversation."""
    require_not_archived(conversation)
    session = uow.session
    if await store.get_reaction(session, message.id, user_id, name) is not None:
        raise ApiError("already_reacted")
    if await store.count_user_reactions(session, message.id, user_id) >= MAX_REACTIONS_PER_USER:
        raise ApiError("too_many_reactions")
    position = await _position_for(session, message.id, name)
    session.add(
        Reaction(
            message_id=message.id,
            user_id=user_id,
            name=name,
            workspace_id=message.workspace_id,
            conversation_id=conversation.id,
            created=utc_now(),
            position=position,
        )
    )
    try:
        await session.flush()
    except IntegrityError:  # the same reaction added concurrently
        raise ApiError("already_reacted") from None
    payload = reaction_event("reaction_added", user_id=user_id, name=name, message=message)
    await emit(uow, message.workspace_id, payload, conversation_audience(conversation.id))


async def do_remove_reaction(
    uow: UnitOfWork, user_id: str, conversation: Conversation, message: Message, name: str
) -> None:
    """Remove `user_id`'s reaction `name` and announce `reaction_removed`."""
    require_not_archived(conversation)
    result = await uow.session.execute(
        delete(Reaction).where(
            Reaction.message_id == message.id, Reaction.user_id == user_id, Reaction.name == name
        )
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise ApiError("no_reaction")
    payload = reaction_event("reaction_removed", user_id=user_id, name=name, message=message)
    await emit(uow, message.workspace_id, payload, conversation_audience(conversation.id))


# --- the rules of the reactions.* methods (check_*: decide, then call do_*) ------------------


async def check_add_reaction(
    uow: UnitOfWork, principal: Principal, channel: str | None, timestamp: str | None, name: str
) -> None:
    """React to a message the caller can see (`access_message`'s errors), with an emoji
    that exists (`invalid_name`), within Slack's limits, unless the channel is archived."""
    target = await access_message(uow.session, principal, channel, timestamp, for_update=True)
    name = await check_reaction_name(uow.session, principal.workspace_id, name)
    await do_add_reaction(uow, principal.user_id, target.conversation, target.message, name)


async def check_remove_reaction(
    uow: UnitOfWork, principal: Principal, channel: str | None, timestamp: str | None, name: str
) -> None:
    """Remove one's own reaction (`no_reaction` when there is none: nobody removes someone
    else's). The name is not looked up: a reaction whose custom emoji was deleted since
    must still be removable."""
    name = strip_colons(name)
    if not name:
        raise ApiError("invalid_name")
    target = await access_message(uow.session, principal, channel, timestamp, for_update=True)
    await do_remove_reaction(uow, principal.user_id, target.conversation, target.message, name)
