"""Starts and stops the background workers listed in `parley.workers.WORKERS`."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from collections.abc import Awaitable, Callable
from typing import cast

from parley.services import Services
from parley.workers import WORKERS

log = logging.getLogger("parley.workers")
Worker = Callable[[Services], Awaitable[None]]


def load_worker(spec: str) -> Worker:
    module_name, _, function_name = spec.partition(":")
    return cast(Worker, getattr(importlib.import_module(module_name), function_name))


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
        for spec in WORKERS:
            worker = load_worker(spec)
            self.tasks.append(asyncio.create_task(_supervise(spec, worker, self.services)))

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()
