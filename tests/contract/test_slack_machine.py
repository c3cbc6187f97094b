"""slack-machine (PyPI `slack-machine`), unchanged, against a live Parley: the bot starts
(auth.test, bots.info, users.list, conversations.list, Socket Mode), receives messages and
answers through its own builtin plugins.

slack-machine has no setting for the Web API's base URL: `Machine._setup_slack_clients`
builds `AsyncWebClient(token=…)`, whose default is https://slack.com/api/. The test redirects
that one name in this process's environment (`machine.core.AsyncWebClient` is replaced by
slack_sdk's own client with `base_url` set to Parley), the way a deployment would point an
HTTP proxy or DNS at Parley; no line of slack-machine is changed. The Socket Mode URL then
comes from Parley's `apps.connections.open`.

The app is made from slack-machine's official manifest (its repository's
docs/extra/manifest.yaml; the PyPI package does not ship it), unchanged: Parley installs it
and warns of what it does not serve or deliver yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from slack_sdk import WebClient
from slack_sdk.web.async_client import AsyncWebClient

from parley.features.apps.manifest import check_manifest
from tests.conftest import LiveServer, SyncFactory
from tests.contract.bolt_support import history, make_app, wait_for

machine_core = pytest.importorskip("machine.core")
machine_settings = pytest.importorskip("machine.settings")

pytestmark = pytest.mark.slow

# slack-machine's official manifest (docs/extra/manifest.yaml, slack-machine 0.40).
SLACK_MACHINE_MANIFEST = """
display_information:
  name: Slack Machine
features:
  bot_user:
    display_name: Slack Machine
    always_online: false
oauth_config:
  scopes:
    bot:
      - app_mentions:read
      - channels:history
      - channels:join
      - channels:read
      - chat:write
      - chat:write.public
      - emoji:read
      - groups:history
      - groups:read
      - groups:write
      - im:history
      - im:read
      - im:write
      - mpim:history
      - mpim:read
      - mpim:write
      - pins:read
      - pins:write
      - reactions:read
      - reactions:write
      - users:read
      - users:read.email
      - channels:manage
      - chat:write.customize
      - dnd:read
      - files:read
      - files:write
      - links:read
      - links:write
      - metadata.message:read
      - usergroups:read
      - usergroups:write
      - users.profile:read
      - users:write
settings:
  event_subscriptions:
    bot_events:
      - app_home_opened
      - app_mention
      - channel_archive
      - channel_created
      - channel_deleted
      - channel_id_changed
      - channel_left
      - channel_rename
      - channel_unarchive
      - group_archive
      - group_deleted
      - group_left
      - group_rename
      - group_unarchive
      - member_joined_channel
      - member_left_channel
      - message.channels
      - message.groups
      - message.im
      - message.mpim
      - reaction_added
      - reaction_removed
      - team_join
      - user_change
      - user_profile_changed
      - user_status_changed
  interactivity:
    is_enabled: true
  org_deploy_enabled: false
  socket_mode_enabled: true
  token_rotation_enabled: false
"""


class RunningMachine:
    """slack-machine's `Machine.run()` on its own event loop in a thread."""

    def __init__(self, settings: dict[str, Any]) -> None:
        # slack-machine's defaults (no local_settings module), then this test's settings.
        merged, _ = machine_settings.import_settings("no_local_settings_for_this_test")
        for key, value in settings.items():
            merged[key] = value
        self.machine = machine_core.Machine(settings=merged)
        self.loop = asyncio.new_event_loop()
        self.task: asyncio.Task[None] | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.task = self.loop.create_task(self.machine.run())
        try:
            self.loop.run_until_complete(self.task)
        except asyncio.CancelledError:
            pass
        except BaseException as error:  # surfaced by the test, not lost in the thread
            self.error = error
        finally:
            # close() assumes start-up got as far as the Socket Mode client.
            with contextlib.suppress(AttributeError):
                self.loop.run_until_complete(self.machine.close())
            self.loop.close()

    def stop(self) -> None:
        if self.task is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.task.cancel)
        self.thread.join(timeout=10)


@pytest.fixture
def slack_machine(
    live_server: LiveServer, sync_factory: SyncFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    team = sync_factory.workspace()
    spec = yaml.safe_load(SLACK_MACHINE_MANIFEST)
    created = make_app(sync_factory, team, spec)
    owner = WebClient(token=team.owner.token, base_url=live_server.api_url)
    channel = owner.conversations_create(name="machine-room")["channel"]["id"]
    owner.conversations_invite(channel=channel, users=created.app.bot_user_id)
    # The one redirection (see the module docstring): slack-machine's Web API client talks
    # to Parley instead of slack.com.
    monkeypatch.setattr(
        machine_core,
        "AsyncWebClient",
        functools.partial(AsyncWebClient, base_url=live_server.api_url),
    )
    running = RunningMachine(
        {
            "SLACK_BOT_TOKEN": created.bot_token,
            "SLACK_APP_TOKEN": created.app_token,
            "PLUGINS": [
                "machine.plugins.builtin.general.PingPongPlugin",
                "machine.plugins.builtin.general.HelloPlugin",
            ],
        }
    )
    running.thread.start()
    try:
        wait_for(
            lambda: running.error or _connected(live_server, created.app.id),
            timeout=20,
            what="slack-machine's Socket Mode connection",
        )
        if running.error is not None:
            raise running.error
        yield {"owner": owner, "channel": channel, "created": created, "team": team}
    finally:
        running.stop()


def _connected(live_server: LiveServer, app_id: str) -> bool:
    from parley.features.apps.socket import socket_hub

    return socket_hub(live_server.services).has(app_id)


def test_the_official_manifest_installs_with_warnings() -> None:
    checked = check_manifest(yaml.safe_load(SLACK_MACHINE_MANIFEST))
    warned = {w["pointer"]: w["code"] for w in checked.warnings}
    scopes = checked.raw["oauth_config"]["scopes"]["bot"]
    assert (
        warned[f"/oauth_config/scopes/bot/{scopes.index('metadata.message:read')}"]
        == "scope_not_served"
    )
    events = checked.raw["settings"]["event_subscriptions"]["bot_events"]
    changed_id = f"/settings/event_subscriptions/bot_events/{events.index('channel_id_changed')}"
    assert warned[changed_id] == "event_not_delivered"
    assert "metadata.message:read" in checked.bot_scopes  # kept: the install grants it


def test_slack_machine_replies_to_a_message_and_a_mention(slack_machine: dict[str, Any]) -> None:
    owner, channel = slack_machine["owner"], slack_machine["channel"]
    bot_user_id = slack_machine["created"].app.bot_user_id
    owner_id = slack_machine["team"].owner.user_id

    owner.chat_postMessage(channel=channel, text="ping")  # PingPongPlugin: listen_to ^ping$
    [pong] = wait_for(
        lambda: [
            m
            for m in history(owner, channel)
            if m.get("user") == bot_user_id and not m.get("subtype")
        ],
        what="slack-machine's pong",
    )
    assert pong["text"] == "pong"
    assert pong["bot_profile"]["name"] == "Slack Machine"

    # HelloPlugin: respond_to ^(hi|hello), addressed to the bot; it answers with a mention.
    owner.chat_postMessage(channel=channel, text=f"<@{bot_user_id}> hello")
    [greeting] = wait_for(
        lambda: [m for m in history(owner, channel) if m.get("text", "").startswith("Hello")],
        what="slack-machine's greeting",
    )
    assert greeting["text"] == f"Hello, <@{owner_id}>!"
    assert greeting["user"] == bot_user_id
