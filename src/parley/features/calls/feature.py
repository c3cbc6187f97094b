"""The calls feature's registration with the platform."""

from __future__ import annotations

from pathlib import Path

from parley.features.calls import models
from parley.features.calls.actions import LiveHuddlesOfCalls
from parley.features.calls.events import EVENTS
from parley.features.calls.sweeper import run_media_listener, run_sweeper
from parley.features.conversations.interface import provide_live_huddles
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
    platform.migrations(Path(__file__).resolve().parent / "migrations")
    platform.api_modules("parley.features.calls.api", "parley.features.calls.slack_api")
    platform.event_types(*EVENTS)
    # conversations.info shows a conversation's live huddle ("huddle active").
    provide_live_huddles(LiveHuddlesOfCalls())
    # Ring timeouts and grace periods (durable deadlines, one sweeping node at a time).
    platform.worker("calls-sweeper", run_sweeper)
    # Media node faults: a lost node ends its calls; a dropped endpoint starts a grace.
    platform.worker("calls-media-events", run_media_listener)
