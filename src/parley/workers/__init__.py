"""Background workers: long-running tasks started with the server (scheduler, outbox relay…).

Each entry is "module:function"; the function takes `Services` and runs until cancelled.
"""

from __future__ import annotations

WORKERS: tuple[str, ...] = (
    "parley.messages.scheduler:run_scheduler",
    "parley.events.relay:run_relay",
    "parley.files.worker:run_previews",
    "parley.apps.delivery:run_event_delivery",
    "parley.apps.socket:run_socket_hub",
    "parley.unfurl.worker:run_unfurls",
)
