"""Set-up for message tests: conversations written straight as rows, and event lookups.

The conversations.* methods belong to another feature; these helpers only create the
state a messages test starts from.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from parley.features.messages.schemas import message_object
from parley.features.messages.store import get_message
from parley.platform.clock import unix_now, utc_now
from parley.platform.db import Database
from parley.platform.events.models import EventLog
from parley.platform.ids import new_id
from parley.platform.spaces import Conversation, ConversationMember
from tests.factories import Member, Team

_PREFIX = {"channel": "C", "group": "G", "im": "D", "mpim": "G"}


async def make_channel(
    db: Database,
    team: Team,
    members: Iterable[Member],
    *,
    kind: str = "channel",
    name: str | None = None,
    archived: bool = False,
    properties: dict[str, Any] | None = None,
) -> str:
    """A conversation of `kind` in `team` with `members` joined; returns its id."""
    people = list(members)
    conversation_id = new_id(_PREFIX[kind])
    named = kind in {"channel", "group"}
    async with db.write() as uow:
        uow.session.add(
            Conversation(
                id=conversation_id,
                workspace_id=team.team_id,
                kind=kind,
                name=(name or f"chan-{secrets.token_hex(4)}") if named else None,
                dm_key=",".join(sorted(m.user_id for m in people)) if not named else None,
                creator=(people[0] if people else team.owner).user_id,
                created=unix_now(),
                is_archived=archived,
                properties=properties or {},
            )
        )
        await uow.session.flush()
        uow.session.add_all(
            ConversationMember(
                conversation_id=conversation_id,
                user_id=member.user_id,
                workspace_id=team.team_id,
                joined=utc_now(),
            )
            for member in people
        )
    return conversation_id


async def events(db: Database, team: Team, *, subtype: str | None = "any") -> list[EventLog]:
    """The workspace's event log rows in order (optionally only `message` events of a subtype)."""
    async with db.read() as session:
        rows = (
            await session.execute(
                select(EventLog).where(EventLog.workspace_id == team.team_id).order_by(EventLog.seq)
            )
        ).scalars()
        found = list(rows)
    if subtype == "any":
        return found
    return [row for row in found if row.type == "message" and row.payload.get("subtype") == subtype]


async def rendered(db: Database, channel: str, ts: str) -> dict[str, Any]:
    """The message object as Parley's web client gets it: with the server-rendered `html`
    and `rendered_attachments` that apps and SDKs never see (platform/rendering.py)."""
    async with db.read() as session:
        message = await get_message(session, channel, ts)
    assert message is not None, (channel, ts)
    return message_object(message)
