"""The users feature's registration with the platform."""

from __future__ import annotations

from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.api_modules(
        "parley.features.users.api",
        "parley.features.users.access_logs_api",
    )
