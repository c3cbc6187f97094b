"""Leadership: a named lease that one node holds at a time, with an expiry it renews.

Work that one node should do for the whole cluster (a log consumer, the scheduled-message
poll) runs inside `async with leadership(db, name)`. A lease row
(`event_log_consumer_leases`: name, holder, expiry) names the holder; the holder renews it
every third of the lease and deletes it when it stops; a crashed holder's lease expires and
another node takes over. A lease row rather than a PostgreSQL advisory lock: the same code
and tests on SQLite and PostgreSQL, no database connection pinned for as long as the work
runs, and a holder that is visible (`SELECT * FROM event_log_consumer_leases`). The table
kept its first user's name (log consumers); its `consumer` column is the lease's name.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError

from parley.platform.clock import utc_now
from parley.platform.events.models import EventLogConsumerLease

if TYPE_CHECKING:
    from parley.platform.db import Database

log = logging.getLogger("parley.platform.leadership")


def node_holder() -> str:
    """A holder name unique to one leadership attempt, readable by an operator."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def try_lease(db: Database, name: str, holder: str, seconds: float) -> bool:
    """Take or renew the lease `name`: free, expired, or already `holder`'s."""
    now = utc_now()
    expires = now + timedelta(seconds=seconds)
    try:
        async with db.write() as uow:
            result = await uow.session.execute(
                update(EventLogConsumerLease)
                .where(
                    EventLogConsumerLease.consumer == name,
                    or_(
                        EventLogConsumerLease.holder == holder,
                        EventLogConsumerLease.expires < now,
                    ),
                )
                .values(holder=holder, expires=expires)
            )
            if getattr(result, "rowcount", 0):
                return True
            held = await uow.session.get(EventLogConsumerLease, name)
            if held is not None:
                return False
            uow.session.add(EventLogConsumerLease(consumer=name, holder=holder, expires=expires))
        return True
    except IntegrityError:
        return False  # another node inserted the lease first


async def release_lease(db: Database, name: str, holder: str) -> None:
    async with db.write() as uow:
        await uow.session.execute(
            delete(EventLogConsumerLease).where(
                EventLogConsumerLease.consumer == name,
                EventLogConsumerLease.holder == holder,
            )
        )


class LostLeadership(RuntimeError):
    """The lease could not be renewed in time: another node may be doing the work now."""


@contextlib.asynccontextmanager
async def leadership(
    db: Database,
    name: str,
    *,
    lease_seconds: float = 15.0,
    retry: float = 1.0,
) -> AsyncIterator[None]:
    """Wait until this node holds the lease `name`; hold (renew) it for the block.

    If renewing fails for longer than the lease, the block is cancelled and
    `LostLeadership` raised: the worker's supervisor restarts it, and it waits again.
    """
    holder = node_holder()
    # Polling: the lease lives in the database; no other node can signal this one.
    while not await try_lease(db, name, holder, lease_seconds):  # noqa: ASYNC110
        await asyncio.sleep(retry)
    body = asyncio.current_task()
    lost = False

    async def renew() -> None:
        nonlocal lost
        while True:
            await asyncio.sleep(lease_seconds / 3)
            try:
                if await try_lease(db, name, holder, lease_seconds):
                    continue
            except Exception:
                log.warning("renewing the %s lease failed", name, exc_info=True)
                continue
            lost = True
            if body is not None:
                body.cancel()
            return

    renewer = asyncio.create_task(renew())
    try:
        yield
    except asyncio.CancelledError:
        if lost:
            raise LostLeadership(f"lost the lease {name}") from None
        raise
    finally:
        renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewer
        with contextlib.suppress(Exception):
            await asyncio.shield(release_lease(db, name, holder))
