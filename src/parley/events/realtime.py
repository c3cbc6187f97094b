"""The real-time service a node runs: hub (local sockets), bus, tickets, presence announcements."""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis

from parley.core.db import Database
from parley.events.bus import LocalBus, RedisBus
from parley.events.emit import workspace_audience
from parley.events.fanout import CLOSE_GOING_AWAY, Hub, RealtimeConfig, encode
from parley.events.tickets import MemoryTickets, RedisTickets, TicketStore
from parley.presence import PresenceTracker
from parley.settings import Settings

log = logging.getLogger("parley.events")


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
        self.loop: asyncio.AbstractEventLoop | None = None
        self.connections: set[asyncio.Task[None]] = set()
        # The presence this node last announced per (workspace, user): only changes go out.
        self._announced: dict[tuple[str, str], str] = {}

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        await self.bus.start()

    async def stop(self) -> None:
        """Say goodbye to every client (they reconnect elsewhere), then stop the bus."""
        self.hub.close_all(CLOSE_GOING_AWAY, "server shutting down", encode({"type": "goodbye"}))
        if self.connections:
            await asyncio.wait(list(self.connections), timeout=self.config.close_timeout)
        await self.hub.stop()
        await self.bus.stop()

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
