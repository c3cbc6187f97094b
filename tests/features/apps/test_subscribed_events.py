"""Events apps may subscribe to since issue 15 (slack-machine's manifest and Slack's own
templates list them): each is delivered to the app of the workspace where it happened, and
never to another workspace's app subscribed to the same events.

Every test runs two workspaces, each with an app subscribed to all of them behind its own
loopback receiver; the action happens in the first.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from parley.features.apps.actions import CreatedApp
from parley.features.apps.delivery import Deliverer, DeliveryConfig
from parley.platform.settings import Settings
from tests.factories import Team
from tests.features.apps.helpers import Receiver, create_app, manifest

NEW_EVENTS = (
    "channel_left",
    "group_left",
    "group_archive",
    "group_unarchive",
    "group_rename",
    "user_profile_changed",
    "user_status_changed",
    "im_created",
    "im_open",
    "im_close",
    "message.app_home",
)
SCOPES = ("channels:read", "groups:read", "im:read", "users:read", "chat:write", "im:write")
FAST = DeliveryConfig(retry_delays=(0.0, 0.0, 0.0), request_timeout=2.0)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Loopback receivers need private addresses allowed (an admin's explicit choice)."""
    return dataclasses.replace(settings, outbound_allow_private=True)


@dataclass
class Side:
    team: Team
    app: CreatedApp
    receiver: Receiver

    def events_of(self, kind: str) -> list[dict[str, Any]]:
        """Delivered events of `kind` (a subscription name: `message.app_home` is a
        `message` with channel_type `app_home`)."""
        found = []
        for request in self.receiver.events():
            event = request.json()["event"]
            name = event["type"]
            if event.get("channel_type") == "app_home":
                name = "message.app_home"
            if name == kind:
                found.append(event)
        return found


Action = Callable[[Any, Side], Awaitable[None]]


async def _private_channel_with_bot(api: Any, side: Side) -> str:
    token = side.team.owner.token
    created = await api("conversations.create", token, name=f"p{time.time_ns()}", is_private=True)
    channel = str(created["channel"]["id"])
    invited = await api(
        "conversations.invite", token, channel=channel, users=side.app.app.bot_user_id
    )
    assert invited["ok"], invited
    return channel


async def _public_channel_with_bot(api: Any, side: Side) -> str:
    token = side.team.owner.token
    channel = (await api("conversations.create", token, name=f"c{time.time_ns()}"))["channel"]["id"]
    await api("conversations.invite", token, channel=channel, users=side.app.app.bot_user_id)
    return str(channel)


async def kick_from_public(api: Any, side: Side) -> None:
    channel = await _public_channel_with_bot(api, side)
    kicked = await api(
        "conversations.kick", side.team.owner.token, channel=channel, user=side.app.app.bot_user_id
    )
    assert kicked["ok"], kicked


async def kick_from_private(api: Any, side: Side) -> None:
    channel = await _private_channel_with_bot(api, side)
    kicked = await api(
        "conversations.kick", side.team.owner.token, channel=channel, user=side.app.app.bot_user_id
    )
    assert kicked["ok"], kicked


async def archive_and_unarchive_private(api: Any, side: Side) -> None:
    channel = await _private_channel_with_bot(api, side)
    token = side.team.owner.token
    assert (await api("conversations.archive", token, channel=channel))["ok"]
    assert (await api("conversations.unarchive", token, channel=channel))["ok"]


async def rename_private(api: Any, side: Side) -> None:
    channel = await _private_channel_with_bot(api, side)
    renamed = await api(
        "conversations.rename", side.team.owner.token, channel=channel, name=f"r{time.time_ns()}"
    )
    assert renamed["ok"], renamed


async def set_status(api: Any, side: Side) -> None:
    changed = await api(
        "users.profile.set",
        side.team.owner.token,
        profile='{"status_text": "riding a train", "status_emoji": ":train:"}',
    )
    assert changed["ok"], changed


async def open_close_reopen_dm(api: Any, side: Side) -> None:
    """The person opens a DM with the bot (im_created); the bot closes and reopens it."""
    bot = side.app.bot_token
    opened = await api("conversations.open", side.team.owner.token, users=side.app.app.bot_user_id)
    assert opened["ok"], opened
    channel = opened["channel"]["id"]
    assert (await api("conversations.close", bot, channel=channel))["ok"]
    assert (await api("conversations.open", bot, channel=channel))["ok"]


async def message_the_bot(api: Any, side: Side) -> None:
    token = side.team.owner.token
    opened = await api("conversations.open", token, users=side.app.app.bot_user_id)
    posted = await api("chat.postMessage", token, channel=opened["channel"]["id"], text="hi app")
    assert posted["ok"], posted


CASES: dict[str, Action] = {
    "channel_left": kick_from_public,
    "group_left": kick_from_private,
    "group_archive": archive_and_unarchive_private,
    "group_unarchive": archive_and_unarchive_private,
    "group_rename": rename_private,
    "user_profile_changed": set_status,
    "user_status_changed": set_status,
    "im_created": open_close_reopen_dm,
    "im_open": open_close_reopen_dm,
    "im_close": open_close_reopen_dm,
    "message.app_home": message_the_bot,
}


async def _drive(deliverer: Deliverer, until: Callable[[], bool], limit: float = 8.0) -> None:
    deadline = time.monotonic() + limit
    while not until():
        assert time.monotonic() < deadline, "the delivery worker did not get there in time"
        await deliverer.ingest()
        await deliverer.dispatch()
        if deliverer.tasks:
            await asyncio.gather(*deliverer.tasks, return_exceptions=True)
        await asyncio.sleep(0.02)


async def _side(factory: Any, services: Any, receiver: Receiver) -> Side:
    team = await factory.workspace()
    spec = manifest(request_url=receiver.url, events=NEW_EVENTS, bot_scopes=SCOPES)
    return Side(team, await create_app(services.db, team, spec), receiver)


def test_every_case_is_covered() -> None:
    assert set(CASES) == set(NEW_EVENTS)


@pytest.mark.parametrize("kind", NEW_EVENTS)
async def test_delivered_to_its_workspace_app_only(api, factory, services, kind: str) -> None:
    with Receiver() as here_receiver, Receiver() as there_receiver:
        here = await _side(factory, services, here_receiver)
        there = await _side(factory, services, there_receiver)
        deliverer = Deliverer(services, FAST)
        await CASES[kind](api, here)
        await _drive(deliverer, lambda: bool(here.events_of(kind)))
        await _drive(deliverer, lambda: True)  # one more pass: anything else due goes now
    [event, *_] = here.events_of(kind)
    bot = here.app.app.bot_user_id
    if kind in ("channel_left", "group_left"):
        assert event["channel"]
    elif kind in ("user_profile_changed", "user_status_changed"):
        assert event["user"]["id"] == here.team.owner.user_id
        assert event["user"]["profile"]["status_text"] == "riding a train"
        assert isinstance(event["cache_ts"], int)
    elif kind == "im_created" or kind in ("im_open", "im_close"):
        assert event["user"] == bot
    elif kind == "message.app_home":
        assert event["text"] == "hi app"
        assert event["user"] == here.team.owner.user_id
        assert "html" not in event
    else:
        assert event["channel"]
    # The other workspace's app, subscribed to the same events, heard nothing of it.
    assert there.events_of(kind) == []
    assert {r.json()["team_id"] for r in there_receiver.events()} <= {there.team.team_id}
