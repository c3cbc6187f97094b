"""The workspaces feature's registration with the platform."""

from __future__ import annotations

from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.api_modules(
        "parley.features.workspaces.api",
        "parley.features.workspaces.wire",  # the documented response and event shapes
    )
