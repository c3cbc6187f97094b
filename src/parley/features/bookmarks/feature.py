"""The bookmarks feature's registration with the platform."""

from __future__ import annotations

from parley.features.bookmarks import models
from parley.features.bookmarks.events import EVENTS
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
    platform.api_modules(
        "parley.features.bookmarks.api",
    )
    platform.event_types(*EVENTS)
