"""Socket frame handlers: what a client may send on `/rtm`, one handler per frame `type`.

The platform registers its own (`ping`, `presence_sub`, `presence_query`, in gateway.py);
features add theirs with `platform.socket_frame(type, handler)` (the rtm feature's
`typing`; calls and push-to-talk will add signalling frames). A frame of a type nobody
registered is answered with Slack's error frame (code 3, "unsupported type").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from parley.platform.events.fanout import Connection, Hub
    from parley.platform.events.realtime import Realtime
    from parley.platform.services import Services


class FrameSession(Protocol):
    """What a handler may use of the socket's session (gateway.RtmSession)."""

    services: Services
    realtime: Realtime
    hub: Hub
    connection: Connection

    def reply(self, body: dict[str, Any]) -> None:
        """Send a frame to this socket only (not logged, no seq)."""
        ...

    def reply_error(self, reply_to: Any, code: int, msg: str) -> None: ...


Frame = dict[str, Any]
FrameHandler = Callable[[FrameSession, Frame], Awaitable[None]]


class FrameHandlers:
    """The registry: frame type -> handler."""

    def __init__(self) -> None:
        self._handlers: dict[str, FrameHandler] = {}

    def register(self, frame_type: str, handler: FrameHandler) -> None:
        if frame_type in self._handlers:
            raise RuntimeError(f"socket frame {frame_type} registered twice")
        self._handlers[frame_type] = handler

    def forget(self, frame_type: str) -> None:
        """Remove a handler (tests that register one of their own)."""
        self._handlers.pop(frame_type, None)

    def get(self, frame_type: Any) -> FrameHandler | None:
        return self._handlers.get(frame_type) if isinstance(frame_type, str) else None

    def __contains__(self, frame_type: object) -> bool:
        return frame_type in self._handlers


FRAME_HANDLERS = FrameHandlers()
