"""Helpers for real-time tests: a raw RTM client, and writes run on the live server's loop."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed
from websockets.frames import Close, Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from parley.platform.clock import unix_now, utc_now
from parley.platform.events.emit import conversation_audience, emit
from parley.platform.ids import new_id
from parley.platform.services import Services
from parley.platform.spaces import Conversation, ConversationMember
from tests.conftest import LiveServer

T = TypeVar("T")
Audience = dict[str, Any]


async def on_server(server: LiveServer, work: Callable[[Services], Awaitable[T]]) -> T:
    """Run `work` on the live server's event loop (its database engine lives there)."""
    loop = server.services.realtime.loop
    assert loop is not None, "the server's real-time service has not started"
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work(server.services), loop))


async def emit_events(
    server: LiveServer, workspace_id: str, events: list[tuple[dict[str, Any], Audience]]
) -> list[int]:
    """Emit events in one transaction on the server, as an action would; returns their seqs."""

    async def work(services: Services) -> list[int]:
        async with services.db.write() as uow:
            rows = [await emit(uow, workspace_id, p, a) for p, a in events]
        return [int(row["seq"]) for row in rows]  # numbered as the transaction commits

    return await on_server(server, work)


async def make_channel(
    server: LiveServer, workspace_id: str, members: list[str], *, kind: str = "channel"
) -> str:
    """A conversation with `members` (conversations.* actions belong to another feature)."""
    conversation_id = new_id("C" if kind == "channel" else "G")

    async def work(services: Services) -> None:
        async with services.db.write() as uow:
            uow.session.add(
                Conversation(
                    id=conversation_id,
                    workspace_id=workspace_id,
                    kind=kind,
                    name=f"room-{conversation_id.lower()}",
                    creator=members[0],
                    created=unix_now(),
                    previous_names=[],
                    properties={},
                )
            )
            await uow.session.flush()
            for user_id in members:
                uow.session.add(member_row(conversation_id, user_id, workspace_id))

    await on_server(server, work)
    return conversation_id


def member_row(conversation_id: str, user_id: str, workspace_id: str) -> ConversationMember:
    return ConversationMember(
        conversation_id=conversation_id,
        user_id=user_id,
        workspace_id=workspace_id,
        joined=utc_now(),
    )


async def set_membership(
    server: LiveServer, workspace_id: str, channel: str, user_id: str, *, member: bool
) -> int:
    """Join or leave, with the membership event in the same transaction; returns its seq."""

    async def work(services: Services) -> int:
        async with services.db.write() as uow:
            if member:
                uow.session.add(member_row(channel, user_id, workspace_id))
            else:
                row = await uow.session.get(ConversationMember, (channel, user_id))
                assert row is not None
                await uow.session.delete(row)
            await uow.session.flush()
            kind = "member_joined_channel" if member else "member_left_channel"
            payload = {"type": kind, "user": user_id, "channel": channel}
            row = await emit(uow, workspace_id, payload, conversation_audience(channel))
        return int(row["seq"])

    return await on_server(server, work)


def message(channel: str, text: str, user: str = "U0TEST") -> dict[str, Any]:
    return {"type": "message", "channel": channel, "user": user, "text": text, "ts": "1.000001"}


class Rtm:
    """A plain WebSocket client reading Parley's RTM frames."""

    def __init__(self, ws: ClientConnection, hello: dict[str, Any]) -> None:
        self.ws = ws
        self.hello = hello

    async def frame(self, wait: float = 5.0) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.ws.recv(), wait)
        value: dict[str, Any] = orjson.loads(raw)
        return value

    async def event(self, wait: float = 5.0) -> dict[str, Any]:
        """The next persisted event (frames with a `seq`), skipping ephemeral ones."""
        while True:
            frame = await self.frame(wait)
            if "seq" in frame:
                return frame

    async def frame_of(self, kind: str, wait: float = 5.0) -> dict[str, Any]:
        while True:
            frame = await self.frame(wait)
            if frame.get("type") == kind:
                return frame

    async def quiet(self, wait: float = 0.3) -> list[dict[str, Any]]:
        """Persisted events that arrive within `wait` seconds of each other (expected: none)."""
        seen = []
        try:
            while True:
                frame = await self.frame(wait)
                if "seq" in frame:
                    seen.append(frame)
        except TimeoutError:
            return seen

    async def seqs_until_closed(self) -> tuple[list[int], ConnectionClosed]:
        """The seqs received until the server closes the socket, and the close."""
        seqs: list[int] = []
        while True:
            try:
                frame = await self.frame(wait=10)
            except ConnectionClosed as closed:
                return seqs, closed
            if "seq" in frame:
                seqs.append(frame["seq"])

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(orjson.dumps(frame).decode())

    async def close(self) -> None:
        await self.ws.close()


async def rtm_url(server: LiveServer, token: str) -> str:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post("/api/rtm.connect", headers={"Authorization": f"Bearer {token}"})
    body = response.json()
    assert body["ok"], body
    url: str = body["url"]
    return url


async def open_rtm(server: LiveServer, token: str, since: int | None = None) -> Rtm:
    url = await rtm_url(server, token)
    if since is not None:
        url += f"&since={since}"
    ws = await connect(url, max_size=None)
    hello: dict[str, Any] = orjson.loads(await asyncio.wait_for(ws.recv(), 5))
    assert hello["type"] == "hello", hello
    return Rtm(ws, hello)


class StalledClient:
    """A WebSocket client that stops reading after the handshake (a slow or stuck device).

    Client libraries keep reading into their own memory whether or not the application
    asks for frames; this one has only the kernel's small receive buffer, so the server
    sees back-pressure. `read_all` then reads everything that was sent, up to the close.
    """

    def __init__(self, url: str) -> None:
        self.protocol = ClientProtocol(parse_uri(url), max_size=None)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        host, port = url.split("//")[1].split("/")[0].split(":")
        self.sock.connect((host, int(port)))
        self.sock.settimeout(10)
        self.protocol.send_request(self.protocol.connect())
        self.sock.sendall(b"".join(self.protocol.data_to_send()))
        self.frames: list[dict[str, Any]] = []
        self.close_code: int | None = None
        self.close_reason = ""
        # Until `reconnect_url`: the socket is live then. Events that arrive while it is
        # still catching up are held against the same queue limit, and the tests that
        # stall it mean to overflow the live queue, not that one.
        while not self._read_some() and not any(
            frame.get("type") == "reconnect_url" for frame in self.frames
        ):
            pass

    def _read_some(self) -> bool:
        """Read and parse one chunk; True at end of stream."""
        data = self.sock.recv(65536)
        if not data:
            self.protocol.receive_eof()
            return True
        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                self.frames.append(orjson.loads(event.data))
            elif isinstance(event, Frame) and event.opcode is Opcode.CLOSE:
                close = Close.parse(event.data)
                self.close_code, self.close_reason = close.code, close.reason
        self.sock.sendall(b"".join(self.protocol.data_to_send()))  # pongs, close echo
        return False

    def read_all(self) -> None:
        try:
            while self.close_code is None and not self._read_some():
                pass
        finally:
            self.sock.close()


def unframe(wire: bytes) -> bytes:
    """The payload of one server frame (`events/wire.py`), read by websockets' own parser."""
    client = ClientProtocol(parse_uri("ws://parley.test/rtm"), state=State.OPEN, max_size=None)
    client.receive_data(wire)
    [frame] = client.events_received()
    assert isinstance(frame, Frame) and frame.opcode is Opcode.TEXT and frame.fin
    return bytes(frame.data)


async def call(server: LiveServer, method: str, token: str, **args: Any) -> dict[str, Any]:
    """A Web API call on the live server; asserts `ok`."""
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(
            f"/api/{method}", headers={"Authorization": f"Bearer {token}"}, json=args
        )
    body: dict[str, Any] = response.json()
    assert body["ok"], body
    return body
