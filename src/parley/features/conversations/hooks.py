"""What the conversations feature needs from features built on top of it, as typed hooks.

Conversations sit below messages: a channel exists before anything is said in it. Two things
still need messages, and messages provide them at registration time (`messages/feature.py`)
instead of conversations importing them:

- `SystemMessages`: Slack's `channel_join`, `channel_topic`, … lines posted by membership and
  topic changes;
- `ReadStates`: unread and mention counts, kept by the messages feature as messages change.

Each hook is installed once per process; using one that nobody installed is a wiring bug
and fails loudly rather than silently posting nothing or counting zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from parley.platform.db import UnitOfWork
from parley.platform.spaces import Conversation

if TYPE_CHECKING:
    from parley.features.conversations.store import ReadState


class SystemMessages(Protocol):
    async def post_system_message(
        self, uow: UnitOfWork, conversation: Conversation, *, user_id: str, subtype: str, text: str
    ) -> None:
        """Post one system message (`subtype` as Slack names it) by `user_id`, in `uow`."""


class ReadStates(Protocol):
    async def read_states(
        self, session: AsyncSession, workspace_id: str, user_id: str
    ) -> list[ReadState]:
        """Read state of every conversation `user_id` is a member of, by conversation id."""

    async def read_state(
        self, session: AsyncSession, conversation: Conversation, user_id: str
    ) -> ReadState:
        """Read state of one conversation for `user_id` (a member)."""

    async def recount(
        self, session: AsyncSession, conversation_id: str, user_ids: list[str]
    ) -> None:
        """Recount what these members have seen after their `last_read` moved or they joined
        (counts are kept on write: see messages/counters.py)."""


class LiveHuddles(Protocol):
    async def live_huddle(
        self, session: AsyncSession, workspace_id: str, conversation_id: str
    ) -> dict[str, Any] | None:
        """The conversation's live huddle as conversations.info shows it ("huddle active":
        id, state, who is in it), or None."""


@dataclass
class _Hooks:
    system_messages: SystemMessages | None = None
    read_states: ReadStates | None = None
    live_huddles: LiveHuddles | None = None


_HOOKS = _Hooks()


def provide_system_messages(provider: SystemMessages) -> None:
    """Install who posts system messages (the messages feature, at registration)."""
    _HOOKS.system_messages = provider


def provide_read_states(provider: ReadStates) -> None:
    """Install who counts unread messages and mentions (the messages feature)."""
    _HOOKS.read_states = provider


def provide_live_huddles(provider: LiveHuddles) -> None:
    """Install who knows a conversation's live huddle (the calls feature)."""
    _HOOKS.live_huddles = provider


async def live_huddle(
    session: AsyncSession, workspace_id: str, conversation_id: str
) -> dict[str, Any] | None:
    """The live huddle of a conversation; None without one (or without the calls feature)."""
    if _HOOKS.live_huddles is None:
        return None
    return await _HOOKS.live_huddles.live_huddle(session, workspace_id, conversation_id)


def system_messages() -> SystemMessages:
    if _HOOKS.system_messages is None:
        raise RuntimeError("no SystemMessages provider: is the messages feature registered?")
    return _HOOKS.system_messages


def read_states() -> ReadStates:
    if _HOOKS.read_states is None:
        raise RuntimeError("no ReadStates provider: is the messages feature registered?")
    return _HOOKS.read_states
