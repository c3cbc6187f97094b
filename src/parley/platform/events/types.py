"""Event type declarations: one per Slack event type, registered by the feature that emits it.

A declaration names the payload's model, the audience kinds it is sent to, the bot scope
needed to receive it and where it is delivered (sockets, the Events API, the nodes only).
Everything that used to be a hand-kept table is read from here: a bot socket's scope
filter, the Events API's subscribable list, the events that change a conversation's
membership, and what a node does to sockets after an event (a deactivated user's close).

`emit()` refuses a type nobody declared. With `EVENT_TYPES.validate_payloads` on (the test
suite turns it on) every emitted payload is also checked against its model, so a payload
drifting from its declaration fails a test, not a client (Zulip's `check_send_event` idea).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

Payload = dict[str, Any]

# Slack's Events API names a message subscription by the conversation's type.
CHANNEL_TYPE_SUBSCRIPTION_SUFFIX: Mapping[str, str] = {
    "channel": "channels",
    "group": "groups",
    "im": "im",
    "mpim": "mpim",
}


class EventPayload(BaseModel):
    """Base of every payload model: Slack shapes are open, so unknown fields are kept, and
    features declare their fields optional: validation checks the type of each field that is
    set (a channel id that became an object fails), not that every field is there."""

    model_config = ConfigDict(extra="allow")

    type: str


@dataclass(frozen=True)
class SocketClosure:
    """Sockets of `user_id` a node closes right after delivering an event."""

    user_id: str
    reason: str


ClosesSocketsOf = Callable[[Payload], SocketClosure | None]


@dataclass(frozen=True)
class EventType:
    """One event type. `scope` is the bot scope needed to receive it (None: none needed);
    `channel_type_scopes` replaces it for events whose scope depends on the conversation's
    type (`message`: `channels:history`, `im:history`, …; an unlisted type: never)."""

    name: str
    payload: type[BaseModel]
    # The audience kinds the feature sends it to: documentation for readers and the web
    # client's types; not enforced (the spine's own tests send any type to any audience).
    audience: tuple[str, ...]
    scope: str | None = None
    channel_type_scopes: Mapping[str, str] = field(default_factory=dict)
    rtm: bool = True  # sent to sockets (the web client, RTM, a bot's socket)
    events_api: bool = False  # apps may subscribe to it
    control: bool = False  # for the nodes only: never for a socket or an app
    membership_change: bool = False  # the conversation's member list may differ after it
    membership_subtypes: frozenset[str] = frozenset()  # … or only these subtypes of it
    closes_sockets_of: ClosesSocketsOf | None = None

    def subscriptions(self) -> dict[str, str]:
        """Events API subscription name -> bot scope needed ("" when none)."""
        if not self.events_api:
            return {}
        if self.channel_type_scopes:
            return {
                f"{self.name}.{CHANNEL_TYPE_SUBSCRIPTION_SUFFIX[kind]}": scope
                for kind, scope in self.channel_type_scopes.items()
            }
        return {self.name: self.scope or ""}

    def subscription_for(self, payload: Payload) -> str | None:
        """The Events API subscription a payload of this type is delivered under."""
        if not self.events_api:
            return None
        if self.channel_type_scopes:
            suffix = CHANNEL_TYPE_SUBSCRIPTION_SUFFIX.get(str(payload.get("channel_type")))
            return f"{self.name}.{suffix}" if suffix else None
        return self.name

    def bot_scope(self, payload: Payload) -> str | None:
        """The scope a bot needs for this payload; "" when it may never see it."""
        if self.channel_type_scopes:
            return self.channel_type_scopes.get(str(payload.get("channel_type")), "")
        return self.scope

    def changes_membership(self, payload: Payload) -> bool:
        if self.membership_change:
            return True
        return bool(self.membership_subtypes) and payload.get("subtype") in self.membership_subtypes


class UndeclaredEventType(LookupError):
    """An event type no feature declared was emitted."""


class InvalidEventPayload(ValueError):
    """An emitted payload does not match its declared model (validation mode)."""


class EventTypes:
    """The registry: event type name -> declaration."""

    def __init__(self) -> None:
        self._types: dict[str, EventType] = {}
        self.validate_payloads = False

    def declare(self, event_type: EventType) -> None:
        if event_type.name in self._types:
            raise RuntimeError(f"event type {event_type.name} declared twice")
        self._types[event_type.name] = event_type

    def forget(self, name: str) -> None:
        """Remove a declaration (tests that declare a type of their own)."""
        self._types.pop(name, None)

    def get(self, name: str) -> EventType | None:
        return self._types.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __iter__(self) -> Iterator[EventType]:
        return iter(list(self._types.values()))

    def require(self, name: str) -> EventType:
        declared = self._types.get(name)
        if declared is None:
            raise UndeclaredEventType(f"event type {name!r} is not declared (platform.event_type)")
        return declared

    def check(self, payload: Payload) -> EventType:
        """At emit: refuse an undeclared type; in validation mode, check the payload."""
        declared = self.require(str(payload.get("type")))
        if self.validate_payloads:
            try:
                declared.payload.model_validate(payload)
            except ValidationError as error:
                raise InvalidEventPayload(f"{declared.name} payload: {error}") from error
        return declared

    def bot_scope_for(self, payload: Payload) -> str | None:
        """The scope a bot needs for this event; "" when it may never see it, None when free
        (an undeclared type, or one that asks no scope)."""
        declared = self._types.get(str(payload.get("type")))
        if declared is None:
            return None
        return declared.bot_scope(payload)

    def events_api_scopes(self) -> dict[str, str]:
        """Every Events API subscription name -> bot scope ("" when none), sorted by name."""
        table: dict[str, str] = {}
        for declared in self._types.values():
            table.update(declared.subscriptions())
        return dict(sorted(table.items()))

    def changes_membership(self, payload: Payload) -> bool:
        declared = self._types.get(str(payload.get("type")))
        return declared is not None and declared.changes_membership(payload)

    def socket_closure(self, payload: Payload) -> SocketClosure | None:
        declared = self._types.get(str(payload.get("type")))
        if declared is None or declared.closes_sockets_of is None:
            return None
        return declared.closes_sockets_of(payload)


EVENT_TYPES = EventTypes()


# --- the platform's own event types ---------------------------------------------------------


class CredentialsRevoked(EventPayload):
    token_ids: list[int]
    session_ids: list[int]
    reason: str


class PresenceChange(EventPayload):
    """One person's presence (`user`), or several at once (`users`, batched presence)."""

    presence: str
    user: str | None = None
    users: list[str] | None = None


EVENT_TYPES.declare(
    EventType("credentials_revoked", CredentialsRevoked, ("control",), control=True, rtm=False)
)
# Ephemeral (never logged): a node announces a user's first socket and last one.
EVENT_TYPES.declare(EventType("presence_change", PresenceChange, ("workspace",), "users:read"))
