"""The apps feature's registration with the platform."""

from __future__ import annotations

from parley.features.apps import models
from parley.features.apps.delivery import (
    CONFIG,
    ingest_handler,
    ingest_options,
    run_event_dispatch,
)
from parley.features.apps.events import EVENTS
from parley.features.apps.manifest import event_coverage_lines
from parley.features.apps.models import EVENTS_CONSUMER
from parley.features.apps.routes import app_routes
from parley.features.apps.socket import run_socket_hub
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
    platform.api_modules(
        "parley.features.apps.api",
        "parley.features.apps.bots_api",
        "parley.features.apps.interactive_api",
        "parley.features.apps.views_api",
        "parley.features.apps.client_api",
        "parley.features.apps.wire",  # the documented response and event shapes
    )
    # Ingest on one node (the log consumer's lease); dispatch on every node, since Socket
    # Mode connections live on the node the app connected to.
    platform.log_consumer(EVENTS_CONSUMER, ingest_handler, **ingest_options(CONFIG))
    platform.worker("app-event-delivery", run_event_dispatch)
    platform.worker("socket-mode-hub", run_socket_hub)
    platform.routes(app_routes)
    platform.coverage(event_coverage_lines)
    platform.event_types(*EVENTS)
