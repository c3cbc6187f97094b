"""dnd.*, client.notifications.*, and the rule applied to real posts (desktop_notification)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from parley.platform.clock import unix_now
from tests.conftest import Api
from tests.factories import Factory, Member, Team
from tests.features.reactions.helpers import events_of, make_conversation


@dataclass
class World:
    team: Team
    alice: Member
    bob: Member
    channel: str
    other_team: Team
    stranger: Member
    foreign_channel: str


@pytest.fixture
async def world(factory: Factory) -> World:
    team = await factory.workspace()
    alice = await factory.user(team, name="Alice")
    bob = await factory.user(team, name="Bob")
    channel = await make_conversation(factory.db, team, [alice, bob])
    other = await factory.workspace("Other")
    stranger = await factory.user(other)
    foreign = await make_conversation(factory.db, other, [stranger])
    return World(team, alice, bob, channel, other, stranger, foreign)


async def notified(factory: Factory, team: Team) -> list[dict[str, object]]:
    return await events_of(factory.db, team, "desktop_notification")


async def test_dnd_snooze_info_end_and_events(api: Api, factory: Factory, world: World) -> None:
    w = world
    info = await api("dnd.info", w.bob.token)
    assert info["ok"] and info["dnd_enabled"] is False and info["snooze_enabled"] is False
    assert (await api("dnd.setSnooze", w.bob.token))["error"] == "missing_duration"
    assert (await api("dnd.setSnooze", w.bob.token, num_minutes="0"))["error"] == (
        "missing_duration"
    )
    assert (await api("dnd.endSnooze", w.bob.token))["error"] == "snooze_not_active"
    snoozed = await api("dnd.setSnooze", w.bob.token, num_minutes="30")
    assert snoozed["snooze_enabled"] is True and 1790 <= snoozed["snooze_remaining"] <= 1800
    mine = await api("dnd.info", w.bob.token)
    assert mine["snooze_enabled"] is True and mine["snooze_endtime"] == snoozed["snooze_endtime"]
    theirs = await api("dnd.info", w.alice.token, user=w.bob.user_id)
    assert "snooze_enabled" not in theirs and "snooze_endtime" not in theirs
    team_info = await api(
        "dnd.teamInfo", w.alice.token, users=f"{w.bob.user_id},{w.stranger.user_id}"
    )
    assert set(team_info["users"]) == {w.bob.user_id}  # another workspace's member is left out
    assert (await api("dnd.info", w.alice.token, user=w.stranger.user_id))["error"] == (
        "user_not_found"
    )
    ended = await api("dnd.endSnooze", w.bob.token)
    assert ended["ok"] and ended["snooze_enabled"] is False
    updated = await events_of(factory.db, w.team, "dnd_updated")
    assert updated and all(
        e["_audience"] == {"kind": "users", "ids": [w.bob.user_id]} for e in updated
    )
    assert updated[0]["dnd_status"]["snooze_enabled"] is True
    to_all = await events_of(factory.db, w.team, "dnd_updated_user")
    assert to_all and to_all[0]["_audience"] == {"kind": "workspace"}
    assert "snooze_enabled" not in to_all[0]["dnd_status"]
    assert not await events_of(factory.db, w.other_team, "dnd_updated_user")


async def test_schedule_and_end_dnd(api: Api, world: World) -> None:
    w = world
    # A schedule that covers every minute but one: DND is on now (in the member's zone).
    now_minute = (unix_now() // 60) % (24 * 60)
    start = f"{(now_minute - 1) // 60 % 24:02d}:{(now_minute - 1) % 60:02d}"
    end = f"{(now_minute - 2) // 60 % 24:02d}:{(now_minute - 2) % 60:02d}"
    assert (await api("client.notifications.set", w.bob.token, dnd_start="25:00"))["error"] == (
        "invalid_time"
    )
    result = await api(
        "client.notifications.set", w.bob.token, dnd_enabled="true", dnd_start=start, dnd_end=end
    )
    assert result["ok"] and result["settings"]["in_dnd"] is True
    info = await api("dnd.info", w.bob.token)
    assert info["dnd_enabled"] is True and info["next_dnd_start_ts"] <= unix_now()
    assert (await api("dnd.endDnd", w.bob.token))["ok"]
    got = await api("client.notifications.get", w.bob.token)
    assert got["settings"]["in_dnd"] is False
    assert (await api("dnd.info", w.bob.token))["next_dnd_start_ts"] > unix_now()


async def test_settings_and_channel_prefs(api: Api, factory: Factory, world: World) -> None:
    w = world
    t = w.bob.token
    assert (await api("client.notifications.set", t, level="loud"))["error"] == "invalid_level"
    assert (await api.json("client.notifications.set", t, keywords=[1]))[
        "error"
    ] == "invalid_keywords"
    set_ = await api.json(
        "client.notifications.set", t, level="all", keywords=["deploy", " ", "deploy"]
    )
    assert set_["settings"]["level"] == "all" and set_["settings"]["keywords"] == ["deploy"]
    pref = await api("client.notifications.setChannel", t, channel=w.channel, level="nothing")
    assert pref["channel"] == {"channel": w.channel, "level": "nothing", "muted": False}
    muted = await api("client.notifications.setChannel", t, channel=w.channel, muted="true")
    assert muted["channel"]["muted"] is True and muted["channel"]["level"] == "nothing"
    bad = await api("client.notifications.setChannel", t, channel=w.channel, level="loud")
    assert bad["error"] == "invalid_level"
    foreign = await api(
        "client.notifications.setChannel", t, channel=w.foreign_channel, level="all"
    )
    assert foreign["error"] == "channel_not_found"
    got = await api("client.notifications.get", t)
    assert got["channels"] == [{"channel": w.channel, "level": "nothing", "muted": True}]
    changes = await events_of(factory.db, w.team, "pref_change")
    assert {e["name"] for e in changes} == {"notifications", "channel_notifications"}
    assert all(e["_audience"] == {"kind": "users", "ids": [w.bob.user_id]} for e in changes)


async def post(api: Api, member: Member, channel: str, text: str, **extra: str) -> str:
    sent = await api("chat.postMessage", member.token, channel=channel, text=text, **extra)
    assert sent["ok"], sent
    return str(sent["ts"])


async def test_a_mention_notifies_unless_dnd(api: Api, factory: Factory, world: World) -> None:
    w = world
    ts = await post(api, w.alice, w.channel, f"hi <@{w.bob.user_id}>")
    [event] = await notified(factory, w.team)
    assert event["_audience"] == {"kind": "users", "ids": [w.bob.user_id]}
    assert event["reason"] == "mention" and event["is_mention"] is True
    assert event["channel"] == w.channel and event["ts"] == ts
    assert event["subtitle"] == "Alice" and str(event["title"]).startswith("#")
    await post(api, w.alice, w.channel, "no one named")  # level "mentions": nothing
    assert len(await notified(factory, w.team)) == 1
    await api("dnd.setSnooze", w.bob.token, num_minutes="10")
    await post(api, w.alice, w.channel, f"again <@{w.bob.user_id}>")
    assert len(await notified(factory, w.team)) == 1  # snoozed: not notified
    await api("dnd.endSnooze", w.bob.token)
    await post(api, w.alice, w.channel, f"and again <@{w.bob.user_id}>")
    assert len(await notified(factory, w.team)) == 2


async def test_dms_keywords_levels_and_apps(api: Api, factory: Factory, world: World) -> None:
    w = world
    opened = await api("conversations.open", w.alice.token, users=w.bob.user_id)
    dm = opened["channel"]["id"]
    await post(api, w.alice, dm, "psst")
    await api("client.notifications.set", w.bob.token, keywords='["deploy"]')
    await post(api, w.alice, w.channel, "Deploy finished")
    await post(api, w.alice, w.channel, "redeploying")  # not the whole word
    robot = await factory.bot(w.team)
    await api("conversations.join", robot.token, channel=w.channel)
    await api("client.notifications.setChannel", w.bob.token, channel=w.channel, level="all")
    await post(api, robot, w.channel, "build 42 passed")  # an app's post, level "all"
    reasons = [(e["channel"], e["reason"]) for e in await notified(factory, w.team)]
    assert reasons == [(dm, "dm"), (w.channel, "keyword"), (w.channel, "all")]
    await api("client.notifications.setChannel", w.bob.token, channel=w.channel, level="nothing")
    await post(api, w.alice, w.channel, f"<@{w.bob.user_id}> deploy")
    assert len(await notified(factory, w.team)) == 3  # "nothing" silences even mentions


async def test_a_reply_notifies_those_who_follow_the_thread(
    api: Api, factory: Factory, world: World
) -> None:
    w = world
    carol = await factory.user(w.team, name="Carol")
    await api("conversations.join", carol.token, channel=w.channel)
    root = await post(api, w.alice, w.channel, "plan for friday?")
    await post(api, w.bob, w.channel, "sounds good", thread_ts=root)
    await post(api, w.alice, w.channel, "great", thread_ts=root)
    reasons = [(e["_audience"]["ids"], e["reason"]) for e in await notified(factory, w.team)]
    # Bob's reply notifies Alice (she started it); hers notifies Bob (he replied). Carol,
    # in the channel but not in the thread, hears of neither.
    assert reasons == [([w.alice.user_id], "thread"), ([w.bob.user_id], "thread")]
