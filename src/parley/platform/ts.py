"""Slack message timestamps: `"<unix seconds>.<6 digits>"`, unique and strictly increasing per
conversation, also with several writers (the conversation row is locked while allocating).

Platform, not the messages feature: a ts is how every feature names a point in a
conversation (read marks, pins, bookmarks, search), like `spaces.ZERO_TS`."""

from __future__ import annotations

import time
from typing import cast

from sqlalchemy import Table, bindparam, select, update

from parley.platform.db import UnitOfWork
from parley.platform.spaces import Conversation


def format_ts(micros: int) -> str:
    return f"{micros // 1_000_000:010d}.{micros % 1_000_000:06d}"


def parse_ts(ts: str) -> int:
    """Microseconds since the epoch; raises ValueError for anything that is not a Slack ts."""
    seconds, _, fraction = ts.partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()) or len(fraction) > 6:
        raise ValueError(ts)
    return int(seconds) * 1_000_000 + int(fraction.ljust(6, "0") or 0)


def normalize_ts(ts: str) -> str:
    """Canonical 10.6 form of a ts given by a client (`"1700000000.1"` → `…000.100000`)."""
    return format_ts(parse_ts(ts))


_CONVERSATIONS = cast(Table, Conversation.__table__)
_C = _CONVERSATIONS.c
# Core statements on the table, built once: the ORM's bulk-update path (which evaluates the
# WHERE against objects in the session) cost more than the UPDATE itself (issue 14).
_TAKE_NOW = (
    update(_CONVERSATIONS)
    .where(_C.id == bindparam("target_id"), _C.last_ts < bindparam("now"))
    .values(last_ts=bindparam("now"))
)
# The same UPDATE also counting a message the channel view shows (decision 0017): the row is
# the one being locked anyway, so the unread counters cost no statement of their own.
_TAKE_NOW_SHOWN = _TAKE_NOW.values(
    shown_count=_C.shown_count + 1,
    shown_everyone_count=_C.shown_everyone_count + bindparam("everyone"),
    latest_shown_ts=bindparam("now"),
)


async def allocate_ts(
    uow: UnitOfWork, conversation_id: str, *, shown: bool = False, everyone: bool = False
) -> str:
    """The next ts in `conversation_id`: now, or one microsecond after the last one.

    Usually now is already past the last ts: one conditional UPDATE takes it (ts strings
    are fixed-width, so they compare as numbers do). Otherwise (two posts within the same
    microsecond, or a clock that stepped back) the row is read under lock and bumped.
    With `shown`, the message this ts is for is counted among the conversation's shown
    messages (`everyone`: one that mentions everyone) in the same statement.
    """
    now_ts = format_ts(time.time_ns() // 1000)
    params = {"target_id": conversation_id, "now": now_ts, "everyone": int(everyone)}
    taken = await uow.session.execute(_TAKE_NOW_SHOWN if shown else _TAKE_NOW, params)
    if getattr(taken, "rowcount", 0) == 1:
        return now_ts
    last = (
        await uow.session.execute(
            select(Conversation.last_ts).where(Conversation.id == conversation_id).with_for_update()
        )
    ).scalar_one()
    now = time.time_ns() // 1000
    ts = format_ts(max(now, parse_ts(last) + 1))
    bumped = _TAKE_NOW_SHOWN if shown else _TAKE_NOW
    await uow.session.execute(bumped, {**params, "now": ts})
    return ts
