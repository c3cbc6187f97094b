"""The Events API worker, driven pass by pass against a loopback receiver.

Loopback request URLs are refused by default (SSRF); these tests set
`outbound_allow_private` on the settings, as a self-hosted admin would.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest
from slack_sdk.signature import SignatureVerifier

from parley.features.apps.delivery import Deliverer, DeliveryConfig
from parley.platform.settings import Settings
from tests.features.apps.helpers import Received, Receiver, create_app, manifest


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Loopback receivers need private addresses allowed (an admin's explicit choice)."""
    return dataclasses.replace(settings, outbound_allow_private=True)


FAST = DeliveryConfig(retry_delays=(0.0, 0.0, 0.0), disable_after=2, request_timeout=2.0)


async def drive(deliverer: Deliverer, until, limit: float = 8.0) -> None:
    """Run worker passes until `until()` holds (bounded)."""
    deadline = time.monotonic() + limit
    while not until():
        assert time.monotonic() < deadline, "worker did not get there in time"
        await deliverer.ingest()
        await deliverer.dispatch()
        if deliverer.tasks:
            await asyncio.gather(*deliverer.tasks, return_exceptions=True)
        await asyncio.sleep(0.02)


def _verifications(receiver: Receiver) -> int:
    return sum(1 for r in receiver.received if r.json().get("type") == "url_verification")


async def _channel_with_bot(api, team, bot_user_id: str) -> str:
    channel = (await api("conversations.create", team.owner.token, name=f"c{time.time_ns()}"))[
        "channel"
    ]["id"]
    assert (
        await api("conversations.invite", team.owner.token, channel=channel, users=bot_user_id)
    )["ok"]
    return channel


async def test_message_and_mention_are_delivered_signed(api, factory, services):
    team = await factory.workspace()
    with Receiver() as receiver:
        created = await create_app(services.db, team, manifest(request_url=receiver.url))
        app = created.app
        channel = await _channel_with_bot(api, team, app.bot_user_id)
        deliverer = Deliverer(services, FAST)
        await drive(deliverer, lambda: _verifications(receiver) == 1)
        posted = await api(
            "chat.postMessage",
            team.owner.token,
            channel=channel,
            text=f"hey <@{app.bot_user_id}> deploy",
        )
        await drive(deliverer, lambda: len(receiver.events()) >= 2)
    verifier = SignatureVerifier(app.signing_secret)
    by_type = {r.json()["event"]["type"]: r for r in receiver.events()}
    assert set(by_type) == {"message", "app_mention"}
    for request in by_type.values():
        assert verifier.is_valid_request(request.body, request.headers)
        assert "x-slack-retry-num" not in request.headers
        body = request.json()
        assert body["api_app_id"] == app.id
        assert body["team_id"] == team.team_id
        assert body["token"] == app.verification_token
        assert body["event_id"].startswith("Ev")
        assert body["authorizations"][0]["user_id"] == app.bot_user_id
        assert body["event"]["ts"] == posted["ts"]
        assert body["event"]["channel"] == channel
        assert "html" not in body["event"]
    assert by_type["message"].json()["event_id"] != by_type["app_mention"].json()["event_id"]
    mention = by_type["app_mention"].json()["event"]
    assert mention["user"] == team.owner.user_id
    assert mention["text"] == f"hey <@{app.bot_user_id}> deploy"


async def test_not_member_not_subscribed_nothing_delivered(api, factory, services):
    team = await factory.workspace()
    with Receiver() as receiver:
        created = await create_app(
            services.db, team, manifest(request_url=receiver.url, events=("app_mention",))
        )
        deliverer = Deliverer(services, FAST)
        await drive(deliverer, lambda: _verifications(receiver) == 1)
        general = (await api("conversations.create", team.owner.token, name="quiet"))["channel"][
            "id"
        ]
        await api(
            "chat.postMessage",
            team.owner.token,
            channel=general,
            text=f"<@{created.app.bot_user_id}> you are not here",
        )
        member_channel = await _channel_with_bot(api, team, created.app.bot_user_id)
        await api("chat.postMessage", team.owner.token, channel=member_channel, text="no mention")
        await api(
            "chat.postMessage",
            team.owner.token,
            channel=member_channel,
            text=f"<@{created.app.bot_user_id}> here",
        )
        await drive(deliverer, lambda: len(receiver.events()) >= 1)
        await asyncio.sleep(0.2)
        await drive(deliverer, lambda: True)
    events = receiver.events()
    assert [e.json()["event"]["type"] for e in events] == ["app_mention"]
    assert events[0].json()["event"]["channel"] == member_channel


async def test_retries_carry_same_event_id_then_app_is_disabled(api, factory, services):
    team = await factory.workspace()

    def failing(request: Received) -> tuple[int, dict[str, str], bytes]:
        return 500, {}, b"boom"

    with Receiver(responder=failing) as receiver:
        created = await create_app(services.db, team, manifest(request_url=receiver.url))
        app = created.app
        channel = await _channel_with_bot(api, team, app.bot_user_id)
        deliverer = Deliverer(services, dataclasses.replace(FAST, disable_after=3))
        await api("chat.postMessage", team.owner.token, channel=channel, text="one")
        # url_verification, the bot's channel_join message and "one": 3 events given up,
        # each tried 4 times (the original and 3 retries); then delivery is disabled.
        await drive(deliverer, lambda: len(receiver.received) >= 12)
        status = await api("apps.event_delivery.status", team.owner.token, app_id=app.id)
    by_event: dict[str, list[Received]] = {}
    for request in receiver.events():
        by_event.setdefault(request.json()["event_id"], []).append(request)
    assert len(by_event) == 2
    for attempts in by_event.values():
        assert [a.headers.get("x-slack-retry-num") for a in attempts] == [None, "1", "2", "3"]
        assert {a.headers.get("x-slack-retry-reason") for a in attempts[1:]} == {"http_error"}
        assert len({a.body for a in attempts}) == 1  # the same event, byte for byte
    assert status["enabled"] is False
    assert "3 events failed in a row" in status["disabled_reason"]
    assert {d["state"] for d in status["deliveries"]} == {"failed"}


async def test_no_retry_header_stops_retries(api, factory, services):
    team = await factory.workspace()

    def refuse(request: Received) -> tuple[int, dict[str, str], bytes]:
        return 404, {"x-slack-no-retry": "1"}, b""

    with Receiver(responder=refuse) as receiver:
        created = await create_app(services.db, team, manifest(request_url=receiver.url))
        channel = await _channel_with_bot(api, team, created.app.bot_user_id)
        await api("chat.postMessage", team.owner.token, channel=channel, text="one")
        deliverer = Deliverer(services, dataclasses.replace(FAST, disable_after=100))
        await drive(deliverer, lambda: len(receiver.events()) >= 2)  # channel_join + "one"
        for _ in range(5):
            await drive(deliverer, lambda: True)
            await asyncio.sleep(0.02)
    ids = [e.json()["event_id"] for e in receiver.events()]
    assert len(ids) == 2
    assert len(set(ids)) == 2  # each event once: no retries
