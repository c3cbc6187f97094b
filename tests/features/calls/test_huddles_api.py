"""huddles.* over HTTP: who may join, one participant per person, the huddle's message and
summary, hands, host controls, reactions, limits, media without a media server."""

from __future__ import annotations

import pytest

from parley.features.calls import actions
from parley.features.messages.interface import get_message
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.calls.helpers import World, build_world, set_max_huddle
from tests.features.reactions.helpers import events_of


@pytest.fixture
async def world(factory: Factory) -> World:
    return await build_world(factory)


async def test_start_join_leave_and_summary(
    api: Api, factory: Factory, services: Services, world: World
) -> None:
    w = world
    started = await api("huddles.start", w.alice.token, channel=w.channel, device_id="laptop")
    assert started["ok"], started
    huddle = started["huddle"]
    assert huddle["id"].startswith("R") and huddle["state"] == "active"
    assert huddle["kind"] == "huddle" and huddle["started_by"] == w.alice.user_id
    assert [p["slack_id"] for p in huddle["participants"]] == [w.alice.user_id]
    assert huddle["media"] is False and huddle["thread_ts"]
    # Starting again in the same conversation joins the live huddle.
    again = await api("huddles.start", w.bob.token, channel=w.channel)
    assert again["huddle"]["id"] == huddle["id"]
    assert len(again["huddle"]["participants"]) == 2

    listed = await api("huddles.list", w.carol.token)
    assert [h["id"] for h in listed["huddles"]] == [huddle["id"]]
    info = await api("huddles.info", w.carol.token, channel=w.channel)
    assert info["huddle"]["id"] == huddle["id"]
    shown = (await api("conversations.info", w.carol.token, channel=w.channel))["channel"]
    assert shown["huddle"]["id"] == huddle["id"] and shown["huddle"]["state"] == "active"
    assert shown["huddle"]["participants"] == [w.alice.user_id, w.bob.user_id]

    async with services.db.read() as session:
        start = await get_message(session, w.channel, huddle["thread_ts"])
    assert start is not None and start.blocks
    assert start.blocks[0]["type"] == "call" and start.blocks[0]["call_id"] == huddle["id"]

    assert (await api("huddles.leave", w.alice.token, channel=w.channel))["ok"]
    assert (await api("huddles.leave", w.alice.token, channel=w.channel))["error"] == (
        "not_in_huddle"
    )
    last = await api("huddles.leave", w.bob.token, channel=w.channel)
    assert last["huddle"]["state"] == "ended" and last["huddle"]["end_reason"] == "last_left"
    assert (await api("huddles.info", w.bob.token, channel=w.channel))["error"] == (
        "no_active_huddle"
    )
    assert (await api("huddles.list", w.bob.token))["huddles"] == []
    assert (
        "huddle" not in (await api("conversations.info", w.bob.token, channel=w.channel))["channel"]
    )
    async with services.db.read() as session:
        summary = await get_message(session, w.channel, huddle["thread_ts"])
    assert summary is not None and summary.text.startswith("Huddle ended after")
    assert f"<@{w.alice.user_id}>" in summary.text and f"<@{w.bob.user_id}>" in summary.text
    assert summary.blocks[0]["call"]["v1"]["has_ended"] is True

    for kind in ("call_started", "call_participant_joined", "call_participant_left", "call_ended"):
        events = await events_of(factory.db, w.team, kind)
        assert events, kind
        assert events[0]["_audience"] == {"kind": "conversation", "id": w.channel}
        assert events[0]["call_id"] == huddle["id"]
    # The huddle's info stays readable through Slack's calls.info.
    call = await api("calls.info", w.bob.token, id=huddle["id"])
    assert call["call"]["id"] == huddle["id"] and call["call"]["users"] == []
    assert call["call"]["date_end"] >= call["call"]["date_start"]


async def test_only_readers_join_and_guests_only_where_members(api: Api, world: World) -> None:
    w = world
    await api("huddles.start", w.alice.token, channel=w.private)
    # Carol cannot see the private channel: it does not exist for her.
    assert (await api("huddles.join", w.carol.token, channel=w.private))["error"] == (
        "channel_not_found"
    )
    assert (await api("huddles.info", w.carol.token, channel=w.private))["error"] == (
        "channel_not_found"
    )
    assert (await api("huddles.list", w.carol.token))["huddles"] == []
    # A guest joins where they are a member, nowhere else.
    await api("huddles.start", w.alice.token, channel=w.channel)
    assert (await api("huddles.join", w.guest.token, channel=w.channel))["ok"]
    assert (await api("huddles.join", w.guest.token, channel=w.private))["error"] == (
        "channel_not_found"
    )
    # Carol may read the public channel, so she may join its huddle.
    assert (await api("huddles.join", w.carol.token, channel=w.channel))["ok"]


async def test_a_second_device_replaces_the_first(api: Api, world: World) -> None:
    w = world
    await api("huddles.start", w.alice.token, channel=w.channel, device_id="laptop")
    joined = await api("huddles.join", w.alice.token, channel=w.channel, device_id="phone")
    assert joined["ok"]
    assert [p["slack_id"] for p in joined["huddle"]["participants"]] == [w.alice.user_id]


async def test_huddle_full(api: Api, factory: Factory, world: World) -> None:
    w = world
    await set_max_huddle(factory.db, w.team, 2)
    await api("huddles.start", w.alice.token, channel=w.channel)
    assert (await api("huddles.join", w.bob.token, channel=w.channel))["ok"]
    assert (await api("huddles.join", w.carol.token, channel=w.channel))["error"] == "huddle_full"
    # Someone already in it may rejoin from another device.
    assert (await api("huddles.join", w.bob.token, channel=w.channel, device_id="2"))["ok"]


async def test_hands_are_ordered_and_hosts_control(api: Api, world: World) -> None:
    w = world
    await api("huddles.start", w.alice.token, channel=w.channel)
    await api("huddles.join", w.bob.token, channel=w.channel)
    await api("huddles.join", w.carol.token, channel=w.channel)
    await api("huddles.update", w.carol.token, channel=w.channel, hand="true")
    raised = await api("huddles.update", w.bob.token, channel=w.channel, hand="true", muted="1")
    assert raised["huddle"]["raised_hands"] == [w.carol.user_id, w.bob.user_id]
    bob = next(p for p in raised["huddle"]["participants"] if p["slack_id"] == w.bob.user_id)
    assert bob["muted"] is True and bob["hand_raised"] is True
    # Raising an already raised hand keeps its place.
    again = await api("huddles.update", w.carol.token, channel=w.channel, hand="true")
    assert again["huddle"]["raised_hands"] == [w.carol.user_id, w.bob.user_id]

    # Only the host (the starter) or an admin uses host controls.
    assert (await api("huddles.mute", w.bob.token, channel=w.channel, user=w.carol.user_id))[
        "error"
    ] == "not_host"
    assert (await api("huddles.lowerHands", w.bob.token, channel=w.channel))["error"] == "not_host"
    muted = await api("huddles.mute", w.alice.token, channel=w.channel, user=w.carol.user_id)
    carol = next(p for p in muted["huddle"]["participants"] if p["slack_id"] == w.carol.user_id)
    assert carol["muted"] is True
    lowered = await api(
        "huddles.lowerHands", w.alice.token, channel=w.channel, user=w.carol.user_id
    )
    assert lowered["huddle"]["raised_hands"] == [w.bob.user_id]
    lowered = await api("huddles.lowerHands", w.team.owner.token, channel=w.channel)
    assert lowered["huddle"]["raised_hands"] == []
    removed = await api("huddles.remove", w.alice.token, channel=w.channel, user=w.bob.user_id)
    assert w.bob.user_id not in [p["slack_id"] for p in removed["huddle"]["participants"]]
    assert (await api("huddles.remove", w.alice.token, channel=w.channel, user=w.bob.user_id))[
        "error"
    ] == "user_not_in_huddle"


async def test_reactions_are_rate_limited_and_not_stored(
    api: Api, factory: Factory, world: World
) -> None:
    w = world
    await api("huddles.start", w.alice.token, channel=w.channel)
    assert (await api("huddles.react", w.bob.token, channel=w.channel, emoji="tada"))["error"] == (
        "not_in_huddle"
    )
    assert (await api("huddles.react", w.alice.token, channel=w.channel, emoji="a b"))[
        "error"
    ] == "invalid_name"
    answers = [
        (await api("huddles.react", w.alice.token, channel=w.channel, emoji=":tada:")).get("error")
        for _ in range(actions.REACTIONS_PER_WINDOW + 1)
    ]
    assert answers[:-1] == [None] * actions.REACTIONS_PER_WINDOW
    assert answers[-1] == "ratelimited"
    assert await events_of(factory.db, w.team, "call_reaction") == []


async def test_media_without_a_media_server(api: Api, world: World) -> None:
    w = world
    await api("huddles.start", w.alice.token, channel=w.channel)
    sdp = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n"
    answer = await api("huddles.media.publish", w.alice.token, channel=w.channel, sdp=sdp)
    assert answer["error"] == "media_unavailable"
    bad = await api("huddles.media.publish", w.alice.token, channel=w.channel, sdp="hello")
    assert bad["error"] == "invalid_sdp"
    outsider = await api("huddles.media.publish", w.bob.token, channel=w.channel, sdp=sdp)
    assert outsider["error"] == "not_in_huddle"
    ice = await api("huddles.media.iceServers", w.alice.token)
    assert ice == {"ok": True, "ice_servers": [], "ttl": 0}
    quality = await api(
        "huddles.reportQuality", w.alice.token, channel=w.channel, loss="0.02", rtt_ms="80"
    )
    assert quality["ok"]
    assert (await api("huddles.reportQuality", w.alice.token, channel=w.channel, loss="3"))[
        "error"
    ] == "invalid_arguments"


async def test_another_workspace_cannot_touch_the_huddle(
    api: Api, factory: Factory, world: World
) -> None:
    w = world
    started = await api("huddles.start", w.alice.token, channel=w.channel)
    other = await factory.workspace()
    mallory = other.owner
    for method in ("huddles.join", "huddles.info", "huddles.leave", "huddles.react"):
        answer = await api(method, mallory.token, channel=w.channel, emoji="x")
        assert answer["error"] == "channel_not_found", method
    assert (await api("huddles.list", mallory.token))["huddles"] == []
    assert (await api("calls.info", mallory.token, id=started["huddle"]["id"]))["error"] == (
        "invalid_call_id"
    )
    assert await events_of(factory.db, other, "call_started") == []
