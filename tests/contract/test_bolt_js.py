"""An unmodified Bolt for JavaScript app (`@slack/bolt`, pinned by
tests/contract/bolt_js/package-lock.json and installed by `scripts/install --dev`) over
HTTP against a live Parley. Its only change is `clientOptions.slackApiUrl`; Bolt's own
receiver verifies Parley's request signatures.

Covered: `auth.test` at start-up, an `app_mention` and a `message` event answered with
`say()`, a slash command (`ack` + `respond`), and a button click (`block_actions` →
`respond` with `replace_original`).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from parley.platform.settings import Settings
from tests.conftest import LiveServer, SyncFactory, free_port
from tests.contract.bolt_support import (
    BUTTON_BLOCKS,
    channel_with_bot,
    history,
    make_app,
    replies,
    wait_for,
)
from tests.features.apps.helpers import manifest

pytestmark = pytest.mark.slow

APP_DIR = Path(__file__).parent / "bolt_js"
NODE = shutil.which("node")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, outbound_allow_private=True)


@pytest.fixture
def bolt_js(
    live_server: LiveServer, sync_factory: SyncFactory, tmp_path: Path
) -> Iterator[dict[str, Any]]:
    if NODE is None:
        pytest.skip("node is not installed: the Bolt for JavaScript test needs Node.js 20+")
    assert (APP_DIR / "node_modules" / "@slack" / "bolt").is_dir(), (
        "@slack/bolt is not installed: run `scripts/install --dev` "
        "(npm ci --prefix tests/contract/bolt_js)"
    )
    team = sync_factory.workspace()
    port = free_port()
    url = f"http://127.0.0.1:{port}/slack/events"
    spec = manifest(
        name="Bolt JS",
        request_url=url,
        commands=("/jsecho",),
        command_url=url,
        interactivity_url=url,
    )
    created = make_app(sync_factory, team, spec)
    log = tmp_path / "bolt-js.log"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "SLACK_BOT_TOKEN": created.bot_token,
        "SLACK_SIGNING_SECRET": created.app.signing_secret,
        "SLACK_API_URL": live_server.api_url,
        "PORT": str(port),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [NODE, "app.js"], cwd=APP_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while b"bolt-js ready" not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Bolt JS app did not start:\n{log.read_text()}")
            time.sleep(0.05)
        owner = WebClient(token=team.owner.token, base_url=live_server.api_url)
        yield {"team": team, "created": created, "owner": owner, "log": log}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_mention_and_message_get_replies(bolt_js: dict[str, Any]) -> None:
    owner, created = bolt_js["owner"], bolt_js["created"]
    bot = created.app.bot_user_id
    channel = channel_with_bot(owner, bot)
    posted = owner.chat_postMessage(channel=channel, text=f"<@{bot}> ping")
    thread = wait_for(
        lambda: [m for m in replies(owner, channel, posted["ts"]) if m["ts"] != posted["ts"]],
        what="the JS bot's threaded reply",
    )
    [reply] = thread
    assert reply["text"] == f"pong from js: <@{bot}> ping"
    assert reply["user"] == bot and reply["bot_id"] == created.app.bot_id
    owner.chat_postMessage(channel=channel, text="knock knock")
    owner_id = bolt_js["team"].owner.user_id
    wait_for(
        lambda: [m for m in history(owner, channel) if m["text"] == f"Who's there, <@{owner_id}>?"],
        what="the reply to a plain message",
    )


def test_slash_command_ack_and_respond(bolt_js: dict[str, Any]) -> None:
    owner, created = bolt_js["owner"], bolt_js["created"]
    channel = channel_with_bot(owner, created.app.bot_user_id)
    answer = owner.api_call(
        "commands.invoke", params={"channel": channel, "command": "/jsecho", "text": "hello"}
    )
    # ack("working on hello") was shown to the invoker only.
    assert answer["response"]["response_type"] == "ephemeral" and answer["response"]["ts"]
    echoed = wait_for(
        lambda: [m for m in history(owner, channel) if m.get("text") == "js echo: hello"],
        what="the in_channel response",
    )
    assert echoed[0]["bot_id"] == created.app.bot_id


def test_button_click_replaces_the_original(
    bolt_js: dict[str, Any], live_server: LiveServer
) -> None:
    owner, created = bolt_js["owner"], bolt_js["created"]
    bot = WebClient(token=created.bot_token, base_url=live_server.api_url)
    channel = channel_with_bot(owner, created.app.bot_user_id)
    posted = bot.chat_postMessage(channel=channel, text="Deploy v2?", blocks=BUTTON_BLOCKS)
    owner.api_call(
        "interactions.blockAction",
        params={"channel": channel, "ts": posted["ts"], "action_id": "approve"},
    )
    expected = f"js approved v2 by <@{bolt_js['team'].owner.user_id}>"
    wait_for(
        lambda: [
            m for m in history(owner, channel) if m["ts"] == posted["ts"] and m["text"] == expected
        ],
        what="the replaced message",
    )
    assert "invalid request" not in bolt_js["log"].read_text()  # every signature verified
