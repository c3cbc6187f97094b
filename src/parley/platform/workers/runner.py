"""Starts and stops the background workers: the relay, and every worker a feature registered,
once per shard."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from parley.platform.events.relay import run_relay
from parley.platform.mail.worker import run_mail_worker
from parley.platform.plugins import PLATFORM, Worker
from parley.platform.services import Services

log = logging.getLogger("parley.platform.workers")


async def _supervise(name: str, worker: Worker, services: Services) -> None:
    """Run a worker; if it crashes, log and restart it after a pause (never silently dead)."""
    while True:
        try:
            await worker(services)
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("worker %s crashed; restarting in 1s", name)
            await asyncio.sleep(1.0)


class WorkerSet:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Every worker once per shard, its task bound to that shard: the relay, log
        consumers and schedulers each follow one database (their leases live in it too)."""
        workers: dict[str, Worker] = {
            "outbox-relay": run_relay,
            "mail-outbox": run_mail_worker,
            **PLATFORM.workers,
        }
        db = self.services.db
        for shard in db.shards:
            with db.on_shard(shard):  # the task copies this binding when it is created
                for name, worker in workers.items():
                    label = name if not db.sharded else f"{name}@{shard}"
                    task = asyncio.create_task(_supervise(label, worker, self.services))
                    self.tasks.append(task)

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()
