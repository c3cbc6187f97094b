"""Re-publishes outbox rows that a crash left unpublished."""

from __future__ import annotations

import asyncio

from parley.services import Services


async def run_relay(services: Services) -> None:
    """Placeholder loop until the real-time feature lands its relay."""
    await asyncio.Event().wait()
