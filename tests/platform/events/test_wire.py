"""Pre-built frames written straight to sockets (events/wire.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

from parley.platform.events import wire
from parley.platform.events.emit import workspace_audience
from parley.platform.events.wire import DirectFrames, text_frame
from tests.conftest import LiveServer
from tests.factories import Factory
from tests.platform.events.helpers import emit_events, open_rtm, unframe


@pytest.mark.parametrize("size", [1, 125, 126, 65_535, 65_536, 200_000])
def test_text_frame_is_what_a_websocket_client_parses(size: int) -> None:
    text = ("é" + "x" * size)[:size]  # a two-byte character moves the byte length by one
    assert unframe(text_frame(text)).decode() == text


class _Transport:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closing


def _protocol(**state: Any) -> tuple[DirectFrames, _Transport]:
    transport = _Transport()
    writable = SimpleNamespace(is_set=lambda: state.get("writable", True))
    fields = {
        "close_sent": state.get("close_sent", False),
        "disconnected": state.get("disconnected", False),
        "writable": writable,
        "conn": SimpleNamespace(state=state.get("conn_state", State.OPEN)),
        "transport": transport,
    }
    protocol = cast(WebSocketsSansIOProtocol, SimpleNamespace(**fields))
    return DirectFrames(protocol), transport


def test_direct_write_only_on_an_open_socket_that_keeps_up() -> None:
    direct, transport = _protocol()
    assert direct.write_now(b"frame") and transport.written == [b"frame"]
    for refusal in (
        {"close_sent": True},
        {"disconnected": True},
        {"writable": False},  # paused above the high-water mark: the bounded queue takes over
        {"conn_state": State.CLOSING},
    ):
        direct, transport = _protocol(**refusal)
        assert not direct.write_now(b"frame") and transport.written == []
    direct, transport = _protocol()
    transport.closing = True
    assert not direct.write_now(b"frame") and transport.written == []


async def test_live_events_take_the_direct_path_intact_and_in_order(
    live_server: LiveServer, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[bytes] = []
    real_write_now = DirectFrames.write_now

    def counting(self: DirectFrames, data: bytes) -> bool:
        done = real_write_now(self, data)
        if done:
            written.append(data)
        return done

    monkeypatch.setattr(wire.DirectFrames, "write_now", counting)
    team = await factory.workspace()
    client = await open_rtm(live_server, team.owner.token)
    await client.frame_of("reconnect_url")
    texts = ["short", "ü" * 200, "y" * 70_000]  # the three header lengths
    events = [({"type": "x_test", "text": t}, workspace_audience()) for t in texts]
    seqs = await emit_events(live_server, team.team_id, events)
    received = [await client.event() for _ in texts]
    assert [e["seq"] for e in received] == seqs
    assert [e["text"] for e in received] == texts
    assert len(written) == len(texts)  # each went straight to the socket
    await client.close()


async def test_an_open_socket_does_not_keep_its_handshake(
    live_server: LiveServer, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    protocols: list[wire.FanOutWebSocketProtocol] = []
    real_init = DirectFrames.__init__

    def remembering(self: DirectFrames, protocol: Any) -> None:
        real_init(self, protocol)
        protocols.append(protocol)

    monkeypatch.setattr(wire.DirectFrames, "__init__", remembering)
    team = await factory.workspace()
    client = await open_rtm(live_server, team.owner.token)
    await client.frame_of("reconnect_url")
    (protocol,) = protocols
    assert protocol.handshake_complete
    assert protocol.request is None and protocol.response is None  # ~18 objects a socket
    seqs = await emit_events(
        live_server, team.team_id, [({"type": "x_test"}, workspace_audience())]
    )
    assert (await client.event())["seq"] == seqs[0]  # and the socket works as before
    await client.close()
