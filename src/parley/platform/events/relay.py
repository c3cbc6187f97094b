"""The relay: publishes what a crash left unpublished, heals missed publishes, prunes the log.

Runs on every node (a `parley.platform.workers` worker). Several relays publishing the same
orphan is harmless: every node orders and de-duplicates by seq. Each pass is bounded.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from parley.platform.clock import utc_now
from parley.platform.events import store
from parley.platform.events.bus import bus_row
from parley.platform.services import Services

log = logging.getLogger("parley.platform.events")

BATCH = 500
PRUNE_EVERY = 600  # passes between two prunes of the log


async def publish_orphans(services: Services) -> int:
    """Publish rows left `published = false` for longer than the grace period; mark them."""
    realtime = services.realtime
    before = utc_now() - timedelta(seconds=realtime.config.relay_grace)
    async with services.db.read() as session:
        rows = await store.unpublished_events(session, before, BATCH)
    if not rows:
        return 0
    await realtime.bus.publish([bus_row(row) for row in rows])
    await realtime.bus.marker.flush()
    log.info("relay published %d events left unpublished", len(rows))
    return len(rows)


async def prune(services: Services) -> int:
    """Drop published events older than the retention window (resume then asks to resync)."""
    before = utc_now() - timedelta(seconds=services.realtime.config.retention_seconds)
    async with services.db.write() as uow:
        return await store.prune_published_before(uow.session, before)


async def relay_pass(services: Services) -> None:
    await publish_orphans(services)
    await services.realtime.hub.sweep()


async def run_relay(services: Services) -> None:
    """Forever: one bounded pass per `sweep_interval` seconds."""
    passes = 0
    while True:
        await asyncio.sleep(services.realtime.config.sweep_interval)
        try:
            await relay_pass(services)
            passes += 1
            if passes % PRUNE_EVERY == 0:
                await prune(services)
        except Exception:
            log.exception("relay pass failed")
