"""The real-time service a node runs: hub (local sockets), bus, tickets, presence announcements."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from redis.asyncio import Redis

from parley.platform.db import Database
from parley.platform.events.bus import LocalBus, RedisBus
from parley.platform.events.emit import workspace_audience
from parley.platform.events.fanout import CLOSE_GOING_AWAY, Hub, RealtimeConfig, encode
from parley.platform.events.tickets import MemoryTickets, RedisTickets, TicketStore
from parley.platform.presence import ACTIVE_WINDOW, PresenceTracker, PresenceView
from parley.platform.settings import Settings

log = logging.getLogger("parley.platform.events")


PRESENCE_PREFIX = "parley:presence:"
NODE_TTL = 30  # seconds a node's reports count for without a heartbeat (a killed node)
HEARTBEAT = 10.0  # heartbeat and activity flush interval


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class ClusterPresence:
    """Connection counts and last activity shared by the nodes through Redis.

    `conns:<user>` is a hash node id -> that node's open sockets of the user; a node's
    figures count only while its `node:<id>` key lives (refreshed every HEARTBEAT, expires
    after NODE_TTL), so a node that died without cleaning up stops counting by itself.
    `seen:<user>` holds the latest API activity any node saw (flushed every HEARTBEAT).
    """

    def __init__(self, redis: Redis, node_id: str, presence: PresenceTracker) -> None:
        self.redis = redis
        self.node_id = node_id
        self.presence = presence

    async def report(self, user_id: str) -> None:
        """Publish this node's socket count of `user_id` (after a connect or disconnect)."""
        key = f"{PRESENCE_PREFIX}conns:{user_id}"
        count = self.presence.connection_count(user_id)
        if count:
            await self.redis.hset(key, self.node_id, str(count))
            await self.redis.expire(key, 24 * 3600)
        else:
            await self.redis.hdel(key, self.node_id)

    async def others(self, user_id: str) -> tuple[int, float]:
        """(sockets on other live nodes, latest activity seen by any node)."""
        raw = await self.redis.hgetall(f"{PRESENCE_PREFIX}conns:{user_id}")
        counts = {_text(node): int(count) for node, count in raw.items()}
        seen = await self.redis.get(f"{PRESENCE_PREFIX}seen:{user_id}")
        nodes = [n for n in counts if n != self.node_id]
        total = 0
        if nodes:
            alive = await self.redis.mget([f"{PRESENCE_PREFIX}node:{n}" for n in nodes])
            total = sum(counts[n] for n, up in zip(nodes, alive, strict=True) if up)
        return total, float(seen) if seen else 0.0

    async def heartbeat(self) -> None:
        await self.redis.set(f"{PRESENCE_PREFIX}node:{self.node_id}", b"1", ex=NODE_TTL)
        touched = self.presence.drain_touched()
        if touched:
            async with self.redis.pipeline(transaction=False) as pipe:
                for user_id, when in touched.items():
                    pipe.set(f"{PRESENCE_PREFIX}seen:{user_id}", f"{when:.3f}", ex=ACTIVE_WINDOW)
                await pipe.execute()

    async def run(self) -> None:
        while True:
            try:
                await self.heartbeat()
            except Exception:
                log.warning("presence heartbeat failed", exc_info=True)
            await asyncio.sleep(HEARTBEAT)

    async def leave(self) -> None:
        await self.redis.delete(f"{PRESENCE_PREFIX}node:{self.node_id}")


class Realtime:
    """Built with the services; `start`/`stop` run in the app's lifespan."""

    def __init__(self, settings: Settings, db: Database, presence: PresenceTracker) -> None:
        self.config = RealtimeConfig()
        self.hub = Hub(db, self.config)
        self.presence = presence
        self.redis: Redis | None = (
            Redis.from_url(settings.redis_url) if settings.redis_url else None
        )
        self.bus: LocalBus = (
            RedisBus(self.hub, db, self.redis) if self.redis else LocalBus(self.hub, db)
        )
        self.tickets: TicketStore = RedisTickets(self.redis) if self.redis else MemoryTickets()
        self.cluster: ClusterPresence | None = None
        if isinstance(self.bus, RedisBus):
            self.cluster = ClusterPresence(self.bus.redis, self.bus.node_id, presence)
        self._cluster_task: asyncio.Task[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.connections: set[asyncio.Task[None]] = set()
        # The presence this node last announced per (workspace, user): only changes go out.
        self._announced: dict[tuple[str, str], str] = {}

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        await self.bus.start()
        if self.cluster is not None:
            self._cluster_task = asyncio.create_task(self.cluster.run())

    async def stop(self) -> None:
        """Say goodbye to every client (they reconnect elsewhere), then stop the bus."""
        self.hub.close_all(CLOSE_GOING_AWAY, "server shutting down", encode({"type": "goodbye"}))
        if self.connections:
            await asyncio.wait(list(self.connections), timeout=self.config.close_timeout)
        await self.hub.stop()
        if self._cluster_task is not None:
            self._cluster_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._cluster_task
            with contextlib.suppress(Exception):
                await self.cluster.leave()  # type: ignore[union-attr]
        await self.bus.stop()

    async def presence_view(self, user_id: str, manual_presence: str) -> PresenceView:
        """The user's presence over every node (this node's alone on the embedded default)."""
        others, seen = 0, 0.0
        if self.cluster is not None:
            try:
                others, seen = await self.cluster.others(user_id)
            except Exception:  # Redis down: this node's view is still an answer
                log.warning("presence of other nodes unavailable", exc_info=True)
        return self.presence.view(
            user_id, manual_presence, other_connections=others, other_activity=seen
        )

    async def report_connections(self, user_id: str) -> None:
        if self.cluster is None:
            return
        try:
            await self.cluster.report(user_id)
        except Exception:
            log.warning("presence report to other nodes failed", exc_info=True)

    async def user_socket_count(self, user_id: str) -> int:
        """Sockets of the user on every live node."""
        return (await self.presence_view(user_id, "auto")).connection_count

    async def announce_presence(self, workspace_id: str, user_id: str, presence: str) -> None:
        """`presence_change` to the workspace when this user's presence changed (not stored)."""
        key = (workspace_id, user_id)
        if self._announced.get(key) == presence:
            return
        self._announced[key] = presence
        payload = {"type": "presence_change", "user": user_id, "presence": presence}
        try:
            await self.bus.publish_ephemeral(workspace_id, payload, workspace_audience())
        except Exception:  # presence is best effort; the next change corrects it
            log.warning("presence_change for %s not published", user_id, exc_info=True)
