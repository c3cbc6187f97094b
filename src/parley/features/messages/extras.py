"""What other features add to a Slack message object, and the one place it is added.

History, replies and the item lists (reactions.list, stars.list, pins.list) show each
message with its `reactions` and `pinned_to`, and history shows the channel's `pin_count`.
Reactions and pins sit above messages, so they provide these at registration time
(`reactions/feature.py`, `pins/feature.py`) instead of messages importing them.

A missing provider means the feature is not part of this Parley: the field is left out
(and `pin_count` is 0), exactly as for a message nobody reacted to or pinned.
`tests/test_architecture.py` checks that the composition root installs all three.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.messages.models import Message
from parley.features.messages.schemas import message_object
from parley.features.users.interface import bot_profiles


class ReactionsOfMessages(Protocol):
    async def __call__(
        self, session: AsyncSession, message_ids: list[int]
    ) -> dict[int, list[dict[str, Any]]]:
        """Slack's `reactions` list for each message id that has any, in one query."""
        ...


class PinsOfMessages(Protocol):
    async def __call__(self, session: AsyncSession, message_ids: list[int]) -> dict[int, list[str]]:
        """The conversation ids each message id is pinned in (`pinned_to`), in one query."""
        ...


class PinCount(Protocol):
    async def __call__(self, session: AsyncSession, conversation_id: str) -> int:
        """How many items are pinned in the conversation."""
        ...


@dataclass
class _Providers:
    reactions: ReactionsOfMessages | None = None
    pins: PinsOfMessages | None = None
    pin_count: PinCount | None = None


_PROVIDERS = _Providers()


def provide_reactions(provider: ReactionsOfMessages) -> None:
    """Install who lists the reactions on messages (the reactions feature)."""
    _PROVIDERS.reactions = provider


def provide_pins(provider: PinsOfMessages, count: PinCount) -> None:
    """Install who knows where messages are pinned and how many pins a channel has (pins)."""
    _PROVIDERS.pins = provider
    _PROVIDERS.pin_count = count


def provided() -> list[str]:
    """Which extras are installed, for the wiring test."""
    return [name for name, provider in vars(_PROVIDERS).items() if provider is not None]


async def reactions_for_messages(
    session: AsyncSession, message_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    if _PROVIDERS.reactions is None:
        return {}
    return await _PROVIDERS.reactions(session, message_ids)


async def pins_for_messages(session: AsyncSession, message_ids: list[int]) -> dict[int, list[str]]:
    if _PROVIDERS.pins is None:
        return {}
    return await _PROVIDERS.pins(session, message_ids)


async def pin_count(session: AsyncSession, conversation_id: str) -> int:
    if _PROVIDERS.pin_count is None:
        return 0
    return await _PROVIDERS.pin_count(session, conversation_id)


async def message_objects(
    session: AsyncSession, messages: Sequence[Message], *, viewer: str | None
) -> dict[int, dict[str, Any]]:
    """Slack message objects with their `reactions` and `pinned_to`, keyed by message id
    (two queries whatever the number of messages)."""
    ids = [message.id for message in messages]
    reactions = await reactions_for_messages(session, ids)
    pins = await pins_for_messages(session, ids)
    profiles = await bot_profiles_for(session, messages)
    return {
        message.id: message_object(
            message,
            reactions=reactions.get(message.id),
            pinned_to=pins.get(message.id),
            viewer=viewer,
            bot_profiles=profiles,
        )
        for message in messages
    }


async def bot_profiles_for(
    session: AsyncSession, messages: Sequence[Message]
) -> dict[str, dict[str, Any]]:
    """Slack's `bot_profile` of each bot among the messages' authors (one query, none
    without bot messages): read when shown, so a renamed or deleted bot shows as it is."""
    bot_ids = [m.bot_id for m in messages if m.bot_id]
    if not bot_ids:
        return {}
    return await bot_profiles(session, messages[0].workspace_id, bot_ids)
