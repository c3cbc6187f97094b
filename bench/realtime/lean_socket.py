"""A lean RTM receiver for the 10,000-socket runs: an asyncio protocol, no library.

The `websockets` client costs ~40 µs of Python per received frame (reader task, frame
parser, message queue, `async for`); with 5,000 sockets per process and every socket
receiving the same message, the client then spends ~200 ms per message and measures
itself instead of the server. This one records the arrival in `data_received` and parses
the server's frames by hand (they are unmasked, unfragmented text frames, RFC 6455 §5.2),
answering pings so the server's keepalive holds. Loopback benches only: it skips the
`Sec-WebSocket-Accept` check a real client must make.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import time
from collections.abc import Callable
from typing import cast
from urllib.parse import urlsplit

import orjson

OP_TEXT, OP_CLOSE, OP_PING = 0x1, 0x8, 0x9
Arrival = Callable[[str, float], None]  # (message text, perf_counter at arrival)


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (clients must mask, RFC 6455 §5.3); payloads here are small."""
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes((0x80 | opcode, 0x80 | len(payload))) + mask + masked


class LeanRtm(asyncio.Protocol):
    """One socket: handshake, then `on_message(text, arrived)` per `message` frame."""

    def __init__(self, request: bytes, on_message: Arrival) -> None:
        self.request = request
        self.on_message = on_message
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.upgraded = False
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.close_code: int | None = None
        self.lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        self.buffer += data
        if not self.upgraded:
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if not sep:
                return
            if not head.startswith(b"HTTP/1.1 101"):
                self.opened.set_exception(ConnectionError(head[:80].decode("latin-1")))
                return
            self.upgraded, self.buffer = True, rest
        self._frames(now)

    def _frames(self, now: float) -> None:
        buffer = self.buffer
        while len(buffer) >= 2:
            opcode, size, start = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
            if size == 126:
                if len(buffer) < 4:
                    break
                size, start = struct.unpack_from("!H", buffer, 2)[0], 4
            elif size == 127:
                if len(buffer) < 10:
                    break
                size, start = struct.unpack_from("!Q", buffer, 2)[0], 10
            if len(buffer) < start + size:
                break
            payload, buffer = buffer[start : start + size], buffer[start + size :]
            self._frame(opcode, payload, now)
        self.buffer = buffer

    def _frame(self, opcode: int, payload: bytes, now: float) -> None:
        assert self.transport is not None
        if opcode == OP_TEXT:
            event = orjson.loads(payload)
            kind = event.get("type")
            if kind == "message" and "subtype" not in event:
                self.on_message(str(event.get("text")), now)
            elif kind == "hello" and not self.opened.done():
                # Like Slack clients: presence of the people on screen (none here) only.
                self.transport.write(client_frame(OP_TEXT, b'{"type":"presence_sub","ids":[]}'))
                self.opened.set_result(None)
        elif opcode == OP_PING:
            self.transport.write(client_frame(0xA, payload))
        elif opcode == OP_CLOSE:
            self.close_code = struct.unpack_from("!H", payload)[0] if len(payload) >= 2 else 1005
            self.transport.write(client_frame(OP_CLOSE, payload[:2]))
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed before hello"))
        if not self.lost.done():
            self.lost.set_result(None)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(client_frame(OP_CLOSE, struct.pack("!H", 1000)))
            self.transport.close()


async def open_lean(url: str, on_message: Arrival) -> LeanRtm:
    """Connect to an `rtm.connect` URL and wait for `hello`."""
    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(
        lambda: LeanRtm(request, on_message), parts.hostname or "127.0.0.1", parts.port or 80
    )
    await asyncio.wait_for(protocol.opened, 60)
    return protocol
