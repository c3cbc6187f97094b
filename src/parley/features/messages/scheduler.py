"""Delivers scheduled messages when they are due (see chat.scheduleMessage).

Rows live in the database, so delivery survives restarts: whatever came due while the
server was down goes out on the next tick. One node polls at a time: the loop runs under
the lease `scheduled-messages` (`platform/leadership.py`), taken over by another node when
the holder stops or its lease expires. The safety net stays: each row is claimed with a
conditional UPDATE (`… WHERE delivered = false`) in the same transaction that posts it, so
exactly one node delivers it even while a lease changes hands.
"""

from __future__ import annotations

import asyncio
import logging

from parley.features.messages import actions, posting, store
from parley.platform.clock import unix_now
from parley.platform.errors import ApiError
from parley.platform.leadership import leadership
from parley.platform.services import Services

log = logging.getLogger("parley.scheduler")

TICK_SECONDS = 0.5  # wakes at least every second, so a message is at most ~1 s late
LEASE_NAME = "scheduled-messages"
LEASE_SECONDS = 15.0  # a crashed poller's messages wait at most this long for another node


async def deliver_one(services: Services, scheduled_id: str) -> bool:
    """Claim and post one due row; False if another node got it first.

    The post goes through chat.postMessage's rules as they hold at delivery
    (`posting.deliver_scheduled`). A message its author may no longer post (deactivated,
    removed from a private channel, channel archived or gone, thread deleted) is dropped:
    the row stays claimed with no `delivered_ts`, and a log line says why. Nobody is
    notified: Slack's API documents no event for it, and a deactivated author could not
    read one.
    """
    async with services.db.write() as uow:
        if not await actions.claim_scheduled(uow, scheduled_id):
            return False
        row = await store.get_scheduled_by_id(uow.session, scheduled_id)
        if row is None:
            return False
        try:
            message = await posting.deliver_scheduled(uow, row)
        except ApiError as error:
            # Caught inside the transaction so that the claim commits: retrying would fail
            # the same way on every tick.
            log.info("scheduled message %s dropped: %s", row.id, error.code)
            return True
        row.delivered_ts = message.ts
    return True


async def deliver_due(services: Services, now: int | None = None) -> int:
    """Deliver every row due at `now`; returns how many this node delivered."""
    async with services.db.read() as session:
        due = await store.due_scheduled_ids(session, unix_now() if now is None else now)
    delivered = 0
    for scheduled_id in due:
        if await deliver_one(services, scheduled_id):
            delivered += 1
    return delivered


async def run_scheduler(
    services: Services, *, lease_seconds: float = LEASE_SECONDS, retry: float = 1.0
) -> None:
    """The worker: once this node leads, deliver what is due, then sleep a tick; forever."""
    async with leadership(services.db, LEASE_NAME, lease_seconds=lease_seconds, retry=retry):
        while True:
            try:
                await deliver_due(services)
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not stop future deliveries
                log.exception("scheduled delivery failed; retrying")
            await asyncio.sleep(TICK_SECONDS)
