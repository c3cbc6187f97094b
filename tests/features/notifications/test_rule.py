"""The one notification rule, as pure values: reasons, levels, mutes, DND schedule, snooze."""

from __future__ import annotations

from datetime import UTC, datetime

from parley.features.notifications.rule import (
    Facts,
    Prefs,
    Schedule,
    decide,
    in_dnd,
    keyword_hit,
    scheduled_session,
)

ME, THEM = "U1", "U2"
NOON = int(datetime(2026, 12, 3, 12, 0, tzinfo=UTC).timestamp())


def facts(**changes: object) -> Facts:
    base: dict[str, object] = {
        "author_id": THEM,
        "text": "hello",
        "is_direct": False,
        "is_reply": False,
        "mentioned": frozenset(),
        "mentions_everyone": False,
        "subtype": None,
    }
    return Facts(**{**base, **changes})  # type: ignore[arg-type]


def test_reasons_in_order() -> None:
    prefs, calm = Prefs(), Schedule()
    assert decide(ME, prefs, calm, facts(is_direct=True), NOON) == "dm"
    assert decide(ME, prefs, calm, facts(mentioned=frozenset({ME})), NOON) == "mention"
    assert decide(ME, prefs, calm, facts(mentions_everyone=True), NOON) == "mention"
    # @here in a thread reply does not reach everyone (as Slack)
    assert decide(ME, prefs, calm, facts(mentions_everyone=True, is_reply=True), NOON) is None
    keyword = Prefs(keywords=("deploy",))
    assert decide(ME, keyword, calm, facts(text="Deploy is done"), NOON) == "keyword"
    assert decide(ME, keyword, calm, facts(text="redeployed"), NOON) is None
    assert decide(ME, prefs, calm, facts(), NOON) is None  # level "mentions": plain post
    assert decide(ME, Prefs(level="all"), calm, facts(), NOON) == "all"


def test_never_for_own_messages_or_system_lines() -> None:
    prefs = Prefs(level="all")
    assert decide(ME, prefs, Schedule(), facts(author_id=ME, is_direct=True), NOON) is None
    joined = facts(subtype="channel_join", mentioned=frozenset({ME}))
    assert decide(ME, prefs, Schedule(), joined, NOON) is None
    assert decide(ME, prefs, Schedule(), facts(subtype="bot_message"), NOON) == "all"


def test_conversation_level_and_mute() -> None:
    mention = facts(mentioned=frozenset({ME}))
    nothing = Prefs(level="all", conversation_level="nothing")
    assert decide(ME, nothing, Schedule(), mention, NOON) is None
    assert decide(ME, Prefs(conversation_level="all"), Schedule(), facts(), NOON) == "all"
    only_mentions = Prefs(level="all", conversation_level="mentions")
    assert decide(ME, only_mentions, Schedule(), facts(), NOON) is None
    muted = Prefs(level="all", keywords=("deploy",), muted=True)
    assert decide(ME, muted, Schedule(), facts(text="deploy"), NOON) is None
    assert decide(ME, muted, Schedule(), facts(), NOON) is None
    assert decide(ME, muted, Schedule(), mention, NOON) == "mention"
    assert decide(ME, muted, Schedule(), facts(is_direct=True), NOON) == "dm"


def test_dnd_schedule_crosses_midnight_in_the_members_zone() -> None:
    # 22:00 → 08:00 in Tokyo (UTC+9): 12:00 UTC is 21:00 there, 13:30 UTC is 22:30.
    tokyo = Schedule(enabled=True, start="22:00", end="08:00", tz="Asia/Tokyo")
    assert not in_dnd(tokyo, NOON)
    assert in_dnd(tokyo, NOON + 90 * 60)
    start, end = scheduled_session(tokyo, NOON)
    assert start == NOON + 3600 and end == start + 10 * 3600
    # 07:00 Tokyo next morning (22:00 UTC) is still in the session that started at 22:00
    assert in_dnd(tokyo, NOON + 10 * 3600)
    assert not in_dnd(tokyo, NOON + 11 * 3600)
    ended = Schedule(enabled=True, start="22:00", end="08:00", tz="Asia/Tokyo", off_until=end)
    assert not in_dnd(ended, NOON + 90 * 60)  # dnd.endDnd ended tonight's session
    mention = facts(mentioned=frozenset({ME}))
    assert decide(ME, Prefs(), tokyo, mention, NOON + 90 * 60) is None
    assert decide(ME, Prefs(), tokyo, mention, NOON) == "mention"


def test_snooze() -> None:
    snoozed = Schedule(snooze_endtime=NOON + 60)
    assert in_dnd(snoozed, NOON) and not in_dnd(snoozed, NOON + 60)
    assert decide(ME, Prefs(), snoozed, facts(is_direct=True), NOON) is None


def test_keywords_are_whole_words_and_phrases() -> None:
    assert keyword_hit(("on call",), "who is On Call today?")
    assert not keyword_hit(("cat",), "concatenate")
    assert keyword_hit(("c++",), "I like C++.")


def test_the_schedule_keeps_local_hours_across_a_clock_change() -> None:
    # Paris leaves summer time on 25 October 2026: the 22:00 → 08:00 session that night
    # lasts 11 hours of real time, and still starts at 22:00 and ends at 08:00 local.
    paris = Schedule(enabled=True, start="22:00", end="08:00", tz="Europe/Paris")
    evening = int(datetime(2026, 10, 24, 19, 0, tzinfo=UTC).timestamp())  # 21:00 local
    start, end = scheduled_session(paris, evening)
    assert start == int(datetime(2026, 10, 24, 20, 0, tzinfo=UTC).timestamp())
    assert end == int(datetime(2026, 10, 25, 7, 0, tzinfo=UTC).timestamp())


def test_replies_notify_the_threads_followers() -> None:
    reply = facts(is_reply=True, thread_followers=frozenset({ME}))
    assert decide(ME, Prefs(), Schedule(), reply, NOON) == "thread"
    assert decide(ME, Prefs(), Schedule(), facts(is_reply=True), NOON) is None  # not following
    assert decide(ME, Prefs(level="nothing"), Schedule(), reply, NOON) is None
    assert decide(ME, Prefs(muted=True), Schedule(), reply, NOON) is None
