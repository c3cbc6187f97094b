"""The RTM WebSocket end to end: handshake, delivery, visibility, resume, slow clients."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from parley.platform.events.emit import users_audience, workspace_audience
from parley.platform.services import Services
from tests.conftest import Api, LiveServer
from tests.factories import Factory
from tests.platform.events.helpers import (
    Rtm,
    StalledClient,
    call,
    emit_events,
    make_channel,
    message,
    on_server,
    open_rtm,
    rtm_url,
    set_membership,
)


@pytest.fixture
def server(live_server: LiveServer) -> LiveServer:
    live_server.services.rate_limiter.enabled = False
    return live_server


async def test_rtm_connect_answers_like_slack(api: Api, factory: Factory) -> None:
    team = await factory.workspace("Rocket")
    body = await api("rtm.connect", team.owner.token)
    assert body["ok"] is True
    assert body["url"].startswith("ws://parley.test/rtm?ticket=")
    assert body["team"]["id"] == team.team_id and body["team"]["name"] == "Rocket"
    assert body["team"]["domain"] == team.domain
    assert body["self"]["id"] == team.owner.user_id and body["self"]["name"]
    assert (await api("rtm.connect"))["error"] == "not_authed"


async def test_hello_first_with_latest_seq(server: LiveServer, factory: Factory) -> None:
    team = await factory.workspace()
    [seq] = await emit_events(server, team.team_id, [({"type": "x_test"}, workspace_audience())])
    client = await open_rtm(server, team.owner.token)
    assert client.hello == {"type": "hello", "seq": seq}
    reconnect = await client.frame_of("reconnect_url")
    assert reconnect["url"].startswith(f"ws://127.0.0.1:{server.port}/rtm?ticket=")
    await client.close()


async def test_ticket_is_single_use_and_required(server: LiveServer, factory: Factory) -> None:
    team = await factory.workspace()
    url = await rtm_url(server, team.owner.token)
    async with connect(url) as first:
        assert '"hello"' in str(await first.recv())
        async with connect(url) as second:
            assert "invalid_auth" in str(await second.recv())
            with pytest.raises(ConnectionClosed) as closed:
                await second.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001
    async with connect(f"ws://127.0.0.1:{server.port}/rtm?ticket=guess") as guess:
        assert "invalid_auth" in str(await guess.recv())


async def test_events_reach_the_socket_with_seq(
    server: LiveServer, factory: Factory, api: Api
) -> None:
    team = await factory.workspace()
    client = await open_rtm(server, team.owner.token)
    seqs = await emit_events(
        server,
        team.team_id,
        [
            ({"type": "x_one", "n": 1}, workspace_audience()),
            ({"type": "x_two"}, workspace_audience()),
        ],
    )
    assert await client.event() == {"type": "x_one", "n": 1, "seq": seqs[0]}
    assert await client.event() == {"type": "x_two", "seq": seqs[1]}
    await client.close()


async def test_user_change_from_a_real_action_is_delivered(
    server: LiveServer, factory: Factory
) -> None:
    import httpx

    team = await factory.workspace()
    watcher = await factory.user(team)
    client = await open_rtm(server, watcher.token)
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(
            "/api/users.profile.set",
            headers={"Authorization": f"Bearer {team.owner.token}"},
            json={"profile": {"status_text": "Shipping"}},
        )
        assert response.json()["ok"]
    event = await client.event()
    assert event["type"] == "user_change"
    assert event["user"]["id"] == team.owner.user_id
    assert event["user"]["profile"]["status_text"] == "Shipping"
    assert event["seq"] > client.hello["seq"]
    await client.close()


async def test_visibility_no_leak_across_channels_or_workspaces(
    server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    alice, bob, carol = team.owner, await factory.user(team), await factory.user(team)
    other = await factory.workspace()
    private = await make_channel(server, team.team_id, [alice.user_id, bob.user_id], kind="group")
    clients = {
        name: await open_rtm(server, member.token)
        for name, member in {"alice": alice, "bob": bob, "carol": carol, "eve": other.owner}.items()
    }
    await emit_events(
        server,
        team.team_id,
        [
            (message(private, "secret"), {"kind": "conversation", "id": private}),
            ({"type": "x_for_carol"}, users_audience([carol.user_id])),
            ({"type": "x_marker"}, workspace_audience()),
        ],
    )
    assert (await clients["alice"].event())["text"] == "secret"
    assert (await clients["alice"].event())["type"] == "x_marker"
    assert (await clients["bob"].event())["text"] == "secret"
    assert (await clients["carol"].event())["type"] == "x_for_carol"
    assert (await clients["carol"].event())["type"] == "x_marker"
    assert await clients["eve"].quiet() == []  # another workspace sees nothing
    for client in clients.values():
        await client.close()


async def test_membership_changes_are_followed(server: LiveServer, factory: Factory) -> None:
    team = await factory.workspace()
    alice, bob = team.owner, await factory.user(team)
    channel = await make_channel(server, team.team_id, [alice.user_id, bob.user_id])
    client = await open_rtm(server, bob.token)
    audience = {"kind": "conversation", "id": channel}
    await emit_events(server, team.team_id, [(message(channel, "before"), audience)])
    assert (await client.event())["text"] == "before"
    await set_membership(server, team.team_id, channel, bob.user_id, member=False)
    await emit_events(server, team.team_id, [(message(channel, "while out"), audience)])
    assert await client.quiet() == []
    joined = await set_membership(server, team.team_id, channel, bob.user_id, member=True)
    joined_event = await client.event()
    assert joined_event["type"] == "member_joined_channel" and joined_event["seq"] == joined
    await emit_events(server, team.team_id, [(message(channel, "back"), audience)])
    assert (await client.event())["text"] == "back"
    await client.close()


async def test_resume_sends_exactly_the_missed_visible_events(
    server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    alice, bob = team.owner, await factory.user(team)
    shared = await make_channel(server, team.team_id, [alice.user_id, bob.user_id])
    alices = await make_channel(server, team.team_id, [alice.user_id], kind="group")
    client = await open_rtm(server, bob.token)
    await emit_events(server, team.team_id, [(message(shared, "seen"), workspace_audience())])
    last = (await client.event())["seq"]
    await client.close()
    missed = await emit_events(
        server,
        team.team_id,
        [
            (message(shared, "m1"), {"kind": "conversation", "id": shared}),
            (message(alices, "hidden"), {"kind": "conversation", "id": alices}),
            (message(shared, "m2"), {"kind": "conversation", "id": shared}),
        ],
    )
    resumed = await open_rtm(server, bob.token, since=last)
    assert resumed.hello == {"type": "hello", "seq": missed[-1]}
    first, second = await resumed.event(), await resumed.event()
    assert [first["text"], second["text"]] == ["m1", "m2"]
    assert [first["seq"], second["seq"]] == [missed[0], missed[2]]
    [live] = await emit_events(server, team.team_id, [({"type": "x_live"}, workspace_audience())])
    assert await resumed.event() == {"type": "x_live", "seq": live}
    assert await resumed.quiet() == []
    await resumed.close()


async def test_resume_while_events_keep_coming_has_no_gap_or_duplicate(
    server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    writer_done = asyncio.Event()

    async def keep_writing() -> None:
        for n in range(60):
            await emit_events(
                server, team.team_id, [({"type": "x_n", "n": n}, workspace_audience())]
            )
        writer_done.set()

    start = (await open_rtm(server, team.owner.token)).hello["seq"]
    task = asyncio.create_task(keep_writing())
    seen: list[int] = []
    since = start
    for _ in range(3):  # reconnect a few times while the writer runs
        client = await open_rtm(server, team.owner.token, since=since)
        for _ in range(10):
            seen.append((await client.event())["seq"])
        since = seen[-1]
        await client.close()
    await task
    client = await open_rtm(server, team.owner.token, since=since)
    while len(seen) < 60:
        seen.append((await client.event())["seq"])
    await client.close()
    assert seen == list(range(start + 1, start + 61))


async def test_resync_when_since_is_older_than_the_log(
    server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    seqs = await emit_events(server, team.team_id, [({"type": "x"}, workspace_audience())] * 3)

    async def forget_first_two(services: Services) -> None:
        from sqlalchemy import delete

        from parley.platform.events.models import EventLog

        async with services.db.write() as uow:
            await uow.session.execute(
                delete(EventLog).where(
                    EventLog.workspace_id == team.team_id, EventLog.seq <= seqs[1]
                )
            )

    await on_server(server, forget_first_two)
    stale = await open_rtm(server, team.owner.token, since=seqs[0] - 1)
    assert stale.hello == {"type": "hello", "seq": seqs[2], "resync": True}
    assert await stale.quiet() == []
    fine = await open_rtm(server, team.owner.token, since=seqs[1])
    assert fine.hello == {"type": "hello", "seq": seqs[2]}
    assert (await fine.event())["seq"] == seqs[2]
    future = await open_rtm(server, team.owner.token, since=seqs[2] + 100)
    assert future.hello.get("resync") is True
    for client in (stale, fine, future):
        await client.close()


async def test_ping_pong_and_unknown_frames(server: LiveServer, factory: Factory) -> None:
    team = await factory.workspace()
    client = await open_rtm(server, team.owner.token)
    await client.send({"id": 7, "type": "ping", "time": 123})
    assert await client.frame_of("pong") == {"type": "pong", "reply_to": 7, "time": 123}
    await client.send({"id": 8, "type": "x_not_a_frame", "channel": "C1"})
    reply = await client.frame()
    while reply.get("reply_to") != 8:
        reply = await client.frame()
    assert reply["ok"] is False and reply["error"]["code"] == 3
    await client.ws.send("not json")
    assert (await client.frame_of("error"))["error"]["msg"] == "invalid json"
    await client.close()


async def test_typing_reaches_other_members_only_and_is_rate_limited(
    server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    alice, bob, carol = team.owner, await factory.user(team), await factory.user(team)
    channel = await make_channel(server, team.team_id, [alice.user_id, bob.user_id])
    a, b, c = [await open_rtm(server, m.token) for m in (alice, bob, carol)]
    await a.send({"id": 1, "type": "typing", "channel": channel})
    await a.send({"id": 2, "type": "typing", "channel": channel})  # within the interval: dropped
    typing = await b.frame_of("user_typing")
    assert typing == {"type": "user_typing", "channel": channel, "user": alice.user_id}
    await c.send({"id": 3, "type": "typing", "channel": channel})  # not a member: ignored
    await a.send({"id": 4, "type": "ping"})
    await b.send({"id": 5, "type": "ping"})
    assert (await a.frame_of("pong"))["reply_to"] == 4  # and no user_typing of its own before
    frames = []
    while True:
        frame = await b.frame()
        if frame.get("type") == "pong":
            break
        frames.append(frame)
    assert [f for f in frames if f.get("type") == "user_typing"] == []
    for client in (a, b, c):
        await client.close()


async def test_presence_change_on_connect_and_disconnect(
    server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    watcher = await open_rtm(server, team.owner.token)
    mine = await watcher.frame_of("presence_change")
    assert mine == {"type": "presence_change", "user": team.owner.user_id, "presence": "active"}
    client = await open_rtm(server, bob.token)
    change = await watcher.frame_of("presence_change")
    assert change == {"type": "presence_change", "user": bob.user_id, "presence": "active"}
    await client.close()
    change = await watcher.frame_of("presence_change")
    assert change == {"type": "presence_change", "user": bob.user_id, "presence": "away"}
    await watcher.close()


async def test_a_slow_client_is_closed_with_4008_and_resumes(
    server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    server.services.realtime.config.max_queue = 20
    stalled = await asyncio.to_thread(StalledClient, await rtm_url(server, team.owner.token))
    big = "x" * 50_000
    seqs: list[int] = []
    for _ in range(12):  # 12 MB in bursts of 20 events: more than the socket buffers hold
        batch = [({"type": "x_big", "blob": big}, workspace_audience())] * 20
        seqs += await emit_events(server, team.team_id, batch)
    await asyncio.to_thread(stalled.read_all)
    server.services.realtime.config.max_queue = 4096
    assert stalled.close_code == 4008
    received = [f["seq"] for f in stalled.frames if f["type"] == "x_big"]
    hello = stalled.frames[0]
    assert hello["type"] == "hello"
    assert 0 < len(received) < len(seqs)
    assert received == seqs[: len(received)]  # in order, no gap, before the close
    assert stalled.close_reason == f"too_slow: resume with since={received[-1]}"
    resumed = await open_rtm(server, team.owner.token, since=received[-1])
    rest = [(await resumed.event(wait=10))["seq"] for _ in seqs[len(received) :]]
    assert rest == seqs[len(received) :]
    await resumed.close()


async def test_manual_away_announces_presence(server: LiveServer, factory: Factory) -> None:
    import httpx

    team = await factory.workspace()
    bob = await factory.user(team)
    watcher = await open_rtm(server, team.owner.token)
    bobs = await open_rtm(server, bob.token)
    assert (await watcher.frame_of("presence_change"))["user"] == team.owner.user_id
    assert (await watcher.frame_of("presence_change"))["user"] == bob.user_id
    async with httpx.AsyncClient(base_url=server.url) as http:
        for presence, expected in (("away", "away"), ("auto", "active")):
            response = await http.post(
                "/api/users.setPresence",
                headers={"Authorization": f"Bearer {bob.token}"},
                data={"presence": presence},
            )
            assert response.json()["ok"]
            change = await watcher.frame_of("presence_change")
            assert change == {"type": "presence_change", "user": bob.user_id, "presence": expected}
    await bobs.close()
    await watcher.close()


async def test_chat_messages_follow_real_membership(server: LiveServer, factory: Factory) -> None:
    team = await factory.workspace()
    alice, bob, carol = team.owner, await factory.user(team), await factory.user(team)
    a, b, c = [await open_rtm(server, m.token) for m in (alice, bob, carol)]
    created = await call(server, "conversations.create", alice.token, name="ops", is_private=True)
    channel = created["channel"]["id"]
    await call(server, "conversations.invite", alice.token, channel=channel, users=bob.user_id)
    posted = await call(server, "chat.postMessage", alice.token, channel=channel, text="deploy")

    async def next_message(client: Rtm) -> dict[str, Any]:
        while True:
            event = await client.event()
            if event["type"] == "message" and "subtype" not in event:
                return event

    for client in (a, b):
        event = await next_message(client)
        assert (event["text"], event["ts"], event["channel"]) == ("deploy", posted["ts"], channel)
    await call(server, "conversations.leave", bob.token, channel=channel)
    await call(server, "chat.postMessage", alice.token, channel=channel, text="after bob")
    assert (await next_message(a))["text"] == "after bob"
    await call(server, "users.profile.set", alice.token, profile={"title": "marker"})
    for client in (b, c):  # the workspace-wide marker comes next: nothing private before it
        assert (await client.event())["type"] in {"user_change", "channel_left", "group_left"}
        leaked = [e for e in await client.quiet() if e["type"] == "message"]
        assert leaked == []
    for client in (a, b, c):
        await client.close()


async def test_presence_sub_limits_presence_changes(server: LiveServer, factory: Factory) -> None:
    team = await factory.workspace()
    bob, carol = await factory.user(team), await factory.user(team)
    watcher = await open_rtm(server, team.owner.token)
    await watcher.send({"type": "presence_sub", "ids": [carol.user_id]})
    await watcher.send({"id": 1, "type": "ping"})
    await watcher.frame_of("pong")  # the subscription is in place
    bobs = await open_rtm(server, bob.token)
    carols = await open_rtm(server, carol.token)
    change = await watcher.frame_of("presence_change")
    assert change == {"type": "presence_change", "user": carol.user_id, "presence": "active"}
    for client in (watcher, bobs, carols):
        await client.close()
