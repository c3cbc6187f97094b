"""Sockets follow their credential (revoke, sign-out, deactivation) and bots their scopes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from parley.platform.events.emit import conversation_audience, workspace_audience
from parley.platform.events.fanout import CLOSE_AUTH_REVOKED, bot_may_receive
from parley.platform.services import Services
from tests.conftest import LiveServer
from tests.factories import Factory
from tests.platform.events.helpers import (
    Rtm,
    emit_events,
    make_channel,
    message,
    on_server,
    open_rtm,
    rtm_url,
)


@pytest.fixture
def server(live_server: LiveServer) -> LiveServer:
    live_server.services.rate_limiter.enabled = False
    return live_server


async def call(server: LiveServer, method: str, token: str, **args: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(
            f"/api/{method}", headers={"Authorization": f"Bearer {token}"}, json=args
        )
    body: dict[str, Any] = response.json()
    return body


async def closed_with(client: Rtm) -> tuple[list[dict[str, Any]], int, str]:
    """Frames until the server closes the socket, and the close code and reason."""
    frames: list[dict[str, Any]] = []
    while True:
        try:
            frames.append(await client.frame(wait=10))
        except ConnectionClosed as closed:
            close = closed.rcvd
            break
    assert close is not None, "closed without a close frame"
    return frames, close.code, close.reason


async def test_auth_revoke_closes_that_tokens_sockets_only(
    server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    second_token = (await factory.user(team)).token  # another user, kept
    doomed = await open_rtm(server, alice.token)
    kept = await open_rtm(server, second_token)
    reconnect = (await doomed.frame_of("reconnect_url"))["url"]
    assert (await call(server, "auth.revoke", alice.token))["revoked"] is True
    frames, code, reason = await closed_with(doomed)
    assert code == CLOSE_AUTH_REVOKED and reason == "token_revoked"
    assert {"type": "error", "error": {"code": CLOSE_AUTH_REVOKED, "msg": "token_revoked"}} in [
        {k: v for k, v in f.items() if k != "seq"} for f in frames
    ]
    # The other socket stays open and keeps receiving; nothing about the revocation leaks.
    await emit_events(server, team.team_id, [({"type": "x_after"}, workspace_audience())])
    assert (await kept.event())["type"] == "x_after"
    # The reconnect URL issued before the revocation no longer opens a live socket.
    ws = await connect(reconnect)
    _, code, reason = await closed_with(Rtm(ws, {}))
    assert (code, reason) == (CLOSE_AUTH_REVOKED, "token_revoked")
    await kept.close()


async def test_a_revocation_on_another_connection_is_not_replayed_on_resume(
    server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    alice, bob = await factory.user(team), await factory.user(team)
    watcher = await open_rtm(server, bob.token)
    since = watcher.hello["seq"]
    await call(server, "auth.revoke", alice.token)
    await emit_events(server, team.team_id, [({"type": "x_marker"}, workspace_audience())])
    assert (await watcher.event())["type"] == "x_marker"  # the control event was not sent
    resumed = await open_rtm(server, bob.token, since=since)
    assert [e["type"] for e in await resumed.quiet()] == ["x_marker"]
    await watcher.close()
    await resumed.close()


async def test_deactivation_closes_every_socket_of_the_user(
    server: LiveServer, factory: Factory
) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    phone, laptop = await open_rtm(server, alice.token), await open_rtm(server, alice.token)
    body = await call(server, "admin.users.setActive", team.owner.token, user_id=alice.user_id)
    assert body["ok"] is False  # `active` is required: nothing happened
    body = await call(
        server, "admin.users.setActive", team.owner.token, user_id=alice.user_id, active=False
    )
    assert body["ok"] is True, body
    for client in (phone, laptop):
        _, code, reason = await closed_with(client)
        assert (code, reason) == (CLOSE_AUTH_REVOKED, "account_inactive")


async def test_ending_a_browser_session_closes_its_sockets(
    server: LiveServer, factory: Factory
) -> None:
    from parley.features.auth.actions import do_start_session
    from parley.features.users import store as user_store
    from parley.platform.webapi.http import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE

    team = await factory.workspace()

    async def start(services: Services) -> tuple[str, str]:
        async with services.db.write() as uow:
            user = await user_store.get_user(uow.session, team.team_id, team.owner.user_id)
            assert user is not None
            started = await do_start_session(uow, user)
        return started.secret, started.csrf_token

    secret, csrf = await on_server(server, start)
    cookies = {SESSION_COOKIE: secret, CSRF_COOKIE: csrf}
    async with httpx.AsyncClient(base_url=server.url, cookies=cookies) as http:
        headers = {CSRF_HEADER: csrf}
        body = (await http.post("/api/rtm.connect", headers=headers)).json()
        assert body["ok"], body
        ws = await connect(body["url"])
        client = Rtm(ws, await client_hello(ws))
        signed_out = (await http.post("/api/auth.signout", headers=headers)).json()
        assert signed_out["ok"], signed_out
    _, code, reason = await closed_with(client)
    assert (code, reason) == (CLOSE_AUTH_REVOKED, "session_ended")


async def client_hello(ws: Any) -> dict[str, Any]:
    import orjson

    hello: dict[str, Any] = orjson.loads(await ws.recv())
    assert hello["type"] == "hello"
    return hello


def test_bot_scope_rules() -> None:
    from parley.platform.auth.principal import Principal

    def bot(*scopes: str) -> Principal:
        return Principal("T1", "UBOT", "bot", frozenset(scopes), "member", is_bot=True)

    channel_message = {"type": "message", "channel_type": "channel"}
    assert not bot("chat:write").scopes & {"channels:history"}
    assert bot_may_receive(bot("channels:history"), channel_message)
    assert not bot_may_receive(bot("chat:write"), channel_message)
    assert not bot_may_receive(bot("channels:history"), {"type": "message", "channel_type": "im"})
    assert not bot_may_receive(bot("channels:history"), {"type": "message"})  # unknown type
    assert bot_may_receive(bot("reactions:read"), {"type": "reaction_added"})
    assert not bot_may_receive(bot("chat:write"), {"type": "reaction_added"})
    assert bot_may_receive(bot(), {"type": "x_unlisted"})


async def test_bots_receive_events_by_scope(server: LiveServer, factory: Factory) -> None:
    team = await factory.workspace()
    reader = await factory.bot(team, scopes=("channels:history", "chat:write"), name="reader")
    writer = await factory.bot(team, scopes=("chat:write",), name="writer")
    person = await factory.user(team)
    channel = await make_channel(
        server, team.team_id, [team.owner.user_id, reader.user_id, writer.user_id, person.user_id]
    )
    clients = {
        "reader": await open_rtm(server, reader.token),
        "writer": await open_rtm(server, writer.token),
        "person": await open_rtm(server, person.token),
    }
    said = {**message(channel, "hello bots"), "channel_type": "channel"}
    reacted = {
        "type": "reaction_added",
        "user": person.user_id,
        "reaction": "eyes",
        "item": {"type": "message", "channel": channel, "ts": said["ts"]},
    }
    await emit_events(
        server,
        team.team_id,
        [
            (said, conversation_audience(channel)),
            (reacted, conversation_audience(channel)),
            ({"type": "x_marker"}, workspace_audience()),
        ],
    )
    person_events = [(await clients["person"].event())["type"] for _ in range(3)]
    assert person_events == ["message", "reaction_added", "x_marker"]
    assert [e["type"] for e in await clients["reader"].quiet()] == ["message", "x_marker"]
    assert [e["type"] for e in await clients["writer"].quiet()] == ["x_marker"]
    # The resume backlog applies the same rule.
    since = clients["writer"].hello["seq"]
    resumed = await open_rtm(server, writer.token, since=since)
    assert [e["type"] for e in await resumed.quiet()] == ["x_marker"]
    for client in [*clients.values(), resumed]:
        await client.close()


async def test_revoked_ticket_url_is_refused(server: LiveServer, factory: Factory) -> None:
    team = await factory.workspace()
    alice = await factory.user(team)
    url = await rtm_url(server, alice.token)  # issued, not yet used
    await call(server, "auth.revoke", alice.token)
    async with connect(url) as ws:
        first = str(await ws.recv())
        assert '"error"' in first and "token_revoked" in first
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == CLOSE_AUTH_REVOKED
