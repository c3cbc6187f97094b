"""The `typing` socket frame: `user_typing` to the channel's other members (ephemeral)."""

from __future__ import annotations

import time

from parley.platform.events.emit import conversation_audience
from parley.platform.events.frames import Frame, FrameSession

MAX_TRACKED_CHANNELS = 64  # per socket; the rate limit's memory is cleared past this


async def on_typing_frame(session: FrameSession, frame: Frame) -> None:
    """Members only, and one indicator per socket and channel per `typing_interval`."""
    channel = frame.get("channel")
    connection = session.connection
    if not isinstance(channel, str) or not channel:
        return
    now = time.monotonic()
    sent = connection.typing_sent
    if now - sent.get(channel, 0.0) < session.realtime.config.typing_interval:
        return
    if len(sent) > MAX_TRACKED_CHANNELS:
        sent.clear()
    sent[channel] = now
    members = await session.hub.membership.members(connection.workspace_id, channel)
    if connection.user_id not in members:
        return
    payload = {"type": "user_typing", "channel": channel, "user": connection.user_id}
    await session.realtime.bus.publish_ephemeral(
        connection.workspace_id,
        payload,
        conversation_audience(channel),
        exclude_user=connection.user_id,
    )
