"""The pins feature's registration with the platform."""

from __future__ import annotations

from parley.features.pins.events import EVENTS
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.api_modules(
        "parley.features.pins.api",
    )
    platform.event_types(*EVENTS)
