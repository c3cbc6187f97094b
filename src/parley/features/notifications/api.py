"""dnd.* and reminders.* (Slack's), and Parley's own `client.*` methods for notification
preferences, `/remind`, drafts and the Threads / Activity / Sent views."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.features.conversations.interface import access_conversation
from parley.features.messages.interface import message_objects
from parley.features.notifications import command, reminders, settings, store, views
from parley.features.users.interface import get_users
from parley.platform.clock import unix_now
from parley.platform.errors import ApiError
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import (
    CsvList,
    JsonList,
    JsonObject,
    Params,
    SlackBool,
    SlackInt,
    SlackTs,
)
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method

# --- dnd.* ----------------------------------------------------------------------------------


class DndInfoParams(Params):
    user: str | None = Field(default=None, max_length=32)


@api_method(
    "dnd.info", params=DndInfoParams, scopes=("dnd:read",), tier=Tier.T3, errors=("user_not_found",)
)
async def dnd_info(call: Call, params: DndInfoParams) -> dict[str, Any]:
    """Retrieves a user's current Do Not Disturb status (the snooze only for oneself)."""
    principal = call.principal
    user_id = params.user or principal.user_id
    now = unix_now()
    async with call.services.db.read() as session:
        tz = await settings.tz_of(session, principal.workspace_id, user_id)
        row = await settings.read_settings(session, principal.workspace_id, user_id)
    own = user_id == principal.user_id
    return settings.dnd_status(settings.schedule_of(row, tz), now, own=own)


class DndTeamInfoParams(Params):
    users: CsvList = Field(default_factory=list, max_length=50)


@api_method("dnd.teamInfo", params=DndTeamInfoParams, scopes=("dnd:read",), tier=Tier.T2)
async def dnd_team_info(call: Call, params: DndTeamInfoParams) -> dict[str, Any]:
    """Retrieves the Do Not Disturb status for up to 50 users of the workspace (others are
    left out)."""
    ws, now = call.principal.workspace_id, unix_now()
    async with call.services.db.read() as session:
        people = await get_users(session, ws, params.users)
        rows = await store.settings_of(session, ws, [p.id for p in people])
    users = {}
    for person in people:
        row = rows.get(person.id) or settings.default_settings(ws, person.id)
        users[person.id] = settings.dnd_status(settings.schedule_of(row, person.tz), now, own=False)
    return {"users": users}


class SnoozeParams(Params):
    num_minutes: SlackInt | None = None


@api_method(
    "dnd.setSnooze",
    params=SnoozeParams,
    scopes=("dnd:write",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=("missing_duration",),
)
async def dnd_set_snooze(call: Call, params: SnoozeParams) -> dict[str, Any]:
    """Turns on Do Not Disturb mode for the caller, or changes its duration."""
    minutes = settings.check_minutes(params.num_minutes)
    principal, now = call.principal, unix_now()
    async with call.services.db.write() as uow:
        row = await settings.do_set_snooze(
            uow, principal.workspace_id, principal.user_id, minutes, now
        )
    return {
        "snooze_enabled": True,
        "snooze_endtime": row.snooze_endtime,
        "snooze_remaining": row.snooze_endtime - now,
        "snooze_is_indefinite": False,
    }


@api_method(
    "dnd.endSnooze",
    scopes=("dnd:write",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=("snooze_not_active",),
)
async def dnd_end_snooze(call: Call, params: Params) -> dict[str, Any]:
    """Ends the caller's snooze."""
    principal, now = call.principal, unix_now()
    async with call.services.db.write() as uow:
        row = await settings.do_end_snooze(uow, principal.workspace_id, principal.user_id, now)
        tz = await settings.tz_of(uow.session, principal.workspace_id, principal.user_id)
    return settings.dnd_status(settings.schedule_of(row, tz), now, own=True)


@api_method("dnd.endDnd", scopes=("dnd:write",), tier=Tier.T2, token_kinds=HUMAN_TOKEN_KINDS)
async def dnd_end_dnd(call: Call, params: Params) -> dict[str, Any]:
    """Ends the caller's current Do Not Disturb session (snooze and scheduled) now."""
    principal = call.principal
    async with call.services.db.write() as uow:
        await settings.do_end_dnd(uow, principal.workspace_id, principal.user_id, unix_now())
    return {}


# --- client.notifications.* (Parley) -------------------------------------------------------


@api_method(
    "client.notifications.get", tier=Tier.T3, token_kinds=HUMAN_TOKEN_KINDS, slack_compatible=False
)
async def notifications_get(call: Call, params: Params) -> dict[str, Any]:
    """The caller's notification settings (level, keywords, DND schedule and state) and
    their per-conversation levels and mutes."""
    principal, now = call.principal, unix_now()
    async with call.services.db.read() as session:
        tz = await settings.tz_of(session, principal.workspace_id, principal.user_id)
        row = await settings.read_settings(session, principal.workspace_id, principal.user_id)
        prefs = await store.prefs_of_member(session, principal.workspace_id, principal.user_id)
    return {
        "settings": settings.settings_object(row, tz, now),
        "channels": [settings.pref_object(pref) for pref in prefs],
    }


class NotificationsSetParams(Params):
    level: str | None = Field(default=None, max_length=16)
    keywords: JsonList = None
    dnd_enabled: SlackBool | None = None
    dnd_start: str | None = Field(default=None, max_length=5)
    dnd_end: str | None = Field(default=None, max_length=5)


@api_method(
    "client.notifications.set",
    params=NotificationsSetParams,
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("invalid_level", "invalid_keywords", "invalid_time"),
)
async def notifications_set(call: Call, params: NotificationsSetParams) -> dict[str, Any]:
    """Changes the caller's notification level, keywords or DND schedule ("HH:MM" in their
    time zone); what is not given stays as it is."""
    keywords = params.keywords
    if keywords is not None and not all(isinstance(word, str) for word in keywords):
        raise ApiError("invalid_keywords")
    change = settings.SettingsChange(
        level=settings.check_level(params.level) if params.level is not None else None,
        keywords=settings.check_keywords(keywords) if keywords is not None else None,
        dnd_enabled=params.dnd_enabled,
        dnd_start=settings.check_time_of_day(params.dnd_start) if params.dnd_start else None,
        dnd_end=settings.check_time_of_day(params.dnd_end) if params.dnd_end else None,
    )
    principal, now = call.principal, unix_now()
    async with call.services.db.write() as uow:
        row = await settings.do_change_settings(
            uow, principal.workspace_id, principal.user_id, change, now
        )
        tz = await settings.tz_of(uow.session, principal.workspace_id, principal.user_id)
    return {"settings": settings.settings_object(row, tz, now)}


class ChannelPrefParams(Params):
    channel: str | None = Field(default=None, max_length=32)
    level: str | None = Field(default=None, max_length=16)
    muted: SlackBool | None = None


@api_method(
    "client.notifications.setChannel",
    params=ChannelPrefParams,
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("channel_not_found", "invalid_level"),
)
async def notifications_set_channel(call: Call, params: ChannelPrefParams) -> dict[str, Any]:
    """Sets the caller's notification level (default / all / mentions / nothing) or mute for
    one conversation they can read."""
    level = settings.check_conversation_level(params.level) if params.level is not None else None
    principal = call.principal
    async with call.services.db.write() as uow:
        access = await access_conversation(uow.session, principal, params.channel)
        pref = await settings.do_set_conversation_pref(
            uow,
            principal.workspace_id,
            principal.user_id,
            access.conversation.id,
            level=level,
            muted=params.muted,
        )
    return {"channel": settings.pref_object(pref)}


# --- reminders.* ----------------------------------------------------------------------------

_REMINDER_ERRORS = ("not_found",)


class ReminderAddParams(Params):
    text: str | None = Field(default=None, max_length=8000)
    time: str | None = Field(default=None, max_length=200)
    user: str | None = Field(default=None, max_length=32)
    channel: str | None = Field(default=None, max_length=32)
    recurrence: JsonObject = None


@api_method(
    "reminders.add",
    params=ReminderAddParams,
    scopes=("reminders:write",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=(
        "no_text",
        "cannot_parse",
        "cannot_add_others",
        "invalid_recurrence",
        "channel_not_found",
        "not_in_channel",
    ),
)
async def reminders_add(call: Call, params: ReminderAddParams) -> dict[str, Any]:
    """Creates a reminder: `time` is a Unix time, seconds from now, or words ("in 15
    minutes", "tomorrow at 9am", "every Monday at 10am")."""
    async with call.services.db.write() as uow:
        reminder = await reminders.check_add_reminder(
            uow,
            call.principal,
            text=params.text,
            time=params.time,
            user=params.user,
            channel=params.channel,
            recurrence=params.recurrence,
        )
    return {"reminder": reminders.reminder_object(reminder)}


class ReminderParams(Params):
    reminder: str | None = Field(default=None, max_length=32)


@api_method(
    "reminders.info",
    params=ReminderParams,
    scopes=("reminders:read",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=_REMINDER_ERRORS,
)
async def reminders_info(call: Call, params: ReminderParams) -> dict[str, Any]:
    """Gets information about one of the caller's reminders."""
    async with call.services.db.write() as uow:
        reminder = await reminders.access_reminder(uow, call.principal, params.reminder)
    return {"reminder": reminders.reminder_object(reminder)}


@api_method(
    "reminders.list", scopes=("reminders:read",), tier=Tier.T2, token_kinds=HUMAN_TOKEN_KINDS
)
async def reminders_list(call: Call, params: Params) -> dict[str, Any]:
    """Lists the caller's reminders, soonest first."""
    principal = call.principal
    async with call.services.db.read() as session:
        rows = await store.list_reminders(session, principal.workspace_id, principal.user_id)
    return {"reminders": [reminders.reminder_object(row) for row in rows]}


@api_method(
    "reminders.complete",
    params=ReminderParams,
    scopes=("reminders:write",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=(*_REMINDER_ERRORS, "cannot_complete_recurring", "already_complete"),
)
async def reminders_complete(call: Call, params: ReminderParams) -> dict[str, Any]:
    """Marks one of the caller's one-off reminders as complete."""
    async with call.services.db.write() as uow:
        await reminders.check_complete_reminder(uow, call.principal, params.reminder)
    return {}


@api_method(
    "reminders.delete",
    params=ReminderParams,
    scopes=("reminders:write",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=_REMINDER_ERRORS,
)
async def reminders_delete(call: Call, params: ReminderParams) -> dict[str, Any]:
    """Deletes one of the caller's reminders."""
    async with call.services.db.write() as uow:
        await reminders.check_delete_reminder(uow, call.principal, params.reminder)
    return {}


class RemindCommandParams(Params):
    text: str = Field(default="", max_length=8000)
    channel: str | None = Field(default=None, max_length=32)


@api_method(
    "client.reminders.command",
    params=RemindCommandParams,
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("cannot_parse", "channel_not_found", "not_in_channel", "no_text"),
)
async def reminders_command(call: Call, params: RemindCommandParams) -> dict[str, Any]:
    """Runs `/remind`: `me to X in 10 minutes`, `#channel X every Monday at 10am`,
    `list`, `help`. Answers what Slackbot would say (`response`) and the reminder made."""
    return await command.run(call, params.text, params.channel)


class LaterParams(Params):
    channel: str | None = Field(default=None, max_length=32)
    ts: SlackTs | None = None
    time: str | None = Field(default=None, max_length=200)
    done: SlackBool = False


@api_method(
    "client.reminders.later",
    params=LaterParams,
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("channel_not_found", "message_not_found", "cannot_parse"),
)
async def reminders_later(call: Call, params: LaterParams) -> dict[str, Any]:
    """Saved for later: set a reminder on a message (`time`, words as reminders.add takes)
    or mark it done (`done`)."""
    async with call.services.db.write() as uow:
        reminder = await reminders.check_later(
            uow, call.principal, params.channel, params.ts, time=params.time, done=params.done
        )
    return {"reminder": reminders.reminder_object(reminder)}


# --- drafts and views (Parley) ------------------------------------------------------------


class DraftSaveParams(Params):
    channel: str | None = Field(default=None, max_length=32)
    thread_ts: SlackTs | None = None
    text: str = Field(default="", max_length=50_000)


@api_method(
    "client.drafts.save",
    params=DraftSaveParams,
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("channel_not_found", "msg_too_long"),
)
async def drafts_save(call: Call, params: DraftSaveParams) -> dict[str, Any]:
    """Keeps the caller's unsent text for a conversation (or thread); empty text deletes it.
    Their other devices get `draft_saved` / `draft_deleted`."""
    async with call.services.db.write() as uow:
        draft = await views.check_save_draft(
            uow, call.principal, params.channel, params.thread_ts, params.text
        )
    return {"draft": views.draft_object(draft) if draft else None}


@api_method(
    "client.drafts.list", tier=Tier.T3, token_kinds=HUMAN_TOKEN_KINDS, slack_compatible=False
)
async def drafts_list(call: Call, params: Params) -> dict[str, Any]:
    """The caller's drafts in conversations they can read, newest first."""
    async with call.services.db.read() as session:
        drafts = await views.readable_drafts(session, call.principal)
    return {"drafts": [views.draft_object(draft) for draft in drafts]}


@api_method("client.sent.list", tier=Tier.T3, token_kinds=HUMAN_TOKEN_KINDS, slack_compatible=False)
async def sent_list(call: Call, params: Params) -> dict[str, Any]:
    """The caller's recent messages, newest first, with their channel."""
    principal = call.principal
    async with call.services.db.read() as session:
        rows = await views.sent_messages(session, principal)
        rendered = await message_objects(session, rows, viewer=principal.user_id)
    return {
        "messages": [
            {"channel": m.conversation_id, "message": rendered[m.id]}
            for m in rows
            if m.id in rendered
        ]
    }


@api_method(
    "client.threads.list", tier=Tier.T3, token_kinds=HUMAN_TOKEN_KINDS, slack_compatible=False
)
async def threads_list(call: Call, params: Params) -> dict[str, Any]:
    """Threads the caller follows (started with replies, replied to, mentioned in), those
    with unread replies first; each with its root and the caller's `last_read`."""
    principal = call.principal
    async with call.services.db.read() as session:
        threads = await views.followed_threads(session, principal)
        rendered = await message_objects(
            session, [t.root for t in threads], viewer=principal.user_id
        )
    return {
        "threads": [
            {
                "channel": t.root.conversation_id,
                "thread_ts": t.root.ts,
                "last_read": t.last_read,
                "unread": t.unread,
                "root": rendered[t.root.id],
            }
            for t in threads
            if t.root.id in rendered
        ]
    }


class ThreadMarkParams(Params):
    channel: str | None = Field(default=None, max_length=32)
    thread_ts: SlackTs
    ts: SlackTs


@api_method(
    "client.threads.mark",
    params=ThreadMarkParams,
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=("channel_not_found",),
)
async def threads_mark(call: Call, params: ThreadMarkParams) -> dict[str, Any]:
    """Marks a thread read up to `ts` for the caller."""
    async with call.services.db.write() as uow:
        await views.check_mark_thread(
            uow, call.principal, params.channel, params.thread_ts, params.ts
        )
    return {}


@api_method(
    "client.activity.list", tier=Tier.T3, token_kinds=HUMAN_TOKEN_KINDS, slack_compatible=False
)
async def activity_list(call: Call, params: Params) -> dict[str, Any]:
    """Mentions of the caller and reactions to their messages, newest first."""
    principal = call.principal
    async with call.services.db.read() as session:
        items = await views.activity(session, principal)
        rendered = await message_objects(
            session, [i.message for i in items], viewer=principal.user_id
        )
    return {
        "items": [
            {
                "type": item.kind,
                "channel": item.message.conversation_id,
                "user": item.user,
                "reaction": item.reaction,
                "date": item.at,
                "message": rendered[item.message.id],
            }
            for item in items
            if item.message.id in rendered
        ]
    }
