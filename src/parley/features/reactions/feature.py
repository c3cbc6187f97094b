"""The reactions feature's registration with the platform."""

from __future__ import annotations

from parley.features.reactions.events import EVENTS
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.api_modules(
        "parley.features.reactions.api",
    )
    platform.event_types(*EVENTS)
