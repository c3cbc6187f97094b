"""Slack's system messages (`channel_join`, `channel_topic`, …) for the conversations feature.

Membership and topic changes happen in conversations, which sits below messages; it posts
these lines through its `SystemMessages` hook, and this adapter (installed by
`messages/feature.py`) turns them into ordinary posts in the same unit of work.
"""

from __future__ import annotations

from parley.features.messages.actions import do_post_message
from parley.platform.db import UnitOfWork
from parley.platform.spaces import Conversation


class PostedSystemMessages:
    """The conversations feature's `SystemMessages`: one `do_post_message` each."""

    async def post_system_message(
        self, uow: UnitOfWork, conversation: Conversation, *, user_id: str, subtype: str, text: str
    ) -> None:
        await do_post_message(uow, conversation, user_id=user_id, text=text, subtype=subtype)
