"""Event type declarations: emit refuses undeclared types, validates payloads in tests, and
the scope table, the Events API list and the membership set come from the declarations."""

from __future__ import annotations

import pytest

from parley.features.apps.manifest import check_manifest, event_coverage_lines
from parley.platform.events.audience import changes_membership
from parley.platform.events.emit import emit, users_audience, workspace_audience
from parley.platform.events.fanout import bot_scope_for
from parley.platform.events.types import (
    EVENT_TYPES,
    EventPayload,
    EventType,
    InvalidEventPayload,
    UndeclaredEventType,
)
from parley.platform.plugins import PLATFORM
from parley.platform.services import Services
from tests.factories import Factory


async def test_emit_refuses_an_undeclared_type(services: Services, factory: Factory) -> None:
    team = await factory.workspace()
    with pytest.raises(UndeclaredEventType, match="x_nobody_declared"):
        async with services.db.write() as uow:
            await emit(uow, team.team_id, {"type": "x_nobody_declared"}, workspace_audience())


async def test_emitted_payloads_are_validated_against_their_model(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    assert EVENT_TYPES.validate_payloads  # the suite's conftest turns it on
    bad = {"type": "reaction_added", "user": "U1", "reaction": ["not", "a", "name"]}
    with pytest.raises(InvalidEventPayload, match="reaction"):
        async with services.db.write() as uow:
            await emit(uow, team.team_id, bad, users_audience(["U1"]))
    missing_item = {"type": "reaction_added", "user": "U1", "reaction": "eyes"}
    with pytest.raises(InvalidEventPayload, match="item"):
        async with services.db.write() as uow:
            await emit(uow, team.team_id, missing_item, users_audience(["U1"]))
    item = {"type": "message", "channel": "C1", "ts": "1.000001"}
    good = {**missing_item, "item": item, "extra": {"kept": 1}}
    async with services.db.write() as uow:
        row = await emit(uow, team.team_id, good, users_audience(["U1"]))
    assert row["payload"]["extra"] == {"kept": 1}  # models are permissive: unknown fields stay


def test_declaring_a_type_twice_fails() -> None:
    with pytest.raises(RuntimeError, match="declared twice"):
        PLATFORM.event_type(EventType("message", EventPayload, ("conversation",)))


def test_the_bot_scope_table_comes_from_the_declarations() -> None:
    assert bot_scope_for({"type": "reaction_added"}) == "reactions:read"
    assert bot_scope_for({"type": "message", "channel_type": "mpim"}) == "mpim:history"
    assert bot_scope_for({"type": "message", "channel_type": "nope"}) == ""  # never
    assert bot_scope_for({"type": "presence_change"}) == "users:read"  # sockets only
    assert bot_scope_for({"type": "user_typing"}) == "channels:history"  # the rtm feature's
    assert bot_scope_for({"type": "channel_joined"}) is None  # declared, asks no scope
    PLATFORM.event_type(EventType("x_scoped", EventPayload, ("workspace",), "calls:read"))
    try:
        assert bot_scope_for({"type": "x_scoped"}) == "calls:read"
    finally:
        EVENT_TYPES.forget("x_scoped")


def test_the_events_api_list_comes_from_the_declarations() -> None:
    subscribable = EVENT_TYPES.events_api_scopes()
    assert subscribable["message.channels"] == "channels:history"
    assert subscribable["link_shared"] == "links:read"  # declared by the unfurl feature
    assert subscribable["app_uninstalled"] == ""
    assert "user_typing" not in subscribable and "credentials_revoked" not in subscribable
    assert "| `reaction_added` | done | `reactions:read` |" in event_coverage_lines()
    PLATFORM.event_type(
        EventType("x_call_started", EventPayload, ("conversation",), "pins:read", events_api=True)
    )
    try:
        manifest = {
            "display_information": {"name": "Caller"},
            "oauth_config": {"scopes": {"bot": ["pins:read"]}},
            "settings": {
                "socket_mode_enabled": True,
                "event_subscriptions": {"bot_events": ["x_call_started"]},
            },
        }
        assert "x_call_started" in check_manifest(manifest).bot_events
    finally:
        EVENT_TYPES.forget("x_call_started")


def test_membership_events_are_declared_by_their_features() -> None:
    assert changes_membership({"type": "member_joined_channel", "channel": "C1"})
    assert changes_membership({"type": "group_left", "channel": "G1"})
    assert changes_membership({"type": "message", "subtype": "channel_join"})
    assert not changes_membership({"type": "message", "subtype": "channel_topic"})
    assert not changes_membership({"type": "reaction_added"})
    assert not changes_membership({"type": "x_unlisted"})


def test_a_deactivated_users_sockets_close_by_the_user_change_declaration() -> None:
    closing = EVENT_TYPES.socket_closure(
        {"type": "user_change", "user": {"id": "U1", "deleted": True}}
    )
    assert closing is not None and (closing.user_id, closing.reason) == ("U1", "account_inactive")
    assert EVENT_TYPES.socket_closure({"type": "user_change", "user": {"id": "U1"}}) is None
    assert EVENT_TYPES.socket_closure({"type": "team_join", "user": {"deleted": True}}) is None
