"""apps.home.open (`app_home_opened`), interactions.viewAction (`block_actions` from a view)
and interactions.blockSuggestion (external select options), against a loopback app."""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import parse_qs

import pytest

from parley.features.apps.delivery import Deliverer, DeliveryConfig
from parley.features.apps.views import do_create_trigger
from parley.platform.settings import Settings
from tests.features.apps.helpers import Received, Receiver, create_app, manifest
from tests.features.apps.test_delivery import drive


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Loopback receivers need private addresses allowed (an admin's explicit choice)."""
    return dataclasses.replace(settings, outbound_allow_private=True)


FAST = DeliveryConfig(retry_delays=(0.0,), disable_after=5, request_timeout=2.0)

HOME = {
    "type": "home",
    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Welcome"}},
        {
            "type": "actions",
            "block_id": "tools",
            "elements": [
                {
                    "type": "button",
                    "action_id": "refresh",
                    "text": {"type": "plain_text", "text": "Refresh"},
                    "value": "r1",
                }
            ],
        },
    ],
}

MODAL = {
    "type": "modal",
    "callback_id": "pick",
    "title": {"type": "plain_text", "text": "Pick"},
    "blocks": [
        {
            "type": "input",
            "block_id": "city",
            "label": {"type": "plain_text", "text": "City"},
            "element": {"type": "external_select", "action_id": "city_pick", "min_query_length": 1},
        },
        {
            "type": "input",
            "block_id": "size",
            "label": {"type": "plain_text", "text": "Size"},
            "element": {
                "type": "static_select",
                "action_id": "size_pick",
                "options": [{"text": {"type": "plain_text", "text": "S"}, "value": "s"}],
            },
        },
    ],
}


def _interactive(request: Received) -> dict[str, Any] | None:
    if request.body.startswith(b"{"):
        return None
    payload: dict[str, Any] = json.loads(parse_qs(request.body.decode())["payload"][0])
    return payload


def _payloads(receiver: Receiver, count: int) -> list[dict[str, Any]]:
    """The interactive payloads so far, once at least `count` arrived (the receiver records
    a request just after answering it)."""

    def found() -> list[dict[str, Any]]:
        return [p for p in map(_interactive, receiver.received) if p]

    with receiver.arrived:
        receiver.arrived.wait_for(lambda: len(found()) >= count, timeout=5)
    return found()


def _app_responder(request: Received) -> tuple[int, dict[str, str], bytes]:
    payload = _interactive(request)
    if payload is None:
        body = json.loads(request.body)
        if body.get("type") == "url_verification":
            return 200, {"content-type": "text/plain"}, body["challenge"].encode()
        return 200, {}, b""
    if payload["type"] == "block_suggestion":
        typed = payload["value"]
        answer = {
            "options": [
                {"text": {"type": "plain_text", "text": f"{typed} City"}, "value": typed.lower()},
                {"text": "not an object", "value": "bad"},
                {"text": {"type": "plain_text", "text": "no value"}},
            ],
            "option_groups": [
                {
                    "label": {"type": "plain_text", "text": "Near"},
                    "options": [{"text": {"type": "plain_text", "text": "Oslo"}, "value": "osl"}],
                }
            ],
        }
        return 200, {"content-type": "application/json"}, json.dumps(answer).encode()
    return 200, {}, b""


def _spec(receiver: Receiver, **extra: Any) -> dict[str, Any]:
    return manifest(
        request_url=receiver.url,
        interactivity_url=receiver.url,
        events=("app_home_opened",),
        **extra,
    )


async def test_home_open_sends_app_home_opened_to_that_app_only(api, factory, services):
    team = await factory.workspace()
    with Receiver(responder=_app_responder) as receiver, Receiver() as other_receiver:
        created = await create_app(services.db, team, _spec(receiver))
        other = await create_app(services.db, team, _spec(other_receiver, name="Other"))
        published = await api.json(
            "views.publish", created.bot_token, user_id=team.owner.user_id, view=HOME
        )
        assert published["ok"], published
        opened = await api("apps.home.open", team.owner.token, app_id=created.app.id)
        assert opened["ok"], opened
        assert opened["view"]["id"] == published["view"]["id"]
        assert opened["channel"].startswith("D")
        messages = await api(
            "apps.home.open", team.owner.token, app_id=created.app.id, tab="messages"
        )
        assert messages["channel"] == opened["channel"]
        deliverer = Deliverer(services, FAST)
        await drive(deliverer, lambda: len(receiver.events()) >= 2)
        # Deliveries run concurrently: find each tab's event rather than rely on order.
        by_tab = {e["tab"]: e for e in (r.json()["event"] for r in receiver.events())}
        first, second = by_tab["home"], by_tab["messages"]
        assert first["type"] == "app_home_opened"
        assert first["user"] == team.owner.user_id
        assert first["channel"] == opened["channel"]
        assert first["tab"] == "home"
        assert first["view"]["id"] == published["view"]["id"]
        assert first["view"]["blocks"] == HOME["blocks"]
        assert second["tab"] == "messages"
        assert "view" not in second
        assert other_receiver.events() == []
        assert other.app.id != created.app.id
    bad_tab = await api("apps.home.open", team.owner.token, app_id=created.app.id, tab="x")
    assert bad_tab["error"] == "invalid_tab"
    missing = await api("apps.home.open", team.owner.token, app_id="ANOPE")
    assert missing["error"] == "app_not_found"
    stranger = await factory.workspace()
    foreign = await api("apps.home.open", stranger.owner.token, app_id=created.app.id)
    assert foreign["error"] == "app_not_found"


async def test_home_opened_needs_no_scope_in_a_manifest(api, factory):
    team = await factory.workspace()
    spec = manifest(socket_mode=True, events=("app_home_opened",), bot_scopes=("chat:write",))
    created = await api.json("apps.manifest.create", team.owner.token, manifest=spec)
    assert created["ok"], created


async def test_view_action_sends_block_actions_with_the_view(api, factory, services):
    team = await factory.workspace()
    member = await factory.user(team)
    with Receiver(responder=_app_responder) as receiver:
        created = await create_app(services.db, team, _spec(receiver))
        home = await api.json(
            "views.publish", created.bot_token, user_id=team.owner.user_id, view=HOME
        )
        view_id = home["view"]["id"]
        clicked = await api(
            "interactions.viewAction",
            team.owner.token,
            view_id=view_id,
            action_id="refresh",
            block_id="tools",
        )
        assert clicked["ok"], clicked
        [payload] = _payloads(receiver, 1)
        assert payload["type"] == "block_actions"
        assert payload["container"] == {"type": "view", "view_id": view_id}
        assert payload["view"]["id"] == view_id
        assert payload["user"]["id"] == team.owner.user_id
        [action] = payload["actions"]
        assert (action["action_id"], action["block_id"], action["value"]) == (
            "refresh",
            "tools",
            "r1",
        )
        # The trigger opens a modal for the person who clicked.
        opened = await api.json(
            "views.open", created.bot_token, trigger_id=payload["trigger_id"], view=MODAL
        )
        assert opened["ok"], opened
        modal_id = opened["view"]["id"]
        state = {"size": {"size_pick": {"type": "static_select", "selected_option": None}}}
        chosen = {"text": {"type": "plain_text", "text": "S"}, "value": "s"}
        picked = await api.json(
            "interactions.viewAction",
            team.owner.token,
            view_id=modal_id,
            action_id="size_pick",
            selected_option=chosen,
            values=state,
        )
        assert picked["ok"], picked
        last = _payloads(receiver, 2)[-1]
        assert last["actions"][0]["type"] == "static_select"
        assert last["actions"][0]["selected_option"] == chosen
        assert last["actions"][0]["block_id"] == "size"
        assert last["view"]["state"] == {"values": state}
        # Its trigger pushes onto that modal's stack.
        pushed = await api.json(
            "views.push", created.bot_token, trigger_id=last["trigger_id"], view=MODAL
        )
        assert pushed["view"]["previous_view_id"] == modal_id
    unknown = await api(
        "interactions.viewAction", team.owner.token, view_id=view_id, action_id="nope"
    )
    assert unknown["error"] == "action_not_found"
    not_mine = await api(
        "interactions.viewAction", member.token, view_id=view_id, action_id="refresh"
    )
    assert not_mine["error"] == "not_found"


async def test_block_suggestion_asks_the_app_for_options(api, factory, services):
    team = await factory.workspace()
    with Receiver(responder=_app_responder) as receiver:
        created = await create_app(services.db, team, _spec(receiver))
        async with services.db.write() as uow:
            trigger = await do_create_trigger(uow, created.app, team.owner.user_id)
        opened = await api.json("views.open", created.bot_token, trigger_id=trigger, view=MODAL)
        view_id = opened["view"]["id"]
        found = await api(
            "interactions.blockSuggestion",
            team.owner.token,
            view_id=view_id,
            action_id="city_pick",
            value="Ber",
        )
        assert found["ok"], found
        assert found["options"] == [
            {"text": {"type": "plain_text", "text": "Ber City"}, "value": "ber"}
        ]
        assert found["option_groups"][0]["label"]["text"] == "Near"
        [payload] = _payloads(receiver, 1)
        assert payload["type"] == "block_suggestion"
        assert (payload["action_id"], payload["block_id"], payload["value"]) == (
            "city_pick",
            "city",
            "Ber",
        )
        assert payload["container"] == {"type": "view", "view_id": view_id}
        assert payload["view"]["id"] == view_id
        static = await api(
            "interactions.blockSuggestion",
            team.owner.token,
            view_id=view_id,
            action_id="size_pick",
            value="x",
        )
        assert static["error"] == "action_not_found"


async def test_block_suggestion_of_an_unreachable_app_is_dispatch_failed(api, factory, services):
    team = await factory.workspace()
    created = await create_app(
        services.db, team, manifest(events=(), interactivity_url="http://127.0.0.1:9/nothing")
    )
    async with services.db.write() as uow:
        trigger = await do_create_trigger(uow, created.app, team.owner.user_id)
    opened = await api.json("views.open", created.bot_token, trigger_id=trigger, view=MODAL)
    answer = await api(
        "interactions.blockSuggestion",
        team.owner.token,
        view_id=opened["view"]["id"],
        action_id="city_pick",
        value="a",
    )
    assert answer["error"] == "dispatch_failed"
