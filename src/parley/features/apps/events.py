"""Event types of the apps feature: what only apps receive (`app_mention`, derived from a
`message`; the install notices, delivered without passing through the log) and what apps'
users see on their sockets (App Home, views)."""

from __future__ import annotations

from parley.features.apps.wire import ViewEvent
from parley.platform.events.types import EventPayload, EventType


class AppMention(EventPayload):
    user: str | None = None
    text: str | None = None
    ts: str | None = None
    channel: str | None = None


class AppHomeOpened(EventPayload):
    user: str | None = None
    channel: str | None = None
    tab: str | None = None
    event_ts: str | None = None


class TokensRevoked(EventPayload):
    tokens: dict[str, list[str]] | None = None


EVENTS = (
    EventType(
        "app_mention",
        AppMention,
        ("conversation",),
        "app_mentions:read",
        rtm=False,
        events_api=True,
    ),
    # Derived from `message` for the app (routing.py), never emitted itself: the messages of
    # a DM with the app's bot, as Slack's App Home subscription (channel_type "app_home").
    EventType(
        "message.app_home",
        EventPayload,
        ("conversation",),
        rtm=False,
        events_api=True,
    ),
    # Only the app's bot is in the audience: no other app or person receives it.
    EventType("app_home_opened", AppHomeOpened, ("users",), events_api=True),
    EventType("app_uninstalled", EventPayload, ("users",), rtm=False, events_api=True),
    EventType("tokens_revoked", TokensRevoked, ("users",), rtm=False, events_api=True),
    *(
        EventType(name, ViewEvent, ("users",))
        for name in ("view_opened", "view_updated", "view_closed", "app_home_updated")
    ),
)
