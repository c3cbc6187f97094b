"""Who a new message notifies: a hook the notifications feature provides.

Every message goes through `do_post_message` (people, apps, Slackbot's reminders, scheduled
posts), so that is where the one notification rule is asked. Notifications sit above
messages, so they provide the rule at registration (`notifications/feature.py`) instead of
messages importing them. Without a provider a post notifies nobody beyond its `message`
event, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from parley.platform.db import UnitOfWork
from parley.platform.spaces import Conversation


@dataclass(frozen=True)
class Posted:
    """What the rule needs to know about a new message."""

    conversation: Conversation
    ts: str
    author_id: str
    text: str
    thread_ts: str | None
    mentioned: frozenset[str]  # people mentioned directly or through a user group
    mentions_everyone: bool  # <!here>, <!channel>, <!everyone>
    subtype: str | None
    is_bot: bool
    thread_followers: frozenset[str] = frozenset()  # a reply: the root's subscribers


class PostNotifier(Protocol):
    async def message_posted(self, uow: UnitOfWork, posted: Posted) -> None:
        """Notify whoever the rule says, in the posting transaction."""


@dataclass
class _Provider:
    notifier: PostNotifier | None = None


_PROVIDER = _Provider()


def provide_post_notifier(notifier: PostNotifier) -> None:
    """Install the notification rule (the notifications feature)."""
    _PROVIDER.notifier = notifier


def post_notifier_provided() -> bool:
    """Whether a provider is installed, for the wiring test."""
    return _PROVIDER.notifier is not None


async def notify_posted(uow: UnitOfWork, posted: Posted) -> None:
    if _PROVIDER.notifier is not None:
        await _PROVIDER.notifier.message_posted(uow, posted)
