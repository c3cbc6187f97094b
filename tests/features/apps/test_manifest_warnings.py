"""Manifests made for Slack install unchanged: a scope or event in Slack's published lists
that Parley does not serve or deliver yet is a warning (validate, create, update), never an
error; only what Slack would refuse is."""

from __future__ import annotations

import json

from parley.features.apps.manifest import check_manifest, slack_events, slack_scopes
from parley.features.apps.models import App
from parley.features.apps.routing import events_for_app
from parley.platform.auth.scopes import BOT_SCOPES, USER_SCOPES
from parley.platform.errors import ApiError
from parley.platform.events.types import EVENT_TYPES
from tests.features.apps.helpers import manifest

# Slack's assistant template and slack-machine's manifest ask for these (issue 15).
NOT_SERVED = ("lists:read", "metadata.message:read", "assistant:write")
NOT_DELIVERED = ("assistant_thread_started", "channel_id_changed")


def _spec(**changes: object) -> dict[str, object]:
    spec = manifest(
        socket_mode=True,
        events=("app_mention", *NOT_DELIVERED),
        bot_scopes=("app_mentions:read", "chat:write", *NOT_SERVED),
    )
    spec.update(changes)
    return spec


def test_every_event_parley_delivers_is_in_slacks_list() -> None:
    published = slack_events()
    assert set(EVENT_TYPES.events_api_scopes()) <= set(published)


def test_every_scope_parley_serves_is_in_slacks_list() -> None:
    assert set(BOT_SCOPES) <= slack_scopes()["bot"]
    assert set(USER_SCOPES) <= slack_scopes()["user"]


def test_unserved_scopes_and_undelivered_events_are_warnings() -> None:
    checked = check_manifest(_spec())
    by_pointer = {w["pointer"]: w for w in checked.warnings}
    assert by_pointer["/oauth_config/scopes/bot/2"]["code"] == "scope_not_served"
    assert "lists:read" in by_pointer["/oauth_config/scopes/bot/2"]["message"]
    assert by_pointer["/settings/event_subscriptions/bot_events/1"]["code"] == (
        "event_not_delivered"
    )
    assert len(checked.warnings) == len(NOT_SERVED) + len(NOT_DELIVERED)
    assert set(NOT_SERVED) <= set(checked.bot_scopes)  # kept: an install grants them
    assert set(NOT_DELIVERED) <= set(checked.bot_events)  # kept: delivered once emitted


def test_what_slack_refuses_is_still_an_error() -> None:
    spec = manifest(socket_mode=True, events=("not_an_event",), bot_scopes=("chat:wrte", "admin"))
    problems = check_manifest_errors(spec)
    assert problems == {
        "/oauth_config/scopes/bot/0": "unknown scope: chat:wrte",
        "/oauth_config/scopes/bot/1": "unknown scope: admin",  # a user scope, not a bot one
        "/settings/event_subscriptions/bot_events/0": "unknown event type: not_an_event",
    }
    # An undelivered event still needs its scope, as on Slack.
    needs = manifest(socket_mode=True, events=("dnd_updated_user",), bot_scopes=("chat:write",))
    pointer = "/settings/event_subscriptions/bot_events/0"
    assert check_manifest_errors(needs) == {
        pointer: "dnd_updated_user needs the bot scope dnd:read"
    }


def check_manifest_errors(spec: dict[str, object]) -> dict[str, str]:
    try:
        check_manifest(spec)
    except ApiError as error:
        return {e["pointer"]: e["message"] for e in error.extra["errors"]}
    return {}


async def test_validate_create_update_answer_warnings_and_tokens_carry_served_scopes(api, factory):
    team = await factory.workspace()
    token = team.owner.token
    validated = await api("apps.manifest.validate", token, manifest=json.dumps(_spec()))
    assert validated["ok"], validated
    assert {w["code"] for w in validated["warnings"]} == {
        "scope_not_served",
        "event_not_delivered",
    }
    assert all(set(w) == {"code", "message", "pointer"} for w in validated["warnings"])
    created = await api("apps.manifest.create", token, manifest=json.dumps(_spec()))
    assert created["ok"], created
    assert len(created["warnings"]) == len(validated["warnings"])
    tested = await api("auth.test", created["bot_token"])
    assert tested["ok"], tested
    exported = await api("apps.manifest.export", token, app_id=created["app_id"])
    assert "lists:read" in exported["manifest"]["oauth_config"]["scopes"]["bot"]
    clean = manifest(socket_mode=True, events=("app_mention",), bot_scopes=("app_mentions:read",))
    updated = await api(
        "apps.manifest.update", token, app_id=created["app_id"], manifest=json.dumps(clean)
    )
    assert updated["ok"], updated
    assert "warnings" not in updated
    fine = await api("apps.manifest.validate", token, manifest=json.dumps(clean))
    assert "warnings" not in fine


def _app(*events: str) -> App:
    return App(id="A1", workspace_id="T1", bot_user_id="UBOT", bot_events=list(events))


def test_message_app_home_is_the_dm_message_once() -> None:
    dm = {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "hi"}
    [(kind, event)] = events_for_app(_app("message.app_home"), dm)
    assert kind == "message.app_home"
    assert event["channel_type"] == "app_home"
    # Subscribed to both: one event per message, as message.im.
    both = events_for_app(_app("message.app_home", "message.im"), dm)
    assert [(k, e["channel_type"]) for k, e in both] == [("message", "im")]
    channel_message = {**dm, "channel_type": "channel", "channel": "C1"}
    assert events_for_app(_app("message.app_home"), channel_message) == []
