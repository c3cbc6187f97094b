"""The unfurl feature's registration with the platform."""

from __future__ import annotations

from parley.features.unfurl.events import EVENTS
from parley.features.unfurl.images import unfurl_routes
from parley.features.unfurl.worker import run_unfurls
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.api_modules(
        "parley.features.unfurl.api",
    )
    platform.worker("unfurls", run_unfurls)
    platform.routes(unfurl_routes)
    platform.event_types(*EVENTS)
