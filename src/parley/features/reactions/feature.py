"""The reactions feature's registration with the platform."""

from __future__ import annotations

from parley.features.messages.interface import provide_reactions
from parley.features.reactions import models
from parley.features.reactions.events import EVENTS
from parley.features.reactions.store import reactions_for_messages
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
    platform.api_modules(
        "parley.features.reactions.api",
        "parley.features.reactions.wire",  # the documented response and event shapes
    )
    # Messages sit below reactions and show them on history, replies and item lists.
    provide_reactions(reactions_for_messages)
    platform.event_types(*EVENTS)
