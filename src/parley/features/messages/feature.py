"""The messages feature's registration with the platform."""

from __future__ import annotations

from parley.features.messages import models
from parley.features.messages.scheduler import run_scheduler
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
    platform.api_modules(
        "parley.features.messages.api",
    )
    platform.worker("scheduler", run_scheduler)
