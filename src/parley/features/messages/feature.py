"""The messages feature's registration with the platform."""

from __future__ import annotations

from parley.features.conversations.interface import provide_read_states, provide_system_messages
from parley.features.messages import models
from parley.features.messages.events import EVENTS
from parley.features.messages.read_state import MessageReadStates
from parley.features.messages.scheduler import run_scheduler
from parley.features.messages.system_messages import PostedSystemMessages
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
    platform.api_modules(
        "parley.features.messages.api",
        "parley.features.messages.wire",  # the documented response and event shapes
    )
    platform.worker("scheduler", run_scheduler)
    # Conversations sit below messages and ask for these through their hooks.
    provide_system_messages(PostedSystemMessages())
    provide_read_states(MessageReadStates())
    platform.event_types(*EVENTS)
    # Server-rendered HTML for Parley's web client, which asks for it; never Slack's shape.
    platform.client_fields("html", "rendered_attachments")
