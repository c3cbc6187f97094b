"""The conversations feature's registration with the platform."""

from __future__ import annotations

from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.api_modules(
        "parley.features.conversations.api",
        "parley.features.conversations.wire",  # the documented response and event shapes
    )
