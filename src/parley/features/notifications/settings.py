"""Writes of a member's notification settings and do-not-disturb (dnd.* and our own
`client.notifications.*`); each emits its event to the member (and DND to the workspace)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.notifications import store
from parley.features.notifications.models import ConversationNotificationPref, NotificationSettings
from parley.features.notifications.rule import (
    CONVERSATION_LEVELS,
    LEVELS,
    Prefs,
    Schedule,
    in_dnd,
    scheduled_session,
    snoozing,
)
from parley.features.users.interface import get_user
from parley.platform.clock import event_ts
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import emit, users_audience, workspace_audience

MAX_KEYWORDS = 50
MAX_KEYWORD = 80
MAX_SNOOZE_MINUTES = 7 * 24 * 60  # a week, as long as Slack's longest snooze choice
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def default_settings(workspace_id: str, user_id: str) -> NotificationSettings:
    return NotificationSettings(
        workspace_id=workspace_id,
        user_id=user_id,
        level="mentions",
        keywords="",
        dnd_enabled=False,
        dnd_start="22:00",
        dnd_end="08:00",
        dnd_off_until=0,
        snooze_endtime=0,
    )


def keyword_list(row: NotificationSettings) -> tuple[str, ...]:
    return tuple(word for word in row.keywords.split("\n") if word)


def schedule_of(row: NotificationSettings, tz: str) -> Schedule:
    return Schedule(
        enabled=row.dnd_enabled,
        start=row.dnd_start,
        end=row.dnd_end,
        off_until=row.dnd_off_until,
        snooze_endtime=row.snooze_endtime,
        tz=tz,
    )


def prefs_of(row: NotificationSettings, pref: ConversationNotificationPref | None) -> Prefs:
    return Prefs(
        level=row.level,
        keywords=keyword_list(row),
        conversation_level=pref.level if pref else "default",
        muted=pref.muted if pref else False,
    )


def dnd_status(schedule: Schedule, now: int, *, own: bool) -> dict[str, Any]:
    """Slack's dnd.info fields; the snooze ones only for the member themself."""
    start, end = scheduled_session(schedule, now)
    if start and schedule.off_until >= end:  # ended early: the next session is what comes
        start, end = scheduled_session(schedule, end)
    status: dict[str, Any] = {
        "dnd_enabled": schedule.enabled,
        "next_dnd_start_ts": start or 1,
        "next_dnd_end_ts": end or 1,
    }
    if own:
        status["snooze_enabled"] = snoozing(schedule, now)
        if status["snooze_enabled"]:
            status["snooze_endtime"] = schedule.snooze_endtime
            status["snooze_remaining"] = schedule.snooze_endtime - now
        status["snooze_is_indefinite"] = False
    return status


def settings_object(row: NotificationSettings, tz: str, now: int) -> dict[str, Any]:
    """What client.notifications.get answers (and `pref_change` carries)."""
    return {
        "level": row.level,
        "keywords": list(keyword_list(row)),
        "dnd_schedule": {"enabled": row.dnd_enabled, "start": row.dnd_start, "end": row.dnd_end},
        "tz": tz,
        "dnd": dnd_status(schedule_of(row, tz), now, own=True),
        "in_dnd": in_dnd(schedule_of(row, tz), now),
    }


def pref_object(pref: ConversationNotificationPref) -> dict[str, Any]:
    return {"channel": pref.conversation_id, "level": pref.level, "muted": pref.muted}


# --- checks --------------------------------------------------------------------------------


def check_level(level: str, allowed: tuple[str, ...] = LEVELS) -> str:
    if level not in allowed:
        raise ApiError("invalid_level")
    return level


def check_conversation_level(level: str) -> str:
    return check_level(level, CONVERSATION_LEVELS)


def check_time_of_day(value: str) -> str:
    if not _HHMM.match(value):
        raise ApiError("invalid_time")
    return value


def check_keywords(words: list[str]) -> str:
    clean = list(dict.fromkeys(w.strip() for w in words if w.strip()))
    if len(clean) > MAX_KEYWORDS or any(len(w) > MAX_KEYWORD or "\n" in w for w in clean):
        raise ApiError("invalid_keywords")
    return "\n".join(clean)


def check_minutes(num_minutes: int | None) -> int:
    if num_minutes is None or num_minutes <= 0 or num_minutes > MAX_SNOOZE_MINUTES:
        raise ApiError("missing_duration")
    return num_minutes


# --- reads and writes -----------------------------------------------------------------------


async def tz_of(session: AsyncSession, workspace_id: str, user_id: str) -> str:
    user = await get_user(session, workspace_id, user_id)
    if user is None:
        raise ApiError("user_not_found")
    return user.tz or "UTC"


async def settings_for_update(
    uow: UnitOfWork, workspace_id: str, user_id: str
) -> NotificationSettings:
    row = await store.get_settings(uow.session, workspace_id, user_id)
    if row is None:
        row = default_settings(workspace_id, user_id)
        uow.session.add(row)
        await uow.session.flush()
    return row


async def read_settings(
    session: AsyncSession, workspace_id: str, user_id: str
) -> NotificationSettings:
    row = await store.get_settings(session, workspace_id, user_id)
    return row if row is not None else default_settings(workspace_id, user_id)


async def _announce_dnd(uow: UnitOfWork, row: NotificationSettings, now: int) -> None:
    """`dnd_updated` (with the snooze) to the member, `dnd_updated_user` to everyone."""
    tz = await tz_of(uow.session, row.workspace_id, row.user_id)
    schedule = schedule_of(row, tz)
    mine = {
        "type": "dnd_updated",
        "user": row.user_id,
        "dnd_status": dnd_status(schedule, now, own=True),
        "event_ts": event_ts(),
    }
    theirs = {
        "type": "dnd_updated_user",
        "user": row.user_id,
        "dnd_status": dnd_status(schedule, now, own=False),
        "event_ts": event_ts(),
    }
    await emit(uow, row.workspace_id, mine, users_audience([row.user_id]))
    await emit(uow, row.workspace_id, theirs, workspace_audience())


async def _announce_settings(uow: UnitOfWork, row: NotificationSettings, now: int) -> None:
    tz = await tz_of(uow.session, row.workspace_id, row.user_id)
    payload = {
        "type": "pref_change",
        "name": "notifications",
        "value": settings_object(row, tz, now),
        "event_ts": event_ts(),
    }
    await emit(uow, row.workspace_id, payload, users_audience([row.user_id]))


async def do_set_snooze(
    uow: UnitOfWork, workspace_id: str, user_id: str, minutes: int, now: int
) -> NotificationSettings:
    row = await settings_for_update(uow, workspace_id, user_id)
    row.snooze_endtime = now + minutes * 60
    await uow.session.flush()
    await _announce_dnd(uow, row, now)
    return row


async def do_end_snooze(
    uow: UnitOfWork, workspace_id: str, user_id: str, now: int
) -> NotificationSettings:
    row = await settings_for_update(uow, workspace_id, user_id)
    if row.snooze_endtime <= now:
        raise ApiError("snooze_not_active")
    row.snooze_endtime = 0
    await uow.session.flush()
    await _announce_dnd(uow, row, now)
    return row


async def do_end_dnd(uow: UnitOfWork, workspace_id: str, user_id: str, now: int) -> None:
    """Ends the snooze and the scheduled session going on now (the schedule stays)."""
    row = await settings_for_update(uow, workspace_id, user_id)
    tz = await tz_of(uow.session, workspace_id, user_id)
    start, end = scheduled_session(schedule_of(row, tz), now)
    if start and start <= now:
        row.dnd_off_until = end
    row.snooze_endtime = 0
    await uow.session.flush()
    await _announce_dnd(uow, row, now)


@dataclass(frozen=True)
class SettingsChange:
    """Validated changes; None leaves a setting as it is."""

    level: str | None = None
    keywords: str | None = None
    dnd_enabled: bool | None = None
    dnd_start: str | None = None
    dnd_end: str | None = None


async def do_change_settings(
    uow: UnitOfWork, workspace_id: str, user_id: str, change: SettingsChange, now: int
) -> NotificationSettings:
    row = await settings_for_update(uow, workspace_id, user_id)
    before = (row.dnd_enabled, row.dnd_start, row.dnd_end)
    for name in ("level", "keywords", "dnd_enabled", "dnd_start", "dnd_end"):
        value = getattr(change, name)
        if value is not None:
            setattr(row, name, value)
    await uow.session.flush()
    if (row.dnd_enabled, row.dnd_start, row.dnd_end) != before:
        row.dnd_off_until = 0  # a new schedule starts afresh
        await _announce_dnd(uow, row, now)
    await _announce_settings(uow, row, now)
    return row


async def do_set_conversation_pref(
    uow: UnitOfWork,
    workspace_id: str,
    user_id: str,
    conversation_id: str,
    *,
    level: str | None,
    muted: bool | None,
) -> ConversationNotificationPref:
    pref = await store.get_pref(uow.session, workspace_id, user_id, conversation_id)
    if pref is None:
        pref = ConversationNotificationPref(
            workspace_id=workspace_id,
            user_id=user_id,
            conversation_id=conversation_id,
            level="default",
            muted=False,
        )
        uow.session.add(pref)
    if level is not None:
        pref.level = level
    if muted is not None:
        pref.muted = muted
    await uow.session.flush()
    payload = {
        "type": "pref_change",
        "name": "channel_notifications",
        "value": pref_object(pref),
        "event_ts": event_ts(),
    }
    await emit(uow, workspace_id, payload, users_audience([user_id]))
    return pref
