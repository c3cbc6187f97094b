"""DM calls ring every device of the callee: first accept wins, decline, cancel, and the
ring timeout (a durable deadline the sweeper acts on; tests pass the time)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from parley.features.calls import store, sweeper
from parley.features.calls.media.runtime import engine_for
from parley.features.messages.models import Message
from parley.platform.clock import unix_now
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.calls.helpers import World, build_world
from tests.features.reactions.helpers import events_of, make_conversation


@pytest.fixture
async def world(factory: Factory) -> World:
    return await build_world(factory)


async def _messages(services: Services, channel: str) -> list[Message]:
    async with services.db.read() as session:
        rows = await session.execute(
            select(Message).where(Message.conversation_id == channel).order_by(Message.ts)
        )
        return list(rows.scalars().all())


async def test_first_accept_wins(
    api: Api, factory: Factory, services: Services, world: World
) -> None:
    w = world
    rung = await api("huddles.ring", w.alice.token, channel=w.dm, device_id="a-laptop")
    assert rung["ok"], rung
    huddle = rung["huddle"]
    assert huddle["state"] == "ringing" and huddle["kind"] == "dm"
    assert huddle["rings"] == [{"user": w.bob.user_id, "state": "ringing"}]
    ringing = await events_of(factory.db, w.team, "call_ringing")
    assert ringing[0]["_audience"] == {"kind": "users", "ids": [w.bob.user_id]}
    assert await _messages(services, w.dm) == []  # no message until someone answers

    accepted = await api("huddles.accept", w.bob.token, channel=w.dm, device_id="b-phone")
    assert accepted["huddle"]["state"] == "active"
    assert {p["slack_id"] for p in accepted["huddle"]["participants"]} == {
        w.alice.user_id,
        w.bob.user_id,
    }
    second = await api("huddles.accept", w.bob.token, channel=w.dm, device_id="b-laptop")
    assert second["error"] == "already_answered" and second["device_id"] == "b-phone"
    stopped = await events_of(factory.db, w.team, "call_ring_stopped")
    assert stopped[-1]["reason"] == "answered" and stopped[-1]["device_id"] == "b-phone"
    assert stopped[-1]["_audience"] == {"kind": "users", "ids": [w.bob.user_id]}
    [start] = await _messages(services, w.dm)
    assert start.blocks[0]["type"] == "call"
    # Only the people in the DM may ring or answer.
    assert (await api("huddles.accept", w.carol.token, channel=w.dm))["error"] == (
        "channel_not_found"
    )


async def test_decline_ends_a_call_nobody_will_answer(api: Api, world: World) -> None:
    w = world
    await api("huddles.ring", w.alice.token, channel=w.dm)
    assert (await api("huddles.decline", w.alice.token, channel=w.dm))["error"] == "not_invited"
    declined = await api("huddles.decline", w.bob.token, channel=w.dm)
    assert declined["huddle"]["state"] == "ended" and declined["huddle"]["end_reason"] == (
        "declined"
    )
    assert (await api("huddles.info", w.alice.token, channel=w.dm))["error"] == "no_active_huddle"


async def test_cancel_by_the_caller_only(api: Api, factory: Factory, world: World) -> None:
    w = world
    await api("huddles.ring", w.alice.token, channel=w.dm)
    assert (await api("huddles.cancel", w.bob.token, channel=w.dm))["error"] == "not_caller"
    cancelled = await api("huddles.cancel", w.alice.token, channel=w.dm)
    assert cancelled["huddle"]["end_reason"] == "cancelled"
    stopped = await events_of(factory.db, w.team, "call_ring_stopped")
    assert stopped[-1]["reason"] == "cancelled"
    assert stopped[-1]["_audience"]["ids"] == [w.bob.user_id]


async def test_ring_timeout_posts_a_missed_call(api: Api, services: Services, world: World) -> None:
    w = world
    rung = await api("huddles.ring", w.alice.token, channel=w.dm)
    call_id = rung["huddle"]["id"]
    engine = engine_for(services)
    # Not due yet: nothing happens.
    await sweeper.sweep_rings(services, engine, now=unix_now() + 5)
    async with services.db.read() as session:
        waiting = await store.get_call(session, w.team.team_id, call_id)
    assert waiting is not None and waiting.state == "ringing"
    assert await sweeper.sweep_rings(services, engine, now=unix_now() + 3600) >= 1
    async with services.db.read() as session:
        call = await store.get_call(session, w.team.team_id, call_id)
        rings = await store.rings_of(session, call_id)
    assert call is not None and call.state == "ended" and call.end_reason == "missed"
    assert [r.state for r in rings] == ["missed"]
    [missed] = await _messages(services, w.dm)
    assert missed.text == f"Missed call from <@{w.alice.user_id}>"
    # A second sweep changes nothing: one missed-call message.
    await sweeper.sweep_rings(services, engine, now=unix_now() + 3600)
    assert len(await _messages(services, w.dm)) == 1


async def test_ring_refuses_channels_and_the_caller_leaving_cancels(api: Api, world: World) -> None:
    w = world
    refused = await api("huddles.ring", w.alice.token, channel=w.channel)
    assert refused["error"] == "method_not_supported_for_channel_type"
    await api("huddles.ring", w.alice.token, channel=w.dm)
    left = await api("huddles.leave", w.alice.token, channel=w.dm)
    assert left["huddle"]["state"] == "ended" and left["huddle"]["end_reason"] == "cancelled"


async def test_a_group_dm_keeps_ringing_the_others_until_the_timeout(
    api: Api, factory: Factory, services: Services, world: World
) -> None:
    w = world
    group = await make_conversation(factory.db, w.team, [w.alice, w.bob, w.carol], kind="mpim")
    rung = await api("huddles.ring", w.alice.token, channel=group)
    call_id = rung["huddle"]["id"]
    assert {r["user"] for r in rung["huddle"]["rings"]} == {w.bob.user_id, w.carol.user_id}
    accepted = await api("huddles.accept", w.bob.token, channel=group)
    assert accepted["huddle"]["state"] == "active"
    await sweeper.sweep_rings(services, engine_for(services), now=unix_now() + 3600)
    async with services.db.read() as session:
        call = await store.get_call(session, w.team.team_id, call_id)
        rings = {r.user_id: r.state for r in await store.rings_of(session, call_id)}
    assert call is not None and call.state == "active"
    assert rings == {w.bob.user_id: "accepted", w.carol.user_id: "missed"}
    # Only the huddle's start message: no "missed call" for a call that was answered.
    assert [m.text for m in await _messages(services, group)] == ["A huddle started"]
