"""The users feature's registration with the platform."""

from __future__ import annotations

from pathlib import Path

from parley.features.users import models
from parley.features.users.events import EVENTS
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
    platform.migrations(Path(__file__).resolve().parent / "migrations")
    platform.api_modules(
        "parley.features.users.api",
        "parley.features.users.wire",  # the documented response and event shapes
        "parley.features.users.access_logs_api",
        "parley.features.users.fields_api",
    )
    platform.event_types(*EVENTS)
