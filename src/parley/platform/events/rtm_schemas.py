"""The socket's own frames (`hello`, `goodbye`, …), as documented types."""

from __future__ import annotations

from parley.platform.webapi.openapi import Opt, WireModel, register_socket_frame_schema


class HelloFrame(WireModel):
    type: str
    seq: Opt[int] = None
    resync: Opt[bool] = None
    """True when the server could not resume from `since`: refetch what you show."""


class ControlFrame(WireModel):
    """`goodbye`, `pong`, `reconnect_url`."""

    type: str
    reply_to: Opt[int] = None
    url: Opt[str] = None


register_socket_frame_schema("hello", HelloFrame)
for _name in ("goodbye", "pong", "reconnect_url"):
    register_socket_frame_schema(_name, ControlFrame)
