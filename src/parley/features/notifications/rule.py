"""The one notification rule: should this message notify member M, and why.

Pure functions over plain values, so the server's notifier, the tests and the docs all read
the same rule. The notifier (`notifier.py`) gathers the values and emits Slack's
`desktop_notification` to whoever `decide` answers for; the web client shows exactly those
(it never decides on its own), and counts mention badges from the same answer.

Order of the rule (docs/notifications.md):
1. Never for the author's own message, nor for system lines (joins, topic changes…).
2. Why it would notify: a DM or group DM ("dm"); a direct or group mention ("mention");
   `@here`/`@channel`/`@everyone` outside threads ("mention"); one of the member's keywords
   ("keyword"); a reply in a thread the member follows ("thread"); any top-level message
   in a conversation whose level is "all" ("all").
3. The conversation's level (or the member's own when it has none): "nothing" silences
   everything; "mentions" drops "all". Muted: only DMs and direct mentions still notify.
4. Do not disturb (the daily schedule, unless ended early, or a snooze) silences all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LEVELS = ("all", "mentions", "nothing")
CONVERSATION_LEVELS = ("default", *LEVELS)
DEFAULT_LEVEL = "mentions"  # Slack's default: DMs, mentions and keywords
# Subtypes that are something someone said; system lines (channel_join…) never notify.
SPOKEN_SUBTYPES = frozenset({None, "thread_broadcast", "bot_message", "file_share", "me_message"})


@dataclass(frozen=True)
class Schedule:
    """A member's do-not-disturb state, as stored."""

    enabled: bool = False
    start: str = "22:00"
    end: str = "08:00"
    off_until: int = 0  # dnd.endDnd ended the session that ends at this time
    snooze_endtime: int = 0
    tz: str = "UTC"


@dataclass(frozen=True)
class Prefs:
    """What the member chose: their level and keywords, and this conversation's level."""

    level: str = DEFAULT_LEVEL
    keywords: tuple[str, ...] = ()
    conversation_level: str = "default"
    muted: bool = False


@dataclass(frozen=True)
class Facts:
    """The message, as the rule sees it."""

    author_id: str
    text: str
    is_direct: bool  # a DM or group DM
    is_reply: bool  # a thread reply (broadcast or not)
    mentioned: frozenset[str]
    mentions_everyone: bool
    subtype: str | None
    thread_followers: frozenset[str] = frozenset()


def zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def scheduled_session(schedule: Schedule, now: int) -> tuple[int, int]:
    """The scheduled session going on at `now`, or else the next one: (start, end) in Unix
    seconds; (0, 0) without a schedule. A session may cross midnight (22:00 → 08:00)."""
    if not schedule.enabled:
        return 0, 0
    tz = zone(schedule.tz)
    local = datetime.fromtimestamp(now, tz)
    start_min, end_min = _minutes(schedule.start), _minutes(schedule.end)
    if start_min == end_min:
        return 0, 0
    length = (end_min - start_min) % (24 * 60)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    # The session that started yesterday may still run; otherwise today's or tomorrow's.
    for day in (-1, 0, 1):
        # Aware + timedelta is wall-clock arithmetic: "22:00 local" stays 22:00 across DST.
        start_at = midnight + timedelta(days=day, minutes=start_min)
        end_at = start_at + timedelta(minutes=length)
        if end_at.timestamp() > now:
            return int(start_at.timestamp()), int(end_at.timestamp())
    return 0, 0  # unreachable: tomorrow's session always ends after now


def snoozing(schedule: Schedule, now: int) -> bool:
    return schedule.snooze_endtime > now


def in_dnd(schedule: Schedule, now: int) -> bool:
    """Do not disturb is on: a snooze, or a scheduled session not ended early."""
    if snoozing(schedule, now):
        return True
    start, end = scheduled_session(schedule, now)
    return start <= now < end and schedule.off_until < end


def keyword_hit(keywords: tuple[str, ...], text: str) -> bool:
    """A keyword as a whole word (or phrase), case-insensitively."""
    for word in keywords:
        if word and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE):
            return True
    return False


def reason_for(member_id: str, prefs: Prefs, facts: Facts) -> str | None:
    """Why the message would notify the member, before levels and DND (None: it would not)."""
    if facts.author_id == member_id or facts.subtype not in SPOKEN_SUBTYPES:
        return None
    if facts.is_direct:
        return "dm"
    if member_id in facts.mentioned:
        return "mention"
    if facts.mentions_everyone and not facts.is_reply:
        return "mention"
    if keyword_hit(prefs.keywords, facts.text):
        return "keyword"
    if facts.is_reply and member_id in facts.thread_followers:
        return "thread"
    if not facts.is_reply:
        return "all"
    return None


def level_allows(prefs: Prefs, reason: str, *, direct_mention: bool) -> bool:
    level = prefs.conversation_level if prefs.conversation_level != "default" else prefs.level
    if level == "nothing":
        return False
    if prefs.muted and reason != "dm" and not direct_mention:
        return False
    return not (reason == "all" and level != "all")


def decide(member_id: str, prefs: Prefs, schedule: Schedule, facts: Facts, now: int) -> str | None:
    """The rule: the reason the message notifies the member ("dm", "mention", "keyword",
    "thread", "all"), or None when it must not notify them."""
    reason = reason_for(member_id, prefs, facts)
    if reason is None:
        return None
    if not level_allows(prefs, reason, direct_mention=member_id in facts.mentioned):
        return None
    if in_dnd(schedule, now):
        return None
    return reason
