"""Reminders (reminders.*, `/remind`): the only writers of `reminders`, and their firing.

A reminder fires as a message from Slackbot: in the member's own DM (the "you" DM, where
Slack's Slackbot DM would be), or in the channel a `/remind #channel` named. It is posted
through `do_post_message`, so the notification rule decides who is notified, DND included.
Firing is durable: rows are due by their `time`, claimed with a conditional UPDATE in the
transaction that posts them, and polled by one node under the lease `reminders`, as the
scheduled-message worker does (`messages/scheduler.py`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import update

from parley.features.conversations.interface import (
    access_conversation,
    do_open_dm,
    get_conversation,
    require_member,
)
from parley.features.messages.interface import access_message, do_post_message
from parley.features.notifications import store
from parley.features.notifications.models import Reminder
from parley.features.notifications.rule import zone
from parley.features.notifications.settings import tz_of
from parley.features.notifications.timetext import (
    WEEKDAYS,
    CannotParse,
    When,
    next_occurrence,
    parse_when,
)
from parley.features.users.interface import get_user
from parley.platform.auth.principal import Principal
from parley.platform.clock import unix_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.ids import new_id
from parley.platform.leadership import leadership
from parley.platform.services import Services

log = logging.getLogger("parley.reminders")

SLACKBOT = "USLACKBOT"
MAX_TEXT = 4000
FREQUENCIES = ("daily", "weekly", "monthly", "yearly")
TICK_SECONDS = 0.5
LEASE_NAME = "reminders"
LEASE_SECONDS = 15.0


def reminder_object(reminder: Reminder) -> dict[str, Any]:
    """Slack's reminder object (`time` only for one-off reminders, `recurrence` for others)."""
    body: dict[str, Any] = {
        "id": reminder.id,
        "creator": reminder.creator,
        "user": reminder.user_id,
        "text": reminder.text,
        "recurring": reminder.recurrence is not None,
        "complete_ts": reminder.complete_ts,
    }
    if reminder.recurrence is None:
        body["time"] = reminder.time
    else:
        recurrence = {"frequency": reminder.recurrence["frequency"]}
        if reminder.recurrence.get("weekdays"):
            recurrence["weekdays"] = reminder.recurrence["weekdays"]
        body["recurrence"] = recurrence
        body["next_time"] = reminder.time  # Parley: when it fires next (the web client shows it)
    if reminder.channel_id:
        body["channel"] = reminder.channel_id
    if reminder.item_channel and reminder.item_ts:
        body["item"] = {"channel": reminder.item_channel, "ts": reminder.item_ts}
    return body


# --- checks --------------------------------------------------------------------------------


def check_text(text: str | None) -> str:
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise ApiError("no_text")
    return text


def check_recurrence(recurrence: dict[str, Any] | None) -> dict[str, Any] | None:
    """reminders.add's `recurrence`: {"frequency": daily|weekly|monthly|yearly, "weekdays"}."""
    if recurrence is None:
        return None
    frequency = recurrence.get("frequency")
    weekdays = recurrence.get("weekdays") or []
    if frequency not in FREQUENCIES or not isinstance(weekdays, list):
        raise ApiError("invalid_recurrence")
    if any(not isinstance(day, str) or day.lower() not in WEEKDAYS for day in weekdays):
        raise ApiError("invalid_recurrence")
    clean: dict[str, Any] = {"frequency": frequency}
    if frequency == "weekly":
        chosen = {day.lower() for day in weekdays}
        clean["weekdays"] = [day for day in WEEKDAYS if day in chosen] or None
    return clean


def when_of(time: str, recurrence: dict[str, Any] | None, now: int, tz: str) -> When:
    """The firing the words (or number) and an explicit recurrence describe."""
    try:
        when = parse_when(time, now, tz)
    except CannotParse:
        raise ApiError("cannot_parse") from None
    if recurrence is None:
        return when
    first = _local(when.time, tz)
    merged = {**recurrence, "at": first.strftime("%H:%M")}
    if recurrence["frequency"] in ("monthly", "yearly"):
        merged["day"] = first.day
    if merged.get("weekdays") is None:
        merged.pop("weekdays", None)
        if recurrence["frequency"] == "weekly":
            merged["weekdays"] = [WEEKDAYS[first.weekday()]]
    return When(next_occurrence(merged, now, tz), merged)


def _local(at: int, tz: str) -> datetime:
    return datetime.fromtimestamp(at, zone(tz))


# --- writes ---------------------------------------------------------------------------------


async def do_add_reminder(
    uow: UnitOfWork,
    principal: Principal,
    text: str,
    when: When,
    *,
    channel_id: str | None = None,
    item: tuple[str, str] | None = None,
) -> Reminder:
    reminder = Reminder(
        id=new_id("Rm"),
        workspace_id=principal.workspace_id,
        creator=principal.user_id,
        user_id=principal.user_id,
        text=text,
        time=when.time,
        recurrence=when.recurrence,
        complete_ts=0,
        fired_time=0,
        channel_id=channel_id,
        item_channel=item[0] if item else None,
        item_ts=item[1] if item else None,
        date_created=unix_now(),
    )
    uow.session.add(reminder)
    await uow.session.flush()
    return reminder


async def check_add_reminder(
    uow: UnitOfWork,
    principal: Principal,
    *,
    text: str | None,
    time: str | None,
    user: str | None = None,
    channel: str | None = None,
    recurrence: dict[str, Any] | None = None,
    item: tuple[str, str] | None = None,
    now: int | None = None,
) -> Reminder:
    """reminders.add: a reminder for the caller (others: `cannot_add_others`, as Slack no
    longer allows), optionally posted to a channel the caller is in."""
    text = check_text(text)
    if user and user != principal.user_id:
        raise ApiError("cannot_add_others")
    if not time or not time.strip():
        raise ApiError("cannot_parse")
    clean_recurrence = check_recurrence(recurrence)
    tz = await tz_of(uow.session, principal.workspace_id, principal.user_id)
    when = when_of(time, clean_recurrence, unix_now() if now is None else now, tz)
    channel_id = None
    if channel:
        access = await access_conversation(uow.session, principal, channel)
        require_member(access)
        channel_id = access.conversation.id
    return await do_add_reminder(uow, principal, text, when, channel_id=channel_id, item=item)


async def access_reminder(
    uow: UnitOfWork, principal: Principal, reminder_id: str | None, *, for_update: bool = False
) -> Reminder:
    """The caller's own reminder (`not_found` for anyone else's, or another workspace's)."""
    reminder = (
        await store.get_reminder(
            uow.session, principal.workspace_id, reminder_id, for_update=for_update
        )
        if reminder_id
        else None
    )
    if reminder is None or reminder.user_id != principal.user_id:
        raise ApiError("not_found")
    return reminder


async def check_complete_reminder(
    uow: UnitOfWork, principal: Principal, reminder_id: str | None
) -> Reminder:
    reminder = await access_reminder(uow, principal, reminder_id, for_update=True)
    if reminder.recurrence is not None:
        raise ApiError("cannot_complete_recurring")
    if reminder.complete_ts:
        raise ApiError("already_complete")
    reminder.complete_ts = unix_now()
    await uow.session.flush()
    return reminder


async def check_delete_reminder(
    uow: UnitOfWork, principal: Principal, reminder_id: str | None
) -> None:
    reminder = await access_reminder(uow, principal, reminder_id, for_update=True)
    await uow.session.delete(reminder)
    await uow.session.flush()


# --- firing ---------------------------------------------------------------------------------


def reminder_text(reminder: Reminder) -> str:
    if reminder.item_channel and reminder.item_ts:
        return f"Reminder: {reminder.text}"
    return f"Reminder: {reminder.text.rstrip('.')}."


async def _claim(uow: UnitOfWork, reminder: Reminder) -> bool:
    """Mark this firing as done; False if another node fired it first."""
    result = await uow.session.execute(
        update(Reminder)
        .where(Reminder.id == reminder.id, Reminder.fired_time < reminder.time)
        .values(fired_time=reminder.time)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def _post(uow: UnitOfWork, reminder: Reminder) -> None:
    """Slackbot's message: in the channel of a channel reminder (if it is still there and
    the creator still in it), otherwise in the member's own DM."""
    conversation = None
    if reminder.channel_id:
        conversation = await get_conversation(
            uow.session, reminder.workspace_id, reminder.channel_id
        )
        if conversation is not None and conversation.is_archived:
            conversation = None
    if conversation is None:
        conversation = await do_open_dm(
            uow, reminder.workspace_id, reminder.user_id, reminder.user_id
        )
    await do_post_message(uow, conversation, user_id=SLACKBOT, text=reminder_text(reminder))


async def fire_one(services: Services, reminder_id: str, now: int) -> bool:
    async with services.db.write() as uow:
        reminder = await uow.session.get(Reminder, reminder_id)
        if reminder is None or reminder.complete_ts or reminder.time > now:
            return False
        if not await _claim(uow, reminder):
            return False
        person = await get_user(uow.session, reminder.workspace_id, reminder.user_id)
        if person is not None and not person.deleted:
            try:
                await _post(uow, reminder)
            except ApiError as error:  # the claim commits: retrying would fail the same way
                log.info("reminder %s not posted: %s", reminder.id, error.code)
        if reminder.recurrence is not None:
            tz = person.tz if person is not None else "UTC"
            reminder.time = next_occurrence(reminder.recurrence, max(now, reminder.time), tz)
        else:
            reminder.fired_time = reminder.time
    return True


async def fire_due(services: Services, now: int | None = None) -> int:
    at = unix_now() if now is None else now
    async with services.db.read() as session:
        due = await store.due_reminder_ids(session, at)
    fired = 0
    for reminder_id in due:
        if await fire_one(services, reminder_id, at):
            fired += 1
    return fired


async def run_reminders(
    services: Services, *, lease_seconds: float = LEASE_SECONDS, retry: float = 1.0
) -> None:
    """The worker: once this node leads, fire what is due, then sleep a tick; forever."""
    async with leadership(services.db, LEASE_NAME, lease_seconds=lease_seconds, retry=retry):
        while True:
            try:
                await fire_due(services)
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not stop future reminders
                log.exception("firing reminders failed; retrying")
            await asyncio.sleep(TICK_SECONDS)


# --- Saved for later: a reminder on a message, and "done" -----------------------------------


async def _item_reminder(
    uow: UnitOfWork, principal: Principal, item: tuple[str, str]
) -> Reminder | None:
    for row in await store.list_reminders(uow.session, principal.workspace_id, principal.user_id):
        if (row.item_channel, row.item_ts) == item:
            return row
    return None


async def check_later(
    uow: UnitOfWork,
    principal: Principal,
    channel: str | None,
    ts: str | None,
    *,
    time: str | None,
    done: bool,
) -> Reminder:
    """A saved message's reminder: set it (`time`, replacing an earlier one) or mark the
    item done (its reminder completed; one is made, completed, if it had none)."""
    target = await access_message(uow.session, principal, channel, ts)
    item = (target.message.conversation_id, target.message.ts)
    existing = await _item_reminder(uow, principal, item)
    if done:
        reminder = existing or await do_add_reminder(
            uow, principal, "a saved message", When(unix_now()), item=item
        )
        reminder.complete_ts = reminder.complete_ts or unix_now()
        await uow.session.flush()
        return reminder
    if not time:
        raise ApiError("cannot_parse")
    tz = await tz_of(uow.session, principal.workspace_id, principal.user_id)
    when = when_of(time, None, unix_now(), tz)
    if existing is not None:
        await uow.session.delete(existing)
        await uow.session.flush()
    return await do_add_reminder(uow, principal, "a saved message", when, item=item)
