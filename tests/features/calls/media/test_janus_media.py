"""Real media through Janus VideoRoom, driven by Parley's engine and supervisor: aiortc
publishers and subscribers in a network namespace the test makes (skips without janus,
root or aiortc)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from parley.features.calls.media.engine import Jsep, MediaError, RoomRef
from parley.features.calls.media.runtime import MediaRuntime
from parley.features.calls.media.supervisor import (
    MANAGED_NODE_ID,
    ManagedProcess,
    write_janus_config,
)
from tests.features.calls.media.conftest import Events
from tests.features.calls.media.netns import JANUS_SIDE
from tests.features.calls.media.peers import (
    PictureTrack,
    Receiver,
    ToneTrack,
    accept,
    answer_to,
    offer_from,
    peer,
)

pytestmark = pytest.mark.media


async def _publish(runtime: MediaRuntime, room: RoomRef, feed: int, *, video: bool = True):  # type: ignore[no-untyped-def]
    pc = peer()
    pc.addTrack(ToneTrack())
    if video:
        pc.addTrack(PictureTrack())
    endpoint, answer = await runtime.engine.publish(
        room, feed=feed, display=f"peer {feed}", offer=await offer_from(pc)
    )
    await accept(pc, answer)
    return pc, endpoint


async def _subscribe(runtime: MediaRuntime, room: RoomRef, feeds: list[int]):  # type: ignore[no-untyped-def]
    pc = peer()
    receiver = Receiver(pc)
    endpoint, offer = await runtime.engine.subscribe(room, feeds=feeds)
    await runtime.engine.answer(endpoint, await answer_to(pc, offer))
    return pc, receiver, endpoint


async def test_audio_and_video_reach_a_subscriber_and_host_mute_stops_them(
    janus_runtime: MediaRuntime, media_events: Events
) -> None:
    engine = janus_runtime.engine
    room = await engine.open_room(MANAGED_NODE_ID, max_publishers=4, audio_only=False)
    publisher, published = await _publish(janus_runtime, room, feed=1)
    await media_events.wait("up", endpoint=published)
    subscriber, receiver, subscribed = await _subscribe(janus_runtime, room, [1])
    try:
        await media_events.wait("up", endpoint=subscribed)
        await receiver.wait_for("audio", 50)
        await receiver.wait_for("video", 10)
        assert max(r.loudest for r in receiver.by_kind["audio"]) > 1000  # the tone, not silence
        health = {node.node_id: node for node in await engine.nodes()}
        assert health[MANAGED_NODE_ID].healthy
        assert health[MANAGED_NODE_ID].rooms == 1
        assert health[MANAGED_NODE_ID].participants == 1

        await engine.mute_feed(room, 1, audio=True, video=True)
        await asyncio.sleep(0.7)  # what was in flight drains
        muted_at = time.monotonic()
        await asyncio.sleep(1.5)
        assert receiver.frames_since("audio", muted_at) < 5
        assert receiver.frames_since("video", muted_at) < 2

        await engine.mute_feed(room, 1, audio=False, video=False)
        unmuted_at = time.monotonic()
        await asyncio.sleep(1.5)
        assert receiver.frames_since("audio", unmuted_at) > 20
    finally:
        receiver.stop()
        await publisher.close()
        await subscriber.close()
        await engine.close_room(room)
        await engine.close_room(room)  # idempotent


async def test_a_third_peer_receives_two_publishers(
    janus_runtime: MediaRuntime, media_events: Events
) -> None:
    engine = janus_runtime.engine
    room = await engine.open_room(MANAGED_NODE_ID, max_publishers=4, audio_only=True)
    first, first_endpoint = await _publish(janus_runtime, room, feed=11, video=False)
    second, second_endpoint = await _publish(janus_runtime, room, feed=12, video=False)
    await media_events.wait("up", endpoint=first_endpoint)
    await media_events.wait("up", endpoint=second_endpoint)
    third, receiver, subscribed = await _subscribe(janus_runtime, room, [11])
    try:
        await receiver.wait_for("audio", 25)
        # The second publisher joins the subscription: a new offer, answered, both arrive.
        offer = await engine.update_subscription(subscribed, add=[12], remove=[])
        assert offer is not None and offer.type == "offer"
        await engine.answer(subscribed, await answer_to(third, offer))
        await receiver.wait_for("audio", 150)
        assert len(receiver.by_kind["audio"]) == 2
        assert all(r.frames > 10 for r in receiver.by_kind["audio"])
        await media_events.wait("talking", room=room.room, feed=11)  # a steady tone is talking

        await engine.hang_up(second_endpoint)
        await engine.hang_up(second_endpoint)  # idempotent
        assert {n.node_id: n.participants for n in await engine.nodes()}[MANAGED_NODE_ID] == 1
        # The device drops the gone feed through the engine (no unsolicited offer came).
        offer = await engine.update_subscription(subscribed, add=[], remove=[12])
        if offer is not None:
            await engine.answer(subscribed, await answer_to(third, offer))
        await first.close()  # the device goes away: Janus hangs up, the engine says so
        down = await media_events.wait("down", endpoint=first_endpoint)
        assert down.feed == 11 and down.room == room.room and down.detail["reason"]
    finally:
        receiver.stop()
        for pc in (first, second, third):
            await pc.close()
        await engine.close_room(room)


async def test_sdp_that_is_not_sdp_is_a_media_error_not_a_hang(janus_runtime: MediaRuntime) -> None:
    engine = janus_runtime.engine
    room = await engine.open_room(MANAGED_NODE_ID, max_publishers=2, audio_only=True)
    started = time.monotonic()
    with pytest.raises(MediaError) as refused:
        await engine.publish(room, feed=1, display="x", offer=Jsep("offer", "this is not SDP"))
    assert refused.value.reason == "invalid_sdp"
    assert time.monotonic() - started < 5
    assert (await engine.nodes())[0].participants == 0  # the failed publisher left no trace
    with pytest.raises(MediaError) as unknown:
        await engine.subscribe(RoomRef(MANAGED_NODE_ID, room.room + 1), feeds=[1])
    assert unknown.value.reason == "no_such_room"
    await engine.close_room(room)


async def test_janus_killed_mid_call_reports_node_down_and_is_restarted(
    janus_runtime: MediaRuntime, media_events: Events
) -> None:
    engine = janus_runtime.engine
    room = await engine.open_room(MANAGED_NODE_ID, max_publishers=2, audio_only=True)
    publisher, published = await _publish(janus_runtime, room, feed=1, video=False)
    await media_events.wait("up", endpoint=published)
    assert janus_runtime.janus is not None and janus_runtime.janus.pid is not None
    health_when_down: list[bool] = []

    async def note_health(event):  # type: ignore[no-untyped-def]
        if event.kind == "node_down":
            health_when_down.extend(node.healthy for node in await engine.nodes())

    engine.listen(note_health)
    os.kill(janus_runtime.janus.pid, signal.SIGKILL)
    down = await media_events.wait("node_down", within=10)
    assert down.node_id == MANAGED_NODE_ID and down.endpoint is None
    await asyncio.sleep(0)
    assert health_when_down == [False]
    with pytest.raises(MediaError):  # the endpoint died with its node
        await engine.trickle(published, None)

    # The supervisor starts Janus again; the engine opens a new session; new rooms work.
    assert await engine.wait_ready(15)
    assert janus_runtime.janus.starts == 2
    assert [n.healthy for n in await engine.nodes()] == [True]
    fresh = await engine.open_room(MANAGED_NODE_ID, max_publishers=2, audio_only=True)
    await engine.close_room(fresh)
    await publisher.close()


async def test_a_publisher_renegotiates_and_stops_sending_audio(
    janus_runtime: MediaRuntime, media_events: Events
) -> None:
    engine = janus_runtime.engine
    room = await engine.open_room(MANAGED_NODE_ID, max_publishers=2, audio_only=True)
    publisher, published = await _publish(janus_runtime, room, feed=21, video=False)
    await media_events.wait("up", endpoint=published)
    subscriber, receiver, _ = await _subscribe(janus_runtime, room, [21])
    try:
        await receiver.wait_for("audio", 25)
        answer = await engine.republish(published, await offer_from(publisher), audio=False)
        assert answer.type == "answer"
        await accept(publisher, answer)
        await asyncio.sleep(0.7)
        stopped_at = time.monotonic()
        await asyncio.sleep(1.0)
        assert receiver.frames_since("audio", stopped_at) < 5
        answer = await engine.republish(published, await offer_from(publisher), audio=True)
        await accept(publisher, answer)
        resumed_at = time.monotonic()
        await asyncio.sleep(1.5)
        assert receiver.frames_since("audio", resumed_at) > 20
        await engine.trickle(published, None)  # end of candidates is accepted any time
    finally:
        receiver.stop()
        await publisher.close()
        await subscriber.close()
        await engine.close_room(room)


async def test_two_nodes_one_dies_the_other_keeps_its_rooms(
    janus_runtime: MediaRuntime, media_events: Events, tmp_path: Path
) -> None:
    engine = janus_runtime.engine
    setup = write_janus_config(tmp_path / "second", ice_interfaces="v0", rtp_ports="32000-32999")
    second = ManagedProcess("janus-2", setup.argv(), tmp_path / "second.log")
    second.start()
    try:
        engine.add_node(replace(setup.node, node_id="second"))
        assert await engine.wait_ready(10)
        here = await engine.open_room(MANAGED_NODE_ID, max_publishers=2, audio_only=True)
        there = await engine.open_room("second", max_publishers=2, audio_only=True)
        rooms = {n.node_id: (n.healthy, n.rooms) for n in await engine.nodes()}
        assert rooms == {MANAGED_NODE_ID: (True, 1), "second": (True, 1)}

        assert second.pid is not None
        os.kill(second.pid, signal.SIGKILL)
        down = await media_events.wait("node_down", within=10)
        assert down.node_id == "second"
        health = {n.node_id: (n.healthy, n.rooms) for n in await engine.nodes()}
        assert health[MANAGED_NODE_ID] == (True, 1)
        assert health["second"][0] is False and health["second"][1] == 0
        # The surviving node still takes requests; the lost room is gone with its node.
        with pytest.raises(MediaError) as unknown_feed:
            await engine.mute_feed(here, 99, audio=True, video=True)
        assert unknown_feed.value.reason == "no_such_feed"
        await engine.close_room(here)
        assert await engine.wait_ready(15)  # the second node came back (restarted)
        await engine.close_room(there)  # idempotent: the restarted node never had it
    finally:
        await second.stop()


def _nft(*args: str) -> None:
    """On this thread, on purpose: only it is in the test's network namespace."""
    subprocess.run(["nft", *args], check=True, capture_output=True)


async def test_loss_on_the_way_in_gives_slowlink(
    janus_runtime: MediaRuntime, media_events: Events
) -> None:
    if shutil.which("nft") is None:
        pytest.skip("nft is not installed")
    engine = janus_runtime.engine
    room = await engine.open_room(MANAGED_NODE_ID, max_publishers=2, audio_only=False)
    publisher, published = await _publish(janus_runtime, room, feed=31)
    await media_events.wait("up", endpoint=published)
    # Drop a fifth of the UDP arriving at Janus's side of the veth pair (input hook).
    for rule in (
        "add table inet loss",
        "add chain inet loss input { type filter hook input priority 0 ; }",
        f"add rule inet loss input ip daddr {JANUS_SIDE} meta l4proto udp "
        "numgen random mod 100 < 20 drop",
    ):
        _nft(*rule.split())
    try:
        slow = await media_events.wait("slowlink", endpoint=published, within=15)
        assert slow.feed == 31 and slow.detail
    finally:
        _nft("delete", "table", "inet", "loss")
        await publisher.close()
        await engine.close_room(room)
