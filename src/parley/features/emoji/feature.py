"""The emoji feature's registration with the platform."""

from __future__ import annotations

from parley.features.emoji import models
from parley.features.emoji.events import EVENTS
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
    platform.api_modules(
        "parley.features.emoji.api",
        "parley.features.emoji.wire",  # the documented response and event shapes
    )
    platform.event_types(*EVENTS)
