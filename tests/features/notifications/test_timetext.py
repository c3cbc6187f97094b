"""The reminder time parser: words, numbers, recurrences, `/remind` sentences, time zones."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from parley.features.notifications.timetext import (
    CannotParse,
    next_occurrence,
    parse_when,
    split_remind,
    time_of_day,
)

PARIS = "Europe/Paris"
# Thursday 3 December 2026, 14:10 in Paris (13:10 UTC)
NOW = int(datetime(2026, 12, 3, 14, 10, tzinfo=ZoneInfo(PARIS)).timestamp())


def local(when: int, tz: str = PARIS) -> datetime:
    return datetime.fromtimestamp(when, ZoneInfo(tz))


def test_times_of_day() -> None:
    assert time_of_day("9am") == "09:00"
    assert time_of_day("9:30 pm") == "21:30"
    assert time_of_day("12am") == "00:00" and time_of_day("12pm") == "12:00"
    assert time_of_day("noon") == "12:00" and time_of_day("17:05") == "17:05"
    for bad in ("13pm", "25:00", "9:75", "soon"):
        with pytest.raises(CannotParse):
            time_of_day(bad)


def test_relative_and_absolute() -> None:
    assert parse_when("in 20 minutes", NOW, PARIS).time == NOW + 20 * 60
    assert parse_when("in an hour", NOW, PARIS).time == NOW + 3600
    assert parse_when("in 2 days", NOW, PARIS).time == NOW + 2 * 86400
    assert parse_when("90", NOW, PARIS).time == NOW + 90  # seconds from now
    assert parse_when(str(NOW + 500), NOW, PARIS).time == NOW + 500  # a Unix time
    tomorrow = local(parse_when("tomorrow at 9am", NOW, PARIS).time)
    assert (tomorrow.day, tomorrow.hour, tomorrow.minute) == (4, 9, 0)
    assert local(parse_when("tomorrow", NOW, PARIS).time).hour == 9
    later = local(parse_when("at 3pm", NOW, PARIS).time)
    assert (later.day, later.hour) == (3, 15)  # still today
    passed = local(parse_when("at 9am", NOW, PARIS).time)
    assert (passed.day, passed.hour) == (4, 9)  # 9am has passed: tomorrow
    friday = local(parse_when("on Friday at 10:30am", NOW, PARIS).time)
    assert (friday.weekday(), friday.day, friday.hour, friday.minute) == (4, 4, 10, 30)
    assert local(parse_when("5pm", NOW, PARIS).time).hour == 17


def test_recurring() -> None:
    monday = parse_when("every Monday at 10am", NOW, PARIS)
    assert monday.recurrence == {"frequency": "weekly", "weekdays": ["monday"], "at": "10:00"}
    first = local(monday.time)
    assert (first.weekday(), first.day, first.hour) == (0, 7, 10)
    following = local(next_occurrence(monday.recurrence, monday.time, PARIS))
    assert following.day == 14
    weekdays = parse_when("every weekday at 9:30am", NOW, PARIS)
    assert weekdays.recurrence is not None
    assert weekdays.recurrence["weekdays"] == [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
    ]
    assert local(weekdays.time).day == 4  # Friday morning
    daily = parse_when("every day", NOW, PARIS)
    assert daily.recurrence == {"frequency": "daily", "at": "09:00"}
    both = parse_when("every Tuesday and Thursday at 5pm", NOW, PARIS)
    assert both.recurrence is not None and both.recurrence["weekdays"] == ["tuesday", "thursday"]
    assert local(both.time).day == 3  # today, Thursday, 17:00


def test_refusals() -> None:
    for text in ("whenever", "in 0 minutes", "in 5 fortnights", "every blue moon", "", "-5"):
        with pytest.raises(CannotParse):
            parse_when(text, NOW, PARIS)
    with pytest.raises(CannotParse):
        parse_when(str(NOW + 6 * 365 * 86400), NOW, PARIS)


def test_time_zone_changes_the_instant() -> None:
    paris = parse_when("tomorrow at 9am", NOW, PARIS).time
    tokyo = parse_when("tomorrow at 9am", NOW, "Asia/Tokyo").time
    assert paris - tokyo == 8 * 3600


def test_split_remind() -> None:
    command = split_remind("me to look at the report in 10 minutes", NOW, PARIS)
    assert (command.target, command.what) == ("me", "look at the report")
    assert command.when.time == NOW + 600
    team = split_remind("#team standup every weekday at 9:30am", NOW, PARIS)
    assert team.target == "#team" and team.what == "standup"
    assert team.when.recurrence is not None
    first = split_remind("me tomorrow at 9am to call Sam", NOW, PARIS)
    assert first.what == "call Sam" and local(first.when.time).hour == 9
    quoted = split_remind('me "drink water" at 5pm', NOW, PARIS)
    assert quoted.what == "drink water"
    with pytest.raises(CannotParse):
        split_remind("me to do something eventually", NOW, PARIS)
