"""The notifications feature's registration with the platform."""

from __future__ import annotations

from pathlib import Path

from parley.features.messages.interface import provide_post_notifier
from parley.features.notifications import models
from parley.features.notifications.events import EVENTS
from parley.features.notifications.notifier import RuleNotifier
from parley.features.notifications.reminders import run_reminders
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
    platform.migrations(Path(__file__).resolve().parent / "migrations")
    platform.api_modules("parley.features.notifications.api")
    platform.event_types(*EVENTS)
    platform.worker("reminders", run_reminders)
    # Every new message asks the one notification rule who it notifies.
    provide_post_notifier(RuleNotifier())
