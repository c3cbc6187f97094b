"""The event bus: committed outbox rows (and ephemeral events) to every node's hub.

`LocalBus` is the embedded default (one process). `RedisBus` adds Redis pub/sub for N
nodes: it delivers locally first, then publishes for the others and skips its own
messages when they come back (Mattermost's PublishSkipClusterSend pattern). Publishing
happens only after commit (`Database.write` calls `publish`); a row is marked published
in the log shortly after, in batches, so the relay can tell what a crash left behind.
Nodes de-duplicate and order by seq (see fanout.py), so publishing twice is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import orjson
from redis.asyncio import Redis

from parley.platform.db import Database
from parley.platform.events import store
from parley.platform.events.fanout import Hub
from parley.platform.events.store import Row

log = logging.getLogger("parley.platform.events")

CHANNEL = "parley:events"
MARK_INTERVAL = 0.25
# Told of committed rows as they reach this node (its own commits, other nodes' via Redis,
# the relay's): background workers that follow the log wake on it instead of polling.
EventListener = Callable[[list[Row]], None]


def bus_row(row: dict[str, Any]) -> Row:
    """The fields of an outbox row that travel (not `created`/`published`)."""
    return {
        "workspace_id": row["workspace_id"],
        "seq": row["seq"],
        "type": row["type"],
        "payload": row["payload"],
        "audience": row["audience"],
    }


class PublishedMarker:
    """Sets `published` on rows in batches: one UPDATE per workspace per interval."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: dict[str, set[int]] = defaultdict(set)

    def add(self, rows: list[Row]) -> None:
        for row in rows:
            self._pending[row["workspace_id"]].add(int(row["seq"]))

    async def flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, defaultdict(set)
        by_shard: dict[str, dict[str, set[int]]] = defaultdict(dict)
        for workspace_id, seqs in pending.items():
            by_shard[await self.db.locator.shard_of(workspace_id)][workspace_id] = seqs
        for shard, marks in by_shard.items():  # one transaction per shard (one, unsharded)
            with self.db.on_shard(shard):
                await self._mark(marks)

    async def _mark(self, pending: dict[str, set[int]]) -> None:
        async with self.db.write() as uow:
            for workspace_id, seqs in pending.items():
                ordered = sorted(seqs)
                for start in range(0, len(ordered), 500):
                    await store.mark_published(
                        uow.session, workspace_id, ordered[start : start + 500]
                    )

    async def run(self) -> None:
        while True:
            await asyncio.sleep(MARK_INTERVAL)
            try:
                await self.flush()
            except Exception:
                # Left unmarked, the relay publishes them again; nodes drop the duplicates.
                log.exception("marking events published failed")


class LocalBus:
    """In-process: publishing is handing the rows to this node's hub."""

    def __init__(self, hub: Hub, db: Database) -> None:
        self.hub = hub
        self.marker = PublishedMarker(db)
        self._tasks: list[asyncio.Task[None]] = []
        self._listeners: list[EventListener] = []

    def listen(self, listener: EventListener) -> Callable[[], None]:
        """Call `listener` with committed rows as they arrive here; returns the unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _notify(self, rows: list[Row]) -> None:
        for listener in list(self._listeners):
            try:
                listener(rows)
            except Exception:
                log.exception("an event listener failed")

    async def publish(self, rows: list[dict[str, Any]]) -> None:
        """After commit: hand to this node's sockets and the other nodes, then remember to
        mark the rows published. The fan-out itself runs after the committing request has
        its answer (`Hub.accept_soon`)."""
        clean = [bus_row(row) for row in rows]
        self._notify(clean)
        try:
            self.hub.accept_soon(clean)
            await self._broadcast(clean)
        except Exception:
            log.exception("publishing %d events failed; the relay will retry", len(clean))
            return
        self.marker.add(clean)

    async def publish_ephemeral(
        self,
        workspace_id: str,
        payload: dict[str, Any],
        audience: dict[str, Any],
        exclude_user: str | None = None,
    ) -> None:
        await self.hub.accept_ephemeral(workspace_id, payload, audience, exclude_user)
        await self._broadcast_ephemeral(workspace_id, payload, audience, exclude_user)

    async def _broadcast(self, rows: list[Row]) -> None:
        """Send to the other nodes (none on the embedded default)."""

    async def _broadcast_ephemeral(
        self,
        workspace_id: str,
        payload: dict[str, Any],
        audience: dict[str, Any],
        exclude_user: str | None,
    ) -> None:
        """Send to the other nodes (none on the embedded default)."""

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self.marker.run()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        with contextlib.suppress(Exception):
            await self.marker.flush()


class RedisBus(LocalBus):
    """Local delivery first, then Redis pub/sub to every other node."""

    def __init__(self, hub: Hub, db: Database, redis: Redis) -> None:
        super().__init__(hub, db)
        self.redis = redis
        self.node_id = uuid.uuid4().hex
        self.subscribed = asyncio.Event()

    async def _broadcast(self, rows: list[Row]) -> None:
        await self.redis.publish(CHANNEL, orjson.dumps({"o": self.node_id, "r": rows}))

    async def _broadcast_ephemeral(
        self,
        workspace_id: str,
        payload: dict[str, Any],
        audience: dict[str, Any],
        exclude_user: str | None,
    ) -> None:
        message = {"w": workspace_id, "p": payload, "a": audience, "x": exclude_user}
        try:
            await self.redis.publish(CHANNEL, orjson.dumps({"o": self.node_id, "e": message}))
        except Exception:
            log.warning("ephemeral event not sent to other nodes", exc_info=True)

    async def start(self) -> None:
        await super().start()
        self._tasks.append(asyncio.create_task(self._listen()))

    async def stop(self) -> None:
        await super().stop()
        with contextlib.suppress(Exception):
            await self.redis.aclose()

    async def _listen(self) -> None:
        """Follow the channel forever; after any outage, catch up from the log."""
        backoff = 0.1
        while True:
            pubsub = self.redis.pubsub()
            try:
                await pubsub.subscribe(CHANNEL)
                self.subscribed.set()
                backoff = 0.1
                await self.hub.sweep()  # whatever was published while we were not listening
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        await self._on_message(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:
                self.subscribed.clear()
                log.warning("redis subscription lost; retrying in %.1fs", backoff, exc_info=True)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _on_message(self, data: bytes) -> None:
        try:
            message = orjson.loads(data)
        except orjson.JSONDecodeError:
            log.warning("ignoring a malformed bus message")
            return
        if message.get("o") == self.node_id:
            return
        try:
            if "r" in message:
                self._notify(message["r"])
                self.hub.accept_soon(message["r"])
            elif "e" in message:
                e = message["e"]
                await self.hub.accept_ephemeral(e["w"], e["p"], e["a"], e.get("x"))
        except Exception:
            log.exception("delivering a bus message failed")


Bus = LocalBus
