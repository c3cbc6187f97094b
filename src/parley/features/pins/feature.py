"""The pins feature's registration with the platform."""

from __future__ import annotations

from parley.features.messages.interface import provide_pins
from parley.features.pins import models
from parley.features.pins.events import EVENTS
from parley.features.pins.store import count_pins, pins_for_messages
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
    platform.api_modules(
        "parley.features.pins.api",
        "parley.features.pins.wire",  # the documented response and event shapes
    )
    # Messages sit below pins and show `pinned_to` and history's `pin_count`.
    provide_pins(pins_for_messages, count_pins)
    platform.event_types(*EVENTS)
