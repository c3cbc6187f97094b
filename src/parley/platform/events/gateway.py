"""`/rtm`: the WebSocket that speaks Slack's RTM envelope (also the web client's socket).

Handshake: redeem the single-use ticket from `rtm.connect`, attach to this node's workspace
stream (live events are held), read what the client missed since `?since=<seq>` from the
event log, send `hello`, the visible missed events in order, then the held live events not
already sent, then live events. A raw ASGI app: the hot path is one `websocket.send` of a
pre-encoded string per socket, with no framework layer in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.types import Receive, Scope, Send

from parley.platform.events import (
    rtm_schemas,  # noqa: F401  (documents the frames this gateway sends: hello, pong, …)
    store,
)
from parley.platform.events.fanout import CLOSE_AUTH_REVOKED, Connection, EventFrames, encode
from parley.platform.events.frames import FRAME_HANDLERS, Frame, FrameSession
from parley.platform.events.realtime import Realtime
from parley.platform.events.wire import DIRECT_FRAMES, DirectFrames
from parley.platform.plugins import PLATFORM
from parley.platform.rendering import RENDER_HTML, RENDER_QUERY, wants_rendering
from parley.platform.services import Services
from parley.platform.settings import Settings

log = logging.getLogger("parley.platform.events")

CLOSE_INVALID_AUTH = 4001
MAX_PRESENCE_SUB = 5000  # ids one presence_sub may list
RTM_PATH = "/rtm"


def websocket_base(settings: Settings, scheme: str, host: str | None) -> str:
    """`ws(s)://host[:port]` clients reach this server at: the public URL, else the request's."""
    base = settings.base_url if settings.public_url or not host else f"{scheme}://{host}"
    if base.startswith("https://"):
        return "wss://" + base[len("https://") :]
    if base.startswith("http://"):
        return "ws://" + base[len("http://") :]
    return base


async def rtm_url(realtime: Realtime, principal: Any, base: str, ttl: float) -> str:
    ticket = await realtime.tickets.issue(principal, ttl)
    return f"{base}{RTM_PATH}?ticket={ticket}"


class AsgiFrames:
    """The connection's transport: ASGI `websocket.send` and `websocket.close`, and the
    server's socket itself for pre-built frames when the server offers it (events/wire.py)."""

    __slots__ = ("closed", "direct", "handler", "send", "timeout")

    def __init__(
        self,
        send: Send,
        handler: asyncio.Task[Any],
        timeout: float,
        direct: DirectFrames | None = None,
    ) -> None:
        self.send = send
        self.handler = handler
        self.timeout = timeout
        self.direct = direct
        self.closed = False

    async def send_text(self, frame: str) -> None:
        await self.send({"type": "websocket.send", "text": frame})

    def write_now(self, wire: bytes) -> bool:
        return self.direct is not None and not self.closed and self.direct.write_now(wire)

    async def close(self, code: int, reason: str) -> None:
        try:
            await asyncio.wait_for(
                self.send({"type": "websocket.close", "code": code, "reason": reason}),
                self.timeout,
            )
            self.closed = True
        except (TimeoutError, OSError, RuntimeError):
            # The peer stopped reading: stop waiting for it and end the session.
            self.closed = True
            self.handler.cancel()


def _query(scope: Scope) -> dict[str, str]:
    raw = scope.get("query_string", b"")
    return dict(parse_qsl(raw.decode("latin-1"))) if raw else {}


def _host(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"host":
            return str(value.decode("latin-1"))
    return None


def _parse_since(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    return int(raw) if raw.isdigit() else -1  # garbage: treated as too old (resync)


class RtmGateway:
    """The ASGI app mounted at `/rtm`."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            return
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        realtime = self.services.realtime
        query = _query(scope)
        ticket = query.get("ticket", "")
        principal = await realtime.tickets.redeem(ticket) if ticket else None
        await send({"type": "websocket.accept"})
        if principal is None:
            error = {"type": "error", "error": {"code": 1, "msg": "invalid_auth"}}
            await send({"type": "websocket.send", "text": encode(error)})
            await send(
                {"type": "websocket.close", "code": CLOSE_INVALID_AUTH, "reason": "invalid_auth"}
            )
            return
        task = asyncio.current_task()
        assert task is not None
        realtime.connections.add(task)
        try:
            direct = scope.get("extensions", {}).get(DIRECT_FRAMES)
            frames = AsgiFrames(send, task, realtime.config.close_timeout, direct)
            connection = Connection(principal, frames, realtime.config.max_queue)
            connection.render = wants_rendering(principal, query.get(RENDER_QUERY))
            session = RtmSession(self.services, connection, scope, receive)
            # The socket's reads (catch-up, frames) go to its workspace's shard.
            async with self.services.db.workspace(principal.workspace_id):
                await session.run(_parse_since(query.get("since")))
        finally:
            realtime.connections.discard(task)


class RtmSession:
    """One client's life on the socket."""

    __slots__ = (
        "arrived",
        "connection",
        "hub",
        "manual_presence",
        "realtime",
        "receive",
        "scope",
        "services",
    )

    def __init__(
        self, services: Services, connection: Connection, scope: Scope, receive: Receive
    ) -> None:
        self.services = services
        self.realtime = services.realtime
        self.hub = services.realtime.hub
        self.connection = connection
        self.scope = scope
        self.receive = receive
        self.manual_presence = "auto"
        self.arrived = False

    async def run(self, since: int | None) -> None:
        connection = self.connection
        writer = asyncio.create_task(connection.run_writer())
        attached = False
        try:
            await self.hub.attach(connection)
            attached = True
            if await self._catch_up(since):
                await self._arrived()
                await self._read_loop(writer)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        asyncio.shield(writer), self.realtime.config.close_timeout
                    )
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if connection.close_code is None or task is None:
                raise
            task.uncancel()  # we cancelled ourselves: the peer would not take the close frame
        finally:
            if attached:
                self.hub.detach(connection)
                if self.arrived:
                    await self._left()
            connection.close(1000, "")
            if not writer.done():
                writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer

    async def _catch_up(self, since: int | None) -> bool:
        """`hello`, then the missed events this user may see, then go live (no gap, no dup).

        False (and the socket closing) when the credential was revoked or the user
        deactivated after the ticket was issued; a revocation committed after this read
        reaches the attached socket as an event instead.
        """
        connection = self.connection
        principal = connection.principal
        config = self.realtime.config
        resync = False
        backlog: list[store.Row] = []
        async with self.services.db.read() as session:
            latest = await store.latest_seq(session, principal.workspace_id) or 0
            credentials = PLATFORM.credentials
            self.manual_presence = await credentials.manual_presence(session, principal)
            refused = await credentials.refusal(session, principal)
            if refused is not None:
                error = {"type": "error", "error": {"code": CLOSE_AUTH_REVOKED, "msg": refused}}
                connection.send_direct(encode(error))
                connection.close(CLOSE_AUTH_REVOKED, refused, drain=True)
                return False
            if since is not None and since != latest:
                if since < 0 or since > latest or latest - since > config.max_resume:
                    resync = True
                else:
                    backlog = await store.events_between(
                        session, principal.workspace_id, since, latest
                    )
                    resync = len(backlog) != latest - since  # part of it was pruned
        hello: dict[str, Any] = {"type": "hello", "seq": latest}
        if resync:
            hello["resync"] = True
            backlog = []
        # Once hello is written, the client is at `latest` (or at `since`, with the backlog next).
        connection.send_direct(encode(hello), since if backlog else latest)
        for row in backlog:
            if await self.hub.visible(connection, row):
                seq = int(row["seq"])
                connection.send_direct(EventFrames(row["payload"], seq).text_for(connection), seq)
        base = websocket_base(self.services.settings, "ws", _host(self.scope))
        url = await rtm_url(self.realtime, principal, base, config.reconnect_ticket_ttl)
        if connection.render:
            url += f"&{RENDER_QUERY}={RENDER_HTML}"
        connection.send_direct(encode({"type": "reconnect_url", "url": url}))
        connection.finish_catch_up(latest)
        return True

    async def _read_loop(self, writer: asyncio.Task[None]) -> None:
        while not writer.done():
            message = await self.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None and message.get("bytes") is not None:
                text = message["bytes"].decode("utf-8", "replace")
            if text:
                await self._on_client_frame(text)

    async def _on_client_frame(self, text: str) -> None:
        try:
            frame = orjson.loads(text)
        except orjson.JSONDecodeError:
            frame = None
        if not isinstance(frame, dict):
            self._reply_error(None, 1, "invalid json")
            return
        handler = FRAME_HANDLERS.get(frame.get("type"))
        if handler is None:
            unsupported = str(frame.get("type"))[:40]
            self._reply_error(frame.get("id"), 3, f"unsupported type: {unsupported}")
            return
        await handler(self, frame)

    def reply(self, body: dict[str, Any]) -> None:
        self.connection.deliver_ephemeral(encode(body))

    def reply_error(self, reply_to: Any, code: int, msg: str) -> None:
        self._reply_error(reply_to, code, msg)

    def _reply_error(self, reply_to: Any, code: int, msg: str) -> None:
        body: dict[str, Any] = {"ok": False, "error": {"code": code, "msg": msg}}
        if reply_to is not None:
            body["reply_to"] = reply_to
        else:
            body["type"] = "error"
        self.connection.deliver_ephemeral(encode(body))

    async def _arrived(self) -> None:
        self.arrived = True
        principal = self.connection.principal
        self.services.presence.connected(principal.user_id)
        await self.realtime.report_connections(principal.user_id)
        if principal.is_bot or self.manual_presence == "away":
            return
        # The user's first socket on any node: they just came online.
        if await self.realtime.user_socket_count(principal.user_id) == 1:
            await self.realtime.announce_presence(
                principal.workspace_id, principal.user_id, "active"
            )

    async def _left(self) -> None:
        principal = self.connection.principal
        self.services.presence.disconnected(principal.user_id)
        await self.realtime.report_connections(principal.user_id)
        if principal.is_bot:
            return
        # The user's last socket on any node is gone.
        if await self.realtime.user_socket_count(principal.user_id) == 0:
            await self.realtime.announce_presence(principal.workspace_id, principal.user_id, "away")


# --- the platform's socket frames -----------------------------------------------------------


async def _ping(session: FrameSession, frame: Frame) -> None:
    pong: dict[str, Any] = {"type": "pong", "reply_to": frame.get("id")}
    if "time" in frame:
        pong["time"] = frame["time"]
    session.reply(pong)


async def _presence_sub(session: FrameSession, frame: Frame) -> None:
    """Slack's presence subscription: from now on, presence changes of these users only."""
    ids = frame.get("ids")
    if isinstance(ids, list):
        wanted = [i for i in ids[:MAX_PRESENCE_SUB] if isinstance(i, str)]
        session.hub.subscribe_presence(session.connection, frozenset(wanted))


async def _presence_query(_session: FrameSession, _frame: Frame) -> None:
    """Accepted and ignored: presence is pushed; users.getPresence answers queries."""


FRAME_HANDLERS.register("ping", _ping)
FRAME_HANDLERS.register("presence_sub", _presence_sub)
FRAME_HANDLERS.register("presence_query", _presence_query)
