"""Socket Mode: apps hold WebSockets to Parley and receive envelopes over them.

`apps.connections.open` issues a single-use ticket; the socket at `SOCKET_PATH` redeems it,
sends `hello`, then carries `events_api` / `slash_commands` / `interactive` envelopes, each
as one unfragmented text frame (slack_sdk's builtin client cannot reassemble fragments).
Apps answer `{"envelope_id": …, "payload"?: …}`. An app may hold several overlapping
connections (clients reconnect before closing the old one); each envelope goes to one.
On shutdown every socket gets `{"type": "disconnect"}` so clients reconnect elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import socket as _socket
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect

from parley.platform.services import Services

log = logging.getLogger("parley.features.apps.socket")

SOCKET_PATH = "/apps/socket"
TICKET_TTL = 30.0
CLOSE_BAD_TICKET = 4001


class SocketUnavailable(Exception):
    """No Socket Mode connection for the app on this node, or it went away mid-request."""


@dataclass(eq=False)
class AppSocket:
    app_id: str
    websocket: WebSocket
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending: dict[str, asyncio.Future[dict[str, Any] | None]] = field(default_factory=dict)
    closed: bool = False

    async def send(self, message: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.websocket.send_text(orjson.dumps(message).decode())

    def fail_pending(self) -> None:
        for future in self.pending.values():
            if not future.done():
                future.set_exception(SocketUnavailable("connection closed"))
        self.pending.clear()


class SocketHub:
    """This node's Socket Mode connections, by app."""

    def __init__(self) -> None:
        self.sockets: dict[str, list[AppSocket]] = {}
        self._turn = itertools.count()

    def has(self, app_id: str) -> bool:
        return any(not s.closed for s in self.sockets.get(app_id, ()))

    def count(self, app_id: str) -> int:
        return sum(1 for s in self.sockets.get(app_id, ()) if not s.closed)

    def add(self, conn: AppSocket) -> None:
        self.sockets.setdefault(conn.app_id, []).append(conn)

    def remove(self, conn: AppSocket) -> None:
        conn.closed = True
        conn.fail_pending()
        peers = self.sockets.get(conn.app_id, [])
        if conn in peers:
            peers.remove(conn)
        if not peers:
            self.sockets.pop(conn.app_id, None)

    def _pick(self, app_id: str) -> AppSocket:
        open_ = [s for s in self.sockets.get(app_id, ()) if not s.closed]
        if not open_:
            raise SocketUnavailable(app_id)
        # The newest connections are last; rotate so overlapping sockets share the load.
        return open_[next(self._turn) % len(open_)]

    async def request(
        self,
        app_id: str,
        kind: str,
        payload: dict[str, Any],
        *,
        wait: float,
        accepts_response_payload: bool,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> dict[str, Any] | None:
        """Send one envelope and wait for its ack; returns the ack's `payload` (or None).
        `TimeoutError` when unacknowledged, `SocketUnavailable` without a connection."""
        conn = self._pick(app_id)
        envelope_id = str(uuid.uuid4())
        message: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            message["retry_attempt"] = retry_attempt
            message["retry_reason"] = retry_reason
        future: asyncio.Future[dict[str, Any] | None] = asyncio.get_running_loop().create_future()
        conn.pending[envelope_id] = future
        try:
            try:
                await conn.send(message)
            except Exception as error:
                raise SocketUnavailable("send failed") from error
            async with asyncio.timeout(wait):
                return await future
        finally:
            conn.pending.pop(envelope_id, None)

    async def disconnect_all(self, reason: str = "refresh_requested") -> None:
        """Ask every client to reconnect (they open a new socket, then close this one)."""
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": _host()}}
        for conn in [s for peers in self.sockets.values() for s in peers]:
            with contextlib.suppress(Exception):
                await conn.send(message)


_HUBS: dict[int, SocketHub] = {}


def socket_hub(services: Services) -> SocketHub:
    """The hub of this running server (one per `Services`)."""
    return _HUBS.setdefault(id(services.realtime), SocketHub())


def _host() -> str:
    return "parley-" + _socket.gethostname()


def _ack(conn: AppSocket, raw: str) -> None:
    try:
        message = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return
    if not isinstance(message, dict) or not isinstance(message.get("envelope_id"), str):
        return
    future = conn.pending.get(message["envelope_id"])
    if future is not None and not future.done():
        payload = message.get("payload")
        future.set_result(payload if isinstance(payload, dict) else None)


async def socket_endpoint(websocket: WebSocket) -> None:
    services: Services = websocket.app.state.services
    ticket = websocket.query_params.get("ticket", "")
    principal = await services.realtime.tickets.redeem(ticket) if ticket else None
    if principal is None or principal.token_kind != "app" or not principal.app_id:
        await websocket.close(code=CLOSE_BAD_TICKET)
        return
    await websocket.accept()
    hub = socket_hub(services)
    conn = AppSocket(principal.app_id, websocket)
    hub.add(conn)
    try:
        await conn.send(
            {
                "type": "hello",
                "num_connections": hub.count(conn.app_id),
                "debug_info": {
                    "host": _host(),
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": conn.app_id},
            }
        )
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            if text is None and message.get("bytes") is not None:
                text = message["bytes"].decode("utf-8", "replace")
            if text:
                _ack(conn, text)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        hub.remove(conn)


async def run_socket_hub(services: Services) -> None:
    """A worker that only waits: on shutdown it tells every Socket Mode client to go."""
    try:
        await asyncio.Event().wait()
    finally:
        with contextlib.suppress(Exception):
            await socket_hub(services).disconnect_all("warning")
