"""Socket Mode: events held while no socket was connected arrive as retries (Slack's
contract: `retry_attempt` >= 1 and a `retry_reason`), and an app that set
`max_event_age` gets none older than that (decision 0015)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import websockets.sync.client as ws_client
from slack_sdk import WebClient

from parley.features.apps.delivery import CONFIG
from tests.conftest import LiveServer, SyncFactory
from tests.contract.bolt_support import channel_with_bot, make_app, wait_for
from tests.features.apps.helpers import create_app, manifest

pytestmark = pytest.mark.slow


def _events(sock: Any, seconds: float) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            message = json.loads(sock.recv(timeout=0.1))
        except TimeoutError:
            continue
        if message.get("type") == "events_api":
            sock.send(json.dumps({"envelope_id": message["envelope_id"]}))
            found.append(message)
    return found


@pytest.fixture
def quick_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CONFIG, "socket_wait", 0.1)


def _setup(live_server: LiveServer, sync_factory: SyncFactory) -> tuple[Any, WebClient, str]:
    team = sync_factory.workspace()
    created = make_app(
        sync_factory, team, manifest(name="Away", socket_mode=True, events=("app_mention",))
    )
    owner = WebClient(token=team.owner.token, base_url=live_server.api_url)
    channel = channel_with_bot(owner, created.app.bot_user_id)
    return created, owner, channel


def _status(owner: WebClient, app_id: str) -> dict[str, Any]:
    answer = owner.api_call("apps.event_delivery.status", params={"app_id": app_id})
    body: dict[str, Any] = answer.data  # type: ignore[assignment]
    return body


def test_an_event_held_while_disconnected_arrives_as_a_retry(
    live_server: LiveServer, sync_factory: SyncFactory, quick_hold: None
) -> None:
    created, owner, channel = _setup(live_server, sync_factory)
    owner.chat_postMessage(channel=channel, text=f"<@{created.app.bot_user_id}> while away")
    wait_for(
        lambda: any(d["attempts"] for d in _status(owner, created.app.id)["deliveries"]),
        what="the delivery to be held",
    )
    url = WebClient(base_url=live_server.api_url).apps_connections_open(
        app_token=created.app_token
    )["url"]
    with ws_client.connect(url) as sock:
        assert json.loads(sock.recv(timeout=5))["type"] == "hello"
        [held] = _events(sock, 3.0)
        owner.chat_postMessage(channel=channel, text=f"<@{created.app.bot_user_id}> now")
        [fresh] = _events(sock, 3.0)
    assert held["payload"]["event"]["text"].endswith("while away")
    assert (held["retry_attempt"], held["retry_reason"]) == (1, "connection_failed")
    assert (fresh["retry_attempt"], fresh["retry_reason"]) == (0, "")


def test_max_event_age_drops_what_waited_too_long(
    live_server: LiveServer, sync_factory: SyncFactory, quick_hold: None
) -> None:
    created, owner, channel = _setup(live_server, sync_factory)
    set_age = owner.api_call(
        "apps.event_delivery.update", params={"app_id": created.app.id, "max_event_age": 1}
    )
    assert set_age["max_event_age"] == 1
    owner.chat_postMessage(channel=channel, text=f"<@{created.app.bot_user_id}> stale")
    wait_for(
        lambda: {d["state"] for d in _status(owner, created.app.id)["deliveries"]} == {"expired"},
        timeout=10,
        what="the held event to expire",
    )
    url = WebClient(base_url=live_server.api_url).apps_connections_open(
        app_token=created.app_token
    )["url"]
    with ws_client.connect(url) as sock:
        assert json.loads(sock.recv(timeout=5))["type"] == "hello"
        assert _events(sock, 1.0) == []
    status = _status(owner, created.app.id)
    assert status["enabled"] is True  # dropping on request is not a failure
    assert status["consecutive_failures"] == 0


async def test_max_event_age_is_for_admins_and_bounded(api, factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    app_id = (await create_app(factory.db, team, manifest(socket_mode=True))).app.id
    denied = await api("apps.event_delivery.update", member.token, app_id=app_id, max_event_age=5)
    assert denied["error"] == "no_permission"
    too_old = await api(
        "apps.event_delivery.update", team.owner.token, app_id=app_id, max_event_age=999_999
    )
    assert too_old["error"] == "invalid_arguments"
    other = await factory.workspace()
    elsewhere = await api(
        "apps.event_delivery.update", other.owner.token, app_id=app_id, max_event_age=5
    )
    assert elsewhere["error"] == "app_not_found"
    cleared = await api(
        "apps.event_delivery.update", team.owner.token, app_id=app_id, max_event_age=0
    )
    assert cleared["max_event_age"] == 0
