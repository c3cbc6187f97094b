"""`/remind`, Slack's syntax, run on the server so that its parser is the one reminders.add
uses: `/remind me to X in 10 minutes`, `/remind #channel X every Monday at 10am`,
`/remind list`, `/remind help`. Answers what Slackbot would say."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from parley.features.conversations.interface import (
    access_conversation,
    get_conversation_by_name,
    require_member,
)
from parley.features.notifications import reminders, store
from parley.features.notifications.rule import zone
from parley.features.notifications.settings import tz_of
from parley.features.notifications.timetext import CannotParse, When, split_remind
from parley.platform.clock import unix_now
from parley.platform.errors import ApiError
from parley.platform.webapi.context import Call

HELP = (
    "Set a reminder: `/remind me to drink water in 10 minutes`, "
    "`/remind #team standup every weekday at 9:30am`, `/remind me tomorrow at 9am to call Sam`. "
    "See yours: `/remind list`."
)
_CHANNEL_LINK = re.compile(r"^<#(?P<id>[CG][A-Z0-9]+)(?:\|[^>]*)?>$")
_USER_LINK = re.compile(r"^<@(?P<id>[UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def describe(when: When, tz: str) -> str:
    """ "at 15:04 on Thursday, 3 December" or "every Monday at 10:00"."""
    if when.recurrence is not None:
        at = when.recurrence.get("at", "09:00")
        frequency = when.recurrence["frequency"]
        if frequency == "weekly":
            days = ", ".join(d.capitalize() for d in when.recurrence.get("weekdays", []))
            return f"every {days} at {at}"
        return f"{frequency} at {at}"
    local = datetime.fromtimestamp(when.time, zone(tz))
    return f"at {local:%H:%M} on {local:%A}, {local.day} {local:%B} ({tz})"


async def _target_channel(call: Call, target: str, session: Any) -> str | None:
    """`me` → None; `#name` or `<#C…>` → the channel's id (the caller must be in it)."""
    if target.lower() == "me":
        return None
    if target.startswith("@") or _USER_LINK.match(target):
        raise ApiError("cannot_add_others")
    link = _CHANNEL_LINK.match(target)
    if link:
        channel_id = link["id"]
    elif target.startswith("#"):
        found = await get_conversation_by_name(session, call.principal.workspace_id, target[1:])
        if found is None:
            raise ApiError("channel_not_found")
        channel_id = found.id
    else:
        raise CannotParse(target)
    access = await access_conversation(session, call.principal, channel_id)
    require_member(access)
    return access.conversation.id


def _list_text(rows: list[Any], tz: str) -> str:
    upcoming = [r for r in rows if not r.complete_ts]
    if not upcoming:
        return "You have no reminders."
    lines = ["Your reminders:"]
    for row in upcoming:
        when = When(row.time, row.recurrence)
        lines.append(f"• “{row.text}” {describe(when, tz)}")
    return "\n".join(lines)


async def run(call: Call, text: str, channel: str | None) -> dict[str, Any]:
    principal, now = call.principal, unix_now()
    words = text.strip()
    async with call.services.db.write() as uow:
        tz = await tz_of(uow.session, principal.workspace_id, principal.user_id)
        if words.lower() in ("", "help"):
            return {"response": HELP, "reminder": None}
        if words.lower() == "list":
            rows = await store.list_reminders(
                uow.session, principal.workspace_id, principal.user_id
            )
            return {"response": _list_text(rows, tz), "reminder": None}
        try:
            command = split_remind(words, now, tz)
            target = await _target_channel(call, command.target, uow.session)
        except CannotParse:
            raise ApiError("cannot_parse") from None
        what = reminders.check_text(command.what)
        reminder = await reminders.do_add_reminder(
            uow, principal, what, command.when, channel_id=target
        )
    whom = "you" if target is None else f"<#{target}>"
    response = f"Okay, I'll remind {whom} “{what}” {describe(command.when, tz)}."
    return {"response": response, "reminder": reminders.reminder_object(reminder)}
