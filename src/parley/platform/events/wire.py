"""Pre-built WebSocket frames written straight to the socket: the fan-out's fast path.

An event for a channel of 10,000 members is the same bytes on 10,000 sockets. Through
ASGI, each of them would wake a writer task, build a message dict, and have the server's
WebSocket state machine frame the same payload again (~50 µs a socket, measured in
docs/benchmarks.md). Instead the frame is built once (`text_frame`) and, when a socket has
nothing else waiting, written to its transport directly (`DirectFrames.write_now`).

This needs the transport, which ASGI does not expose: `FanOutWebSocketProtocol` is
uvicorn's sans-I/O WebSocket protocol plus one scope extension carrying a `DirectFrames`.
Under any other server the extension is absent and every frame takes the ASGI path.
"""

from __future__ import annotations

import struct
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

DIRECT_FRAMES = "parley.direct_frames"

_FIN_TEXT = 0x81  # FIN bit + opcode 1 (text); RFC 6455 §5.2


def text_frame(text: str) -> bytes:
    """The frame a server sends for `text`: final, unmasked, uncompressed (RFC 6455 §5.2).

    Per-message deflate is off on Parley's sockets (see `parley serve`), so these bytes
    are what every client expects.
    """
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes((_FIN_TEXT, size))
    elif size < 1 << 16:
        header = struct.pack("!BBH", _FIN_TEXT, 126, size)
    else:
        header = struct.pack("!BBQ", _FIN_TEXT, 127, size)
    return header + payload


class DirectFrames:
    """Writes whole frames to one socket's transport, when that is safe to do now."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self._protocol = protocol

    def write_now(self, wire: bytes) -> bool:
        """Write `wire` and return True; False (nothing written) when the socket is closing
        or its peer is not keeping up, so the caller queues the frame for the ASGI path.

        Safe next to uvicorn's own writes (pongs, keepalive pings, close): each of them is
        whole frames in one `transport.write` on the same event loop.
        """
        protocol = self._protocol
        if (
            protocol.close_sent
            or protocol.disconnected
            or not protocol.writable.is_set()  # paused: above the transport's high-water mark
            or protocol.conn.state is not State.OPEN
            or protocol.transport.is_closing()
        ):
            return False
        protocol.transport.write(wire)
        return True


class FanOutWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol, plus `DirectFrames` in the ASGI scope."""

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:  # the app task is created but has not run yet
            scope["extensions"][DIRECT_FRAMES] = DirectFrames(self)

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            # uvicorn keeps the handshake's request and response for the socket's whole
            # life, unused once the 101 is written: ~18 tracked objects (their headers are
            # a list per name), a fifth of what a socket holds (docs/benchmarks.md).
            self.request = self.response = None  # type: ignore[assignment]
