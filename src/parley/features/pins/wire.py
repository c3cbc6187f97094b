"""Pin events as documented types."""

from __future__ import annotations

from parley.features.messages.interface import WireMessage as Message
from parley.platform.webapi.openapi import Opt, WireModel


class PinItem(WireModel):
    type: str
    channel: str
    ts: Opt[str] = None
    message: Opt[Message] = None


class PinEvent(WireModel):
    """`pin_added` / `pin_removed`."""

    type: str
    user: Opt[str] = None
    channel_id: str
    item: PinItem
    pin_count: Opt[int] = None
