"""Helpers for conversation tests: event log lookups and short API wrappers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from parley.platform.db import Database
from parley.platform.events.models import EventLog
from tests.conftest import Api
from tests.factories import Member, Team


async def events_of(db: Database, team: Team, *types: str) -> list[EventLog]:
    """The workspace's outbox rows of the given types, oldest first."""
    async with db.read() as session:
        rows = await session.execute(
            select(EventLog)
            .where(EventLog.workspace_id == team.team_id, EventLog.type.in_(types))
            .order_by(EventLog.seq)
        )
        return list(rows.scalars())


async def create(api: Api, member: Member, name: str, *, private: bool = False) -> str:
    """A new channel created by `member`; returns its id."""
    body = await api("conversations.create", member.token, name=name, is_private=private)
    assert body["ok"], body
    return str(body["channel"]["id"])


async def general_id(api: Api, member: Member) -> str:
    body = await api("conversations.list", member.token, limit=1000)
    return next(str(c["id"]) for c in body["channels"] if c["is_general"])


async def random_id(api: Api, member: Member) -> str:
    """#random, which every new workspace has beside #general (as Slack's do)."""
    body = await api("conversations.list", member.token, limit=1000)
    return next(str(c["id"]) for c in body["channels"] if c["name"] == "random")


async def post(api: Api, member: Member, channel: str, text: str, **extra: Any) -> str:
    body = await api("chat.postMessage", member.token, channel=channel, text=text, **extra)
    assert body["ok"], body
    return str(body["ts"])


def ids(body: dict[str, Any]) -> list[str]:
    return [c["id"] for c in body["channels"]]
