"""Placement on media nodes and clean ends on faults, through the MediaEngine seam with a
stand-in media server: least-loaded healthy node, a lost node ends its calls, a dropped
endpoint gets a grace period (an ICE restart keeps it), a closed browser is not left
"in a call"."""

from __future__ import annotations

import pytest

from parley.features.calls import actions, signalling, store, sweeper
from parley.features.calls.media.engine import MediaEvent
from parley.features.calls.models import Call
from parley.platform.clock import unix_now
from parley.platform.services import Services
from tests.factories import Factory
from tests.features.calls.helpers import OFFER_SDP, FakeSfu, World, build_world
from tests.features.principals import principal_of
from tests.features.reactions.helpers import events_of


@pytest.fixture
async def world(factory: Factory) -> World:
    return await build_world(factory)


async def _start(services: Services, sfu: FakeSfu, world: World, *joiners: str) -> Call:
    """A huddle in the channel placed by `sfu`, with alice and the given tokens in it."""
    placement = await actions.place_call(sfu, max_publishers=10)
    alice = await principal_of(services, world.alice)
    async with services.db.write() as uow:
        call, _ = await actions.check_start_huddle(
            uow, alice, world.channel, placement, actions.CallConfig()
        )
    for token in joiners:
        async with services.db.write() as uow:
            await actions.check_join_huddle(uow, await principal_of(services, token), world.channel)
    return call


async def test_placement_picks_the_least_loaded_healthy_node() -> None:
    sfu = FakeSfu(load={"n1": 5, "n2": 1, "n3": 0}, unhealthy={"n3"})
    placement = await actions.place_call(sfu, max_publishers=10)
    assert placement.room is not None and placement.room.node_id == "n2"
    nowhere = await actions.place_call(FakeSfu(load={"n1": 0}, unhealthy={"n1"}), max_publishers=2)
    assert nowhere.room is None


async def test_a_lost_node_ends_its_calls(
    factory: Factory, services: Services, world: World
) -> None:
    sfu = FakeSfu(load={"n1": 0})
    call = await _start(services, sfu, world, world.bob.token)
    assert call.node_id == "n1" and call.room is not None
    alice = await principal_of(services, world.alice)
    answer = await signalling.publish(services, sfu, alice, world.channel, OFFER_SDP)
    assert answer.type == "answer"
    await signalling.on_media_event(services, sfu, MediaEvent("node_down", "n1"))
    async with services.db.read() as session:
        ended = await store.get_call(session, world.team.team_id, call.id)
        present = await store.participants(session, call.id)
    assert ended is not None and ended.state == "ended"
    assert ended.end_reason == "media_server_lost" and present == []
    [event] = await events_of(factory.db, world.team, "call_ended")
    assert event["reason"] == "media_server_lost"
    async with services.db.read() as session:
        assert await store.live_calls(session, world.team.team_id) == []


async def test_grace_period_and_ice_restart(services: Services, world: World) -> None:
    sfu = FakeSfu()
    call = await _start(services, sfu, world, world.bob.token)
    alice = await principal_of(services, world.alice)
    bob = await principal_of(services, world.bob)
    await signalling.publish(services, sfu, alice, world.channel, OFFER_SDP)
    await signalling.publish(services, sfu, bob, world.channel, OFFER_SDP)
    async with services.db.read() as session:
        rows = {p.user_id: p for p in await store.participants(session, call.id)}
    alice_ep = actions.endpoint_of(rows[world.alice.user_id].publisher)
    bob_ep = actions.endpoint_of(rows[world.bob.user_id].publisher)
    assert alice_ep is not None and bob_ep is not None
    assert rows[world.alice.user_id].feed != rows[world.bob.user_id].feed

    for endpoint in (alice_ep, bob_ep):
        await signalling.on_media_event(services, sfu, MediaEvent("down", "n1", endpoint))
    # Alice restarts ICE within the grace period: she stays.
    await signalling.publish(services, sfu, alice, world.channel, OFFER_SDP)
    assert sfu.republished == [alice_ep]
    later = unix_now() + actions.CallConfig().grace_seconds + 1
    assert await sweeper.sweep_gone(services, sfu, now=later) >= 1
    async with services.db.read() as session:
        present = await store.participants(session, call.id)
        stays = await store.participants(session, call.id, present_only=False)
    assert [p.user_id for p in present] == [world.alice.user_id]
    assert {p.user_id: p.leave_reason for p in stays}[world.bob.user_id] == "connection_lost"
    assert bob_ep in sfu.hung_up


async def test_a_closed_browser_leaves_after_the_grace(services: Services, world: World) -> None:
    sfu = FakeSfu()
    call = await _start(services, sfu, world)
    # Alice has no socket open on any node: her grace starts, then she is gone and the
    # huddle (she was alone) ends: no stuck "in a call".
    await sweeper.sweep_sockets(services)
    async with services.db.read() as session:
        [alice] = await store.participants(session, call.id)
    assert alice.gone_cause == "socket" and alice.gone_deadline > 0
    later = unix_now() + actions.CallConfig().grace_seconds + 1
    assert await sweeper.sweep_gone(services, sfu, now=later) >= 1
    async with services.db.read() as session:
        ended = await store.get_call(session, world.team.team_id, call.id)
    assert ended is not None and ended.state == "ended" and ended.end_reason == "last_left"
    assert sfu.closed and sfu.closed[0].room == call.room


async def test_joining_again_hangs_up_the_old_device(services: Services, world: World) -> None:
    sfu = FakeSfu()
    call = await _start(services, sfu, world)
    alice = await principal_of(services, world.alice)
    await signalling.publish(services, sfu, alice, world.channel, OFFER_SDP)
    async with services.db.write() as uow:
        _, cleanup = await actions.check_join_huddle(uow, alice, world.channel, device_id="phone")
    await actions.run_cleanup(sfu, cleanup)
    assert len(sfu.hung_up) == 1
    async with services.db.read() as session:
        [row] = await store.participants(session, call.id)
    assert row.device_id == "phone" and row.publisher is None


async def test_host_mute_reaches_the_media_server(services: Services, world: World) -> None:
    sfu = FakeSfu()
    call = await _start(services, sfu, world, world.bob.token)
    bob = await principal_of(services, world.bob)
    await signalling.publish(services, sfu, bob, world.channel, OFFER_SDP)
    alice = await principal_of(services, world.alice)
    async with services.db.write() as uow:
        muted_call, target = await actions.check_host_mute(
            uow, alice, world.channel, world.bob.user_id
        )
    await signalling.host_mute_media(sfu, muted_call, target)
    assert sfu.muted == [(call.room, target.feed)]
