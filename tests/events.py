"""The test suite's synthetic event types (`x_*`), declared like a feature declares its own:
tests of the spine emit them to see ordering, resume and fan-out without a feature's rules."""

from __future__ import annotations

from parley.platform.events.types import EventPayload, EventType
from parley.platform.plugins import Platform

SYNTHETIC = (
    "x",
    "x_after",
    "x_big",
    "x_for_carol",
    "x_live",
    "x_marker",
    "x_n",
    "x_one",
    "x_sdk_test",
    "x_test",
    "x_two",
)  # `x_unlisted` stays undeclared: tests/platform/events see how an unknown type is treated


def register(platform: Platform) -> None:
    platform.event_types(
        *(
            EventType(name, EventPayload, ("workspace", "users", "conversation"))
            for name in SYNTHETIC
        )
    )
