"""This node's connections, and one ordered, gap-free event stream per workspace.

Sequence numbers are taken under the workspace row lock, so they are dense and commit in
order: when this node receives event n+2 but has not seen n+1, event n+1 is already
committed and can be read back. Each workspace stream therefore delivers strictly in
order, fills a gap from the event log after a short wait (the bus may just have reordered
two publishes), and drops what it has already delivered (relay re-publishes, two nodes'
sweeps). Each event is encoded once and the same string is queued on every recipient.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from parley.platform.auth.principal import Principal
from parley.platform.db import Database
from parley.platform.events import store
from parley.platform.events.audience import AudienceResolver, MembershipCache
from parley.platform.events.store import Row
from parley.platform.events.types import EVENT_TYPES
from parley.platform.events.wire import text_frame
from parley.platform.rendering import CLIENT_FIELDS

log = logging.getLogger("parley.platform.events")

CLOSE_TOO_SLOW = 4008
CLOSE_GOING_AWAY = 1001
# The credential the socket was opened with is no longer valid (token revoked, browser
# session ended, user deactivated): the client must not reconnect with it.
CLOSE_AUTH_REVOKED = 4003

FAN_OUT_SLICE = 1000  # sockets written between two yields to the event loop


def bot_scope_for(payload: dict[str, Any]) -> str | None:
    """The scope a bot needs for this event; "" when it may never see it, None when free.
    Declared with the event's type (events/types.py)."""
    return EVENT_TYPES.bot_scope_for(payload)


def bot_may_receive(principal: Principal, payload: dict[str, Any]) -> bool:
    needed = bot_scope_for(payload)
    return needed is None or (needed != "" and needed in principal.scopes)


@dataclass
class RealtimeConfig:
    """Delivery limits; tests shrink them."""

    max_queue: int = 4096  # frames waiting for one socket before it is closed as too slow
    max_resume: int = 4096  # missed events a resume may replay before the client must resync
    gap_wait: float = 0.02  # seconds to wait for a reordered publish before reading the log
    sweep_interval: float = 1.0  # how often each stream checks the log for anything missed
    relay_grace: float = 2.0  # an unpublished row older than this is the relay's to publish
    retention_seconds: float = 7 * 24 * 3600  # how long the log keeps events for resume
    ticket_ttl: float = 60.0  # an rtm.connect URL must be used within this
    reconnect_ticket_ttl: float = 600.0  # the `reconnect_url` frame's URL
    typing_interval: float = 3.0  # one typing indicator per connection and channel per this
    close_timeout: float = 5.0  # how long a closing socket may take to accept its close frame


def encode(payload: dict[str, Any], seq: int | None = None) -> str:
    """One JSON text frame; done once per event, shared by every recipient."""
    body = payload if seq is None else {**payload, "seq": seq}
    return orjson.dumps(body).decode()


class EventFrames:
    """One event's frame, with and without the web client's fields (platform/rendering.py):
    each encoded once, when the first recipient that needs it comes."""

    __slots__ = ("_full", "_payload", "_public", "_seq")

    def __init__(self, payload: dict[str, Any], seq: int | None = None) -> None:
        self._payload = payload
        self._seq = seq
        self._full: tuple[str, bytes] | None = None
        self._public: tuple[str, bytes] | None = None

    def for_connection(self, connection: Connection) -> tuple[str, bytes]:
        """The frame (text, and its bytes on the wire) this socket gets."""
        full = self._full
        if full is None:
            text = encode(self._payload, self._seq)
            full = self._full = (text, text_frame(text))
            if not CLIENT_FIELDS.mentioned_in(text):
                self._public = full
        if connection.render:
            return full
        public = self._public
        if public is None:
            text = encode(CLIENT_FIELDS.strip(self._payload), self._seq)
            public = self._public = (text, text_frame(text))
        return public

    def text_for(self, connection: Connection) -> str:
        return self.for_connection(connection)[0]


class FrameTransport(Protocol):
    async def send_text(self, frame: str) -> None: ...

    def write_now(self, wire: bytes) -> bool:
        """Write a pre-built frame to the socket now if it can take it (see events/wire.py)."""
        ...

    async def close(self, code: int, reason: str) -> None: ...


class Connection:
    """One client socket: a bounded send queue drained by its own writer task."""

    __slots__ = (
        "_buffer",
        "_queue",
        "_transport",
        "_waiter",
        "catching_up",
        "close_code",
        "close_reason",
        "frame_state",
        "last_seq",
        "max_queue",
        "presence_ids",
        "principal",
        "render",
        "scoped",
        "sent_seq",
        "typing_sent",
    )

    def __init__(self, principal: Principal, transport: FrameTransport, max_queue: int) -> None:
        self.principal = principal
        self._transport = transport
        self.max_queue = max_queue
        self._queue: deque[tuple[int | None, str]] = deque()
        self._waiter: asyncio.Future[None] | None = None
        # Until the resume backlog is sent, live frames wait here (then de-duplicated by seq).
        self.catching_up = True
        self._buffer: list[tuple[int | None, str]] = []
        self.last_seq = 0  # newest seq queued for this socket
        self.sent_seq = 0  # newest seq written to it: where the client resumes after a close
        self.close_code: int | None = None
        self.close_reason = ""
        self.typing_sent: dict[str, float] = {}
        # What a feature's frame handlers keep for this socket, by the feature's own key
        # (the rtm feature's send rate buckets); gone with the socket.
        self.frame_state: dict[str, Any] = {}
        # After a `presence_sub`, only these users' presence changes (None: everyone's).
        self.presence_ids: frozenset[str] | None = None
        # A bot's socket: each event is checked against its scopes (people's are not).
        self.scoped = principal.is_bot or principal.token_kind == "bot"
        # Parley's web client asked for its server-rendered fields (platform/rendering.py).
        self.render = False

    @property
    def workspace_id(self) -> str:
        return self.principal.workspace_id

    @property
    def user_id(self) -> str:
        return self.principal.user_id

    def deliver(self, seq: int, frame: str, wire: bytes | None = None) -> None:
        """A persisted event; ignored if this socket already has it.

        With `wire` (the frame's bytes, built once for every recipient) and nothing queued
        ahead of it, the frame is written to the socket at once instead of waking the
        writer task: order is kept because only an idle socket takes this path.
        """
        if self.catching_up:
            self._hold(seq, frame)
        elif seq > self.last_seq:
            self.last_seq = seq
            if wire is not None and self._writer_idle() and self._transport.write_now(wire):
                self.sent_seq = seq
                return
            self._enqueue(seq, frame)

    def _writer_idle(self) -> bool:
        """Nothing queued, nothing in the writer's hands, not closing."""
        waiter = self._waiter
        return (
            not self._queue and waiter is not None and not waiter.done() and self.close_code is None
        )

    def deliver_ephemeral(self, frame: str) -> None:
        if self.catching_up:
            self._hold(None, frame)
        else:
            self._enqueue(None, frame)

    def send_direct(self, frame: str, seq: int | None = None) -> None:
        """Frames of the handshake and the resume backlog, ahead of held live frames."""
        if seq is not None:
            self.last_seq = max(self.last_seq, seq)
        self._enqueue(seq, frame)

    def finish_catch_up(self, last_seq: int) -> None:
        """Go live: queue the held frames the backlog did not already cover, in order."""
        self.last_seq = max(self.last_seq, last_seq)
        held, self._buffer = self._buffer, []
        self.catching_up = False
        for seq, frame in held:
            if seq is None:
                self._enqueue(None, frame)
            elif seq > self.last_seq:
                self.last_seq = seq
                self._enqueue(seq, frame)

    def _hold(self, seq: int | None, frame: str) -> None:
        if len(self._buffer) >= self.max_queue:
            self.close(CLOSE_TOO_SLOW, "too_slow")
            return
        self._buffer.append((seq, frame))

    def _enqueue(self, seq: int | None, frame: str) -> None:
        if self.close_code is not None:
            return
        if len(self._queue) >= self.max_queue:
            # Fell too far behind: free its backlog now; it resumes from what it was sent.
            self.close(CLOSE_TOO_SLOW, "too_slow")
            return
        self._queue.append((seq, frame))
        self._wake()

    def close(self, code: int, reason: str, *, drain: bool = False) -> None:
        """Ask the writer to close the socket (after the queued frames when `drain`)."""
        if self.close_code is not None:
            return
        self.close_code = code
        self.close_reason = reason[:120]
        if not drain:
            self._queue.clear()
            self._buffer.clear()
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    @property
    def queued(self) -> int:
        return len(self._queue)

    async def run_writer(self) -> None:
        """Write queued frames until asked to close; then send the close frame."""
        loop = asyncio.get_running_loop()
        while True:
            while self._queue:
                seq, frame = self._queue.popleft()
                await self._transport.send_text(frame)
                if seq is not None:
                    self.sent_seq = seq
            if self.close_code is not None:
                break
            self._waiter = loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        reason = self.close_reason
        if self.close_code == CLOSE_TOO_SLOW:
            # Told only now: a frame being written when the queue overflowed did go out.
            reason = f"too_slow: resume with since={self.sent_seq}"
        await self._transport.close(self.close_code, reason)


class WorkspaceStream:
    """The ordered event stream of one workspace on this node, and its local connections."""

    __slots__ = (
        "delivered",
        "drain_scheduled",
        "filling",
        "lock",
        "pending",
        "presence_everyone",
        "presence_watchers",
        "ready",
        "users",
        "workspace_id",
    )

    def __init__(self, workspace_id: str) -> None:
        self.workspace_id = workspace_id
        self.delivered: int | None = None  # every event up to here has been fanned out
        self.pending: dict[int, Row] = {}
        self.lock = asyncio.Lock()
        self.users: dict[str, set[Connection]] = {}
        # Who gets whose presence_change: sockets that never sent `presence_sub` get
        # everyone's, the others only their subscribed users'. Indexed, so one user coming
        # online costs their watchers, not a pass over every socket of the workspace
        # (10,000 sockets connecting were 10^8 steps).
        self.presence_everyone: set[Connection] = set()
        self.presence_watchers: dict[str, set[Connection]] = {}
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.filling = False
        self.drain_scheduled = False

    def connections(self) -> Iterable[Connection]:
        for connections in self.users.values():
            yield from connections

    def watch_presence(self, connection: Connection, ids: frozenset[str] | None) -> None:
        """Index `connection` under the users whose presence it follows (None: everyone)."""
        self.unwatch_presence(connection)
        connection.presence_ids = ids
        if ids is None:
            self.presence_everyone.add(connection)
            return
        for user_id in ids:
            self.presence_watchers.setdefault(user_id, set()).add(connection)

    def unwatch_presence(self, connection: Connection) -> None:
        self.presence_everyone.discard(connection)
        for user_id in connection.presence_ids or ():
            watchers = self.presence_watchers.get(user_id)
            if watchers is not None:
                watchers.discard(connection)
                if not watchers:
                    del self.presence_watchers[user_id]

    def presence_audience(self, subject: str) -> Iterable[Connection]:
        yield from self.presence_everyone
        yield from self.presence_watchers.get(subject, ())


class Hub:
    """Routes committed events from the bus to this node's sockets."""

    def __init__(self, db: Database, config: RealtimeConfig) -> None:
        self.db = db
        self.config = config
        self.membership = MembershipCache(db)
        self.audiences = AudienceResolver(self.membership)
        self.streams: dict[str, WorkspaceStream] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # connections -------------------------------------------------------------------------

    @property
    def connection_count(self) -> int:
        return sum(len(c) for s in self.streams.values() for c in s.users.values())

    def user_connection_count(self, workspace_id: str, user_id: str) -> int:
        stream = self.streams.get(workspace_id)
        return len(stream.users.get(user_id, ())) if stream else 0

    async def attach(self, connection: Connection) -> None:
        """Start routing the workspace's events to `connection` (held until it catches up)."""
        workspace_id = connection.workspace_id
        stream = self.streams.get(workspace_id)
        created = stream is None
        if stream is None:
            stream = WorkspaceStream(workspace_id)
            self.streams[workspace_id] = stream
        stream.users.setdefault(connection.user_id, set()).add(connection)
        stream.watch_presence(connection, connection.presence_ids)
        if created:
            await self._start_stream(stream)
        else:
            await asyncio.shield(stream.ready)

    async def _start_stream(self, stream: WorkspaceStream) -> None:
        # Everything up to the committed seq read here is in the log for the connection's own
        # resume query (made after this), so the stream only has to deliver what follows.
        try:
            async with self.db.workspace(stream.workspace_id), self.db.read() as session:
                latest = await store.latest_seq(session, stream.workspace_id)
        except BaseException as error:
            self.streams.pop(stream.workspace_id, None)
            stream.ready.set_exception(error)
            stream.ready.exception()  # retrieved: the attaching caller re-raises it
            raise
        stream.delivered = latest or 0
        stream.ready.set_result(None)
        await self._drain(stream)

    def detach(self, connection: Connection) -> None:
        stream = self.streams.get(connection.workspace_id)
        if stream is None:
            return
        stream.unwatch_presence(connection)
        connections = stream.users.get(connection.user_id)
        if connections is not None:
            connections.discard(connection)
            if not connections:
                del stream.users[connection.user_id]
        if not stream.users and stream.ready.done():
            # No one left to deliver to here: stop following this workspace.
            del self.streams[connection.workspace_id]
            self.membership.forget_workspace(connection.workspace_id)

    def close_all(self, code: int, reason: str, frame: str | None = None) -> None:
        for stream in list(self.streams.values()):
            for connection in list(stream.connections()):
                if frame is not None:
                    connection.deliver_ephemeral(frame)
                connection.close(code, reason, drain=True)

    # events ------------------------------------------------------------------------------

    async def accept(self, rows: Iterable[Row]) -> None:
        """Committed outbox rows (any order, possibly repeated), fanned out before returning."""
        for stream in self._take(rows):
            await self._drain(stream)

    def accept_soon(self, rows: Iterable[Row]) -> None:
        """Like `accept`, with the fan-out in a task of its own: the request that committed
        (a post to a channel of 10,000 people) answers without waiting for every socket."""
        for stream in self._take(rows):
            if not stream.drain_scheduled:
                stream.drain_scheduled = True
                task = asyncio.create_task(self._scheduled_drain(stream))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _scheduled_drain(self, stream: WorkspaceStream) -> None:
        stream.drain_scheduled = False  # rows arriving from now on schedule the next drain
        await self._drain(stream)

    def _take(self, rows: Iterable[Row]) -> list[WorkspaceStream]:
        """File rows under their streams' pending events; the streams that got any."""
        touched: list[WorkspaceStream] = []
        for row in rows:
            stream = self.streams.get(row["workspace_id"])
            if stream is None:
                continue
            seq = int(row["seq"])
            if stream.delivered is None or seq > stream.delivered:
                stream.pending[seq] = row
                if not touched or touched[-1] is not stream:
                    touched.append(stream)
        return touched

    async def accept_ephemeral(
        self,
        workspace_id: str,
        payload: dict[str, Any],
        audience: dict[str, Any],
        exclude_user: str | None = None,
    ) -> None:
        """Typing and presence: delivered now, never stored, no seq."""
        stream = self.streams.get(workspace_id)
        if stream is None:
            return
        frames = EventFrames(payload)
        recipients: list[Connection]
        if payload.get("type") == "presence_change" and audience.get("kind") == "workspace":
            recipients = list(stream.presence_audience(str(payload.get("user"))))
        else:
            user_ids = await self.audiences.users(workspace_id, audience, stream.users)
            recipients = [c for u in list(user_ids) for c in stream.users.get(u, ())]
        for connection in recipients:
            if connection.user_id == exclude_user:
                continue
            if connection.scoped and not bot_may_receive(connection.principal, payload):
                continue
            connection.deliver_ephemeral(frames.text_for(connection))

    def subscribe_presence(self, connection: Connection, ids: frozenset[str]) -> None:
        """Slack's `presence_sub`: from now on, only these users' presence changes."""
        stream = self.streams.get(connection.workspace_id)
        if stream is None:
            connection.presence_ids = ids
        else:
            stream.watch_presence(connection, ids)

    async def visible(self, connection: Connection, row: Row) -> bool:
        """Whether `connection` may see `row` now (the resume backlog's filter)."""
        audience = row["audience"]
        if audience.get("exclude_guests") and connection.principal.is_guest:
            return False
        if connection.scoped and not bot_may_receive(connection.principal, row["payload"]):
            return False
        return await self.audiences.may_see(connection.workspace_id, audience, connection.user_id)

    async def _drain(self, stream: WorkspaceStream) -> None:
        async with stream.lock:
            if stream.delivered is None:
                return
            pending = stream.pending
            for seq in [s for s in pending if s <= stream.delivered]:
                del pending[seq]
            while pending:
                row = pending.pop(stream.delivered + 1, None)
                if row is None:
                    break
                try:
                    await self._fan_out(stream, row)
                except Exception:
                    log.exception("fan-out of event %s/%s failed", stream.workspace_id, row["seq"])
                stream.delivered += 1
            if pending:
                self._schedule_fill(stream)

    async def _fan_out(self, stream: WorkspaceStream, row: Row) -> None:
        payload: dict[str, Any] = row["payload"]
        self.membership.observe(payload)
        audience: dict[str, Any] = row["audience"]
        if audience.get("kind") == "control":
            self._control(stream, payload)  # for the nodes, never for a socket
            return
        user_ids = await self.audiences.users(stream.workspace_id, audience, stream.users)
        skip_guests = bool(audience.get("exclude_guests"))
        seq = int(row["seq"])
        frames = EventFrames(payload, seq)
        since_yield = 0
        for user_id in list(user_ids):  # a copy: sockets come and go while this yields
            connections = stream.users.get(user_id)
            if not connections:
                continue
            for connection in connections:
                if skip_guests and connection.principal.is_guest:
                    continue
                if connection.scoped and not bot_may_receive(connection.principal, payload):
                    continue  # a bot without the scope for this event
                frame, wire = frames.for_connection(connection)
                connection.deliver(seq, frame, wire)
            since_yield += len(connections)
            if since_yield >= FAN_OUT_SLICE:
                # A channel of 10,000 is ~120 ms of socket writes: let requests and other
                # work run between slices instead of stalling them all that time.
                since_yield = 0
                await asyncio.sleep(0)
        closure = EVENT_TYPES.socket_closure(payload)
        if closure is not None:
            # After the event itself (a deactivated user's sockets go now).
            self._close_where(stream, lambda c: c.user_id == closure.user_id, closure.reason)

    def _control(self, stream: WorkspaceStream, payload: dict[str, Any]) -> None:
        """Node instructions from the log: close the sockets of revoked credentials."""
        if payload.get("type") != "credentials_revoked":
            return
        token_ids = set(payload.get("token_ids") or ())
        session_ids = set(payload.get("session_ids") or ())
        self._close_where(
            stream,
            lambda c: (
                (c.principal.token_id is not None and c.principal.token_id in token_ids)
                or (c.principal.session_id is not None and c.principal.session_id in session_ids)
            ),
            str(payload.get("reason") or "token_revoked"),
        )

    def _close_where(
        self, stream: WorkspaceStream, match: Callable[[Connection], bool], reason: str
    ) -> None:
        frame = encode({"type": "error", "error": {"code": CLOSE_AUTH_REVOKED, "msg": reason}})
        for connection in [c for c in stream.connections() if match(c)]:
            connection.deliver_ephemeral(frame)
            if connection.catching_up:
                connection.close(CLOSE_AUTH_REVOKED, reason)
            else:
                connection.close(CLOSE_AUTH_REVOKED, reason, drain=True)

    # gaps --------------------------------------------------------------------------------

    def _schedule_fill(self, stream: WorkspaceStream) -> None:
        if stream.filling:
            return
        stream.filling = True
        task = asyncio.create_task(self._fill(stream))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _fill(self, stream: WorkspaceStream) -> None:
        """Read the events missing before the earliest pending one from the log."""
        try:
            await asyncio.sleep(self.config.gap_wait)
            if self.streams.get(stream.workspace_id) is not stream or not stream.pending:
                return
            assert stream.delivered is not None
            after, upto = stream.delivered, min(stream.pending) - 1
            if upto > after:
                async with self.db.workspace(stream.workspace_id), self.db.read() as session:
                    rows = await store.events_between(session, stream.workspace_id, after, upto)
                found = {int(row["seq"]) for row in rows}
                async with stream.lock:
                    for row in rows:
                        stream.pending.setdefault(int(row["seq"]), row)
                    if after + 1 not in found and stream.delivered == after:
                        # Pruned from the log: nothing can fill it; move on, do not stall.
                        log.warning("events after %s of %s are gone", after, stream.workspace_id)
                        stream.delivered = min(found) - 1 if found else upto
        except Exception:
            log.exception("filling a gap in %s failed", stream.workspace_id)
            await asyncio.sleep(self.config.sweep_interval)
        finally:
            stream.filling = False
        await self._drain(stream)

    async def sweep(self) -> None:
        """Catch up every stream with the log: heals a publish lost on the bus."""
        ready = {
            workspace_id: stream.delivered
            for workspace_id, stream in self.streams.items()
            if stream.delivered is not None and not stream.filling
        }
        if not ready:
            return
        by_shard: dict[str, dict[str, int | None]] = {}
        for workspace_id, delivered in ready.items():
            shard = await self.db.locator.shard_of(workspace_id)
            by_shard.setdefault(shard, {})[workspace_id] = delivered
        rows: list[Row] = []
        for shard, streams in by_shard.items():
            with self.db.on_shard(shard):
                rows += await self._behind(streams)
        await self.accept(rows)

    async def _behind(self, ready: dict[str, int | None]) -> list[Row]:
        """The logged events these streams (workspace -> delivered seq) have not had."""
        async with self.db.read() as session:
            latest = await store.latest_seqs(session, list(ready))
            behind = {w: d for w, d in ready.items() if d is not None and latest.get(w, 0) > d}
            rows: list[Row] = []
            for workspace_id, delivered in behind.items():
                rows += await store.events_between(
                    session, workspace_id, delivered, latest[workspace_id], self.config.max_resume
                )
        return rows

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
