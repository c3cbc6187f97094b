"""The unfurl feature's registration with the platform."""

from __future__ import annotations

from parley.features.unfurl.events import EVENTS
from parley.features.unfurl.images import unfurl_routes
from parley.features.unfurl.worker import CONFIG, CONSUMER_NAME, consumer_options, unfurl_handler
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.api_modules(
        "parley.features.unfurl.api",
    )
    platform.log_consumer(CONSUMER_NAME, unfurl_handler, **consumer_options(CONFIG))
    platform.routes(unfurl_routes)
    platform.event_types(*EVENTS)
