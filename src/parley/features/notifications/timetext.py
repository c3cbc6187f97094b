"""When a reminder fires, from the words people type: "in 20 minutes", "tomorrow at 9am",
"at 3:30pm", "on Friday", "every Monday at 10am", "every weekday", a Unix time or a number
of seconds (reminders.add's `time`), and `/remind`'s whole sentence split into who, what
and when. Times are read in the member's time zone. Small on purpose: what it does not
understand is refused (`cannot_parse`), never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from parley.features.notifications.rule import zone

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_ALIASES = {name[:3]: name for name in WEEKDAYS} | {
    "tues": "tuesday",
    "thur": "thursday",
    "thurs": "thursday",
}
_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hr": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
    "w": 604800,
    "week": 604800,
}
DEFAULT_TIME = "09:00"  # "tomorrow", "on Friday", "every day": 9 in the morning, as Slack
MAX_AHEAD = 5 * 365 * 86400  # reminders.add: up to five years ahead
SECONDS_LIMIT = 10**9  # below: a number of seconds from now; above: a Unix time

_TIME = r"(?:noon|midnight|\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?)"
_DAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?"


class CannotParse(ValueError):
    """The words are not a time this parser knows."""


@dataclass(frozen=True)
class When:
    time: int  # the first firing, Unix seconds
    recurrence: dict[str, Any] | None = None  # {"frequency", "weekdays", "at"}


def time_of_day(text: str) -> str:
    """ "9am" → "09:00", "3:30 pm" → "15:30", "noon", "17:00"; CannotParse otherwise."""
    text = text.strip().replace(".", "")
    if text == "noon":
        return "12:00"
    if text == "midnight":
        return "00:00"
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", text)
    if match is None:
        raise CannotParse(text)
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise CannotParse(text)
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise CannotParse(text)
    return f"{hour:02d}:{minute:02d}"


def weekday_name(word: str) -> str:
    """ "monday", "Mon", "tues", "Fridays" → the day's full name; CannotParse otherwise."""
    word = word.lower()
    if word.endswith("days"):
        word = word[:-1]
    name = word if word in WEEKDAYS else _DAY_ALIASES.get(word)
    if name is None:
        raise CannotParse(word)
    return name


def _at(day: date, hhmm: str, tz: str) -> int:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    local = datetime(day.year, day.month, day.day, hours, minutes, tzinfo=zone(tz))
    return int(local.timestamp())


def _next_at(hhmm: str, now: int, tz: str, *, from_day: int = 0) -> int:
    """The first `hhmm` after now (today or tomorrow), starting `from_day` days on."""
    today = datetime.fromtimestamp(now, zone(tz)).date()
    fire = _at(today + timedelta(days=from_day), hhmm, tz)
    return fire if fire > now else _at(today + timedelta(days=from_day + 1), hhmm, tz)


def _next_weekday(days: list[str], hhmm: str, after: int, tz: str) -> int:
    today = datetime.fromtimestamp(after, zone(tz)).date()
    for offset in range(0, 8):
        day = today + timedelta(days=offset)
        if WEEKDAYS[day.weekday()] in days:
            fire = _at(day, hhmm, tz)
            if fire > after:
                return fire
    raise CannotParse("no such weekday")


def _add_months(day: date, months: int, wanted_day: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for candidate in range(wanted_day, 27, -1):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    return date(year, month, min(wanted_day, 28))


def next_occurrence(recurrence: dict[str, Any], after: int, tz: str) -> int:
    """The first firing of a recurring reminder after `after`."""
    hhmm = str(recurrence.get("at") or DEFAULT_TIME)
    frequency = recurrence.get("frequency")
    if frequency == "daily":
        return _next_at(hhmm, after, tz)
    if frequency == "weekly":
        return _next_weekday(list(recurrence.get("weekdays") or WEEKDAYS), hhmm, after, tz)
    if frequency in ("monthly", "yearly"):
        today = datetime.fromtimestamp(after, zone(tz)).date()
        step = 1 if frequency == "monthly" else 12
        wanted = int(recurrence.get("day") or today.day)
        day = _add_months(today, 0, wanted) if wanted >= today.day else None
        if day is None or _at(day, hhmm, tz) <= after:
            day = _add_months(today, step, wanted)
        return _at(day, hhmm, tz)
    raise CannotParse(str(frequency))


def _recurring(text: str, now: int, tz: str) -> When:
    match = re.fullmatch(
        rf"(?:every\s+(?P<what>.+?)|(?P<adverb>daily|weekly|monthly|yearly))"
        rf"(?:\s+at\s+(?P<time>{_TIME}))?",
        text,
    )
    if match is None:
        raise CannotParse(text)
    hhmm = time_of_day(match["time"]) if match["time"] else DEFAULT_TIME
    what = (
        match["what"]
        or {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year"}[match["adverb"]]
    )
    today = datetime.fromtimestamp(now, zone(tz))
    simple = {"day": "daily", "month": "monthly", "year": "yearly"}
    recurrence: dict[str, Any]
    if what in simple:
        recurrence = {"frequency": simple[what], "at": hhmm}
        if what in ("month", "year"):
            recurrence["day"] = today.day
    elif what == "week":
        recurrence = {"frequency": "weekly", "weekdays": [WEEKDAYS[today.weekday()]], "at": hhmm}
    elif what in ("weekday", "weekdays"):
        recurrence = {"frequency": "weekly", "weekdays": list(WEEKDAYS[:5]), "at": hhmm}
    else:
        names = [weekday_name(w) for w in re.split(r"\s*(?:,|\band\b)\s*", what) if w]
        days = [day for day in WEEKDAYS if day in names]  # Slack's order
        if not days:
            raise CannotParse(text)
        recurrence = {"frequency": "weekly", "weekdays": days, "at": hhmm}
    return When(next_occurrence(recurrence, now, tz), recurrence)


def _once(text: str, now: int, tz: str) -> int:
    match = re.fullmatch(r"in\s+(a|an|\d+)\s*([a-z]+?)s?", text)
    if match:
        amount = 1 if match[1] in ("a", "an") else int(match[1])
        unit = _UNITS.get(match[2])
        if unit is None or amount <= 0:
            raise CannotParse(text)
        return now + amount * unit
    at = rf"(?:\s+at\s+(?P<time>{_TIME}))?"
    match = re.fullmatch(rf"(?P<day>today|tonight|tomorrow){at}", text) or re.fullmatch(
        rf"at\s+(?P<time>{_TIME})(?:\s+(?P<day>today|tonight|tomorrow))?", text
    )
    if match:
        day = match["day"] or "today"
        default = "21:00" if day == "tonight" else DEFAULT_TIME
        hhmm = time_of_day(match["time"]) if match["time"] else default
        if day == "tomorrow":
            return _at(datetime.fromtimestamp(now, zone(tz)).date() + timedelta(days=1), hhmm, tz)
        return _next_at(hhmm, now, tz)
    match = re.fullmatch(rf"(?:on\s+|next\s+)?(?P<day>{_DAY}){at}", text)
    if match:
        hhmm = time_of_day(match["time"]) if match["time"] else DEFAULT_TIME
        return _next_weekday([weekday_name(match["day"])], hhmm, now, tz)
    if re.fullmatch(_TIME, text) and re.search(r"am|pm|:|noon|midnight", text):
        return _next_at(time_of_day(text), now, tz)
    raise CannotParse(text)


def parse_when(text: str, now: int, tz: str) -> When:
    """A reminder's `time`: a Unix time, seconds from now, or words; CannotParse if none."""
    words = re.sub(r"\s+", " ", text.strip().lower()).rstrip(".")
    if re.fullmatch(r"\d+(\.\d+)?", words):
        value = int(float(words))
        fire = value if value >= SECONDS_LIMIT else now + value
        if fire <= now or fire > now + MAX_AHEAD:
            raise CannotParse(text)
        return When(fire)
    if (
        words.startswith("every ")
        or words in ("daily", "weekly", "monthly", "yearly")
        or (re.match(r"(daily|weekly|monthly|yearly) at ", words))
    ):
        return _recurring(words, now, tz)
    return When(_once(words, now, tz))


@dataclass(frozen=True)
class RemindCommand:
    """`/remind` split: who (`me`, `@U…`, `#C…` as typed), what, and when."""

    target: str
    what: str
    when: When


def _strip_quotes(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“”":
        return text[1:-1].strip()
    return text


def split_remind(text: str, now: int, tz: str) -> RemindCommand:
    """`me to drink water in 10 minutes`, `#team standup every weekday at 9:30am`,
    `me tomorrow at 9am to call Sam`: the longest time phrase at the end (or at the start,
    before "to …") is the when; CannotParse when there is none."""
    words = text.strip().split()
    if len(words) < 2:
        raise CannotParse(text)
    target, rest = words[0], words[1:]
    for cut in range(1, len(rest)):  # the longest trailing phrase first
        try:
            when = parse_when(" ".join(rest[cut:]), now, tz)
        except CannotParse:
            continue
        what = rest[:cut]
        if what and what[0].lower() == "to":
            what = what[1:]
        if what:
            return RemindCommand(target, _strip_quotes(" ".join(what)), when)
    for cut in range(len(rest) - 1, 0, -1):  # "tomorrow at 9am to call Sam"
        if rest[cut].lower() != "to":
            continue
        try:
            when = parse_when(" ".join(rest[:cut]), now, tz)
        except CannotParse:
            continue
        task = " ".join(rest[cut + 1 :])
        if task:
            return RemindCommand(target, _strip_quotes(task), when)
    raise CannotParse(text)
