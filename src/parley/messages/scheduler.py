"""Delivers scheduled messages when they are due (see chat.scheduleMessage)."""

from __future__ import annotations

import asyncio

from parley.services import Services


async def run_scheduler(services: Services) -> None:
    """Placeholder loop until scheduled delivery lands; replaced by the messages feature."""
    await asyncio.Event().wait()
