"""Test data for search, made through the real conversation and message actions.

Reactions, pins and saved items are written straight through the ORM inside `db.write()`
(search only reads them), and so is back-dating a message, which no method can do.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sqlalchemy import select, update

from parley.features.conversations import actions as conversation_actions
from parley.features.messages.actions import do_post_message
from parley.features.messages.models import Message
from parley.features.pins.models import Pin, SavedItem
from parley.features.reactions.models import Reaction
from parley.features.users.models import User
from parley.platform.clock import utc_now
from parley.platform.db import Database
from parley.platform.spaces import Conversation
from parley.platform.ts import format_ts
from tests.factories import Member, Team

_names = itertools.count(1)


@dataclass(frozen=True)
class Posted:
    id: int
    conversation_id: str
    ts: str


class Seeder:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def channel(
        self, team: Team, members: list[Member], *, name: str = "", private: bool = False
    ) -> str:
        """A channel (private with `private`) made by the first member, the others invited."""
        creator, *others = members
        async with self.db.write() as uow:
            conversation = await conversation_actions.do_create_channel(
                uow,
                team.team_id,
                creator.user_id,
                name or f"chan-{next(_names)}",
                is_private=private,
            )
            if others:
                await conversation_actions.do_add_members(
                    uow, conversation, [m.user_id for m in others], actor_id=creator.user_id
                )
        return conversation.id

    async def dm(self, team: Team, opener: Member, *others: Member) -> str:
        """The IM (one other person, or none: the self-DM) or group DM `opener` opens."""
        async with self.db.write() as uow:
            people = (
                await uow.session.execute(
                    select(User).where(User.id.in_([m.user_id for m in others]))
                )
            ).scalars()
            opened = await conversation_actions.do_open_direct(
                uow, team.team_id, opener.user_id, list(people)
            )
        return opened.conversation.id

    async def post(
        self,
        conversation_id: str,
        author: Member,
        text: str,
        *,
        at: int | None = None,
        thread_ts: str | None = None,
    ) -> Posted:
        """A message by `author` through chat.postMessage's action; `at` back-dates it."""
        async with self.db.write() as uow:
            conversation = await uow.session.get(Conversation, conversation_id)
            assert conversation is not None
            message = await do_post_message(
                uow, conversation, user_id=author.user_id, text=text, thread_ts=thread_ts
            )
            ts = message.ts
            if at is not None:
                ts = format_ts(at * 1_000_000 + next(_names) % 1_000_000)
                await uow.session.execute(
                    update(Message).where(Message.id == message.id).values(ts=ts)
                )
        return Posted(message.id, conversation_id, ts)

    async def react(self, posted: Posted, member: Member, name: str = "thumbsup") -> None:
        async with self.db.write() as uow:
            uow.session.add(
                Reaction(
                    message_id=posted.id,
                    user_id=member.user_id,
                    name=name,
                    workspace_id=member.team_id,
                    conversation_id=posted.conversation_id,
                    created=utc_now(),
                )
            )

    async def pin(self, posted: Posted, member: Member) -> None:
        async with self.db.write() as uow:
            uow.session.add(
                Pin(
                    conversation_id=posted.conversation_id,
                    message_id=posted.id,
                    workspace_id=member.team_id,
                    pinned_by=member.user_id,
                    created=utc_now(),
                )
            )

    async def save(self, posted: Posted, member: Member) -> None:
        async with self.db.write() as uow:
            uow.session.add(
                SavedItem(
                    user_id=member.user_id,
                    message_id=posted.id,
                    workspace_id=member.team_id,
                    conversation_id=posted.conversation_id,
                    created=utc_now(),
                )
            )

    async def set_profile(self, member: Member, **fields: str) -> None:
        async with self.db.write() as uow:
            user = (
                await uow.session.execute(select(User).where(User.id == member.user_id))
            ).scalar_one()
            for key, value in fields.items():
                setattr(user, key, value)

    async def handle(self, member: Member) -> str:
        async with self.db.read() as session:
            name = await session.scalar(select(User.name).where(User.id == member.user_id))
        assert name is not None
        return name
