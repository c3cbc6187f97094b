"""Conversations and messages for reaction/pin/bookmark tests, written straight as rows.

The conversations and chat methods belong to other features; these helpers only set up
the state those tests start from (one transaction each, ids and ts the way Parley makes them).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update

from parley.features.messages.models import Message
from parley.platform.clock import unix_now, utc_now
from parley.platform.db import Database
from parley.platform.events.models import EventLog
from parley.platform.ids import new_id
from parley.platform.spaces import Conversation, ConversationMember
from parley.platform.ts import allocate_ts
from tests.factories import Member, Team

_PREFIX = {"channel": "C", "group": "G", "im": "D", "mpim": "G"}


async def make_conversation(
    db: Database,
    team: Team,
    members: Iterable[Member],
    *,
    kind: str = "channel",
    creator: Member | None = None,
) -> str:
    """A conversation of `kind` in `team` with `members` joined; returns its id."""
    people = list(members)
    owner = creator or (people[0] if people else team.owner)
    conversation_id = new_id(_PREFIX[kind])
    async with db.write() as uow:
        uow.session.add(
            Conversation(
                id=conversation_id,
                workspace_id=team.team_id,
                kind=kind,
                name=f"chan-{secrets.token_hex(4)}" if kind in {"channel", "group"} else None,
                dm_key=",".join(sorted(m.user_id for m in people)) if kind == "im" else None,
                creator=owner.user_id,
                created=unix_now(),
            )
        )
        await uow.session.flush()
        for member in people:
            uow.session.add(
                ConversationMember(
                    conversation_id=conversation_id,
                    user_id=member.user_id,
                    workspace_id=team.team_id,
                    joined=utc_now(),
                )
            )
    return conversation_id


async def post(
    db: Database, team: Team, conversation_id: str, author: Member, text: str = "hello"
) -> str:
    """A message by `author`; returns its ts."""
    async with db.write() as uow:
        ts = await allocate_ts(uow, conversation_id)
        uow.session.add(
            Message(
                workspace_id=team.team_id,
                conversation_id=conversation_id,
                ts=ts,
                user_id=author.user_id,
                text=text,
                created=utc_now(),
            )
        )
    return ts


async def set_archived(db: Database, conversation_id: str, archived: bool = True) -> None:
    async with db.write() as uow:
        await uow.session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(is_archived=archived)
        )


async def set_deleted(db: Database, conversation_id: str, ts: str) -> None:
    async with db.write() as uow:
        await uow.session.execute(
            update(Message)
            .where(Message.conversation_id == conversation_id, Message.ts == ts)
            .values(is_deleted=True)
        )


async def events_of(db: Database, team: Team, kind: str) -> list[dict[str, Any]]:
    """The payloads of `kind` events recorded for `team`, oldest first."""
    async with db.read() as session:
        rows = await session.execute(
            select(EventLog.payload, EventLog.audience)
            .where(EventLog.workspace_id == team.team_id, EventLog.type == kind)
            .order_by(EventLog.seq)
        )
        return [{**payload, "_audience": audience} for payload, audience in rows]
