"""The messages feature's registration with the platform."""

from __future__ import annotations

from parley.features.messages.events import EVENTS
from parley.features.messages.scheduler import run_scheduler
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.api_modules(
        "parley.features.messages.api",
    )
    platform.worker("scheduler", run_scheduler)
    platform.event_types(*EVENTS)
