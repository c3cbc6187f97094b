"""The `message` event type: posts, edits, deletions and system messages in a conversation."""

from __future__ import annotations

from parley.features.messages.wire import MessageEvent
from parley.platform.events.types import EventType

# A bot needs the history scope of the conversation's type; an app subscribes per type
# (`message.channels`, `message.groups`, `message.im`, `message.mpim`).
HISTORY_SCOPES = {
    "channel": "channels:history",
    "group": "groups:history",
    "im": "im:history",
    "mpim": "mpim:history",
}

EVENTS = (
    EventType(
        "message",
        MessageEvent,
        ("conversation", "users"),  # `users`: ephemeral messages, to one person
        channel_type_scopes=HISTORY_SCOPES,
        events_api=True,
        # Someone joining or leaving is posted as a message too.
        membership_subtypes=frozenset(
            {"channel_join", "channel_leave", "group_join", "group_leave"}
        ),
    ),
)
