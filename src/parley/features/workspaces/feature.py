"""The workspaces feature's registration with the platform."""

from __future__ import annotations

from parley.features.workspaces.admin_api import icon_routes
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.api_modules(
        "parley.features.workspaces.api",
        "parley.features.workspaces.admin_api",
        "parley.features.workspaces.wire",  # the documented response and event shapes
    )
    platform.routes(icon_routes)
