"""The rtm feature's registration with the platform."""

from __future__ import annotations

from parley.features.rtm.events import EVENTS
from parley.features.rtm.sending import on_message_frame
from parley.features.rtm.typing import on_typing_frame
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.api_modules(
        "parley.features.rtm.api",
    )
    platform.event_types(*EVENTS)
    platform.socket_frame("typing", on_typing_frame)
    platform.socket_frame("message", on_message_frame)
