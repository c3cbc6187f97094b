"""An unmodified slack_bolt App over HTTP against a live Parley: Events API (app_mention →
say), a slash command (ack + respond), and a button (block_actions → respond with
replace_original). The only change to the app is its WebClient's base_url.

Parley delivers to the app's loopback port, so these tests allow private addresses
(`outbound_allow_private`), as an admin of a self-hosted Parley would for local apps.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.app.app import SlackAppDevelopmentServer
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

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


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, outbound_allow_private=True)


def build_bolt_app(token: str, signing_secret: str, api_url: str) -> App:
    app = App(client=WebClient(token=token, base_url=api_url), signing_secret=signing_secret)

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], say: Any) -> None:
        say(text=f"pong: {event['text']}", thread_ts=event["ts"])

    @app.event("message")
    def on_message() -> None:
        pass  # subscribed too; handled so that Bolt answers 200

    @app.command("/echo")
    def on_echo(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        ack(f"working on {command['text']}")
        respond(text=f"echo: {command['text']}", response_type="in_channel")

    @app.action("approve")
    def on_approve(ack: Any, respond: Any, body: dict[str, Any]) -> None:
        ack()
        value = body["actions"][0]["value"]
        respond(replace_original=True, text=f"approved {value} by <@{body['user']['id']}>")

    @app.command("/survey")
    def on_survey(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=SURVEY_VIEW)

    @app.view("survey")
    def on_survey_submit(
        ack: Any, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        answer = view["state"]["values"]["answer"]["text"].get("value") or ""
        if not answer.strip():
            ack(response_action="errors", errors={"answer": "Please answer"})
            return
        ack()
        client.views_publish(
            user_id=body["user"]["id"],
            view={
                "type": "home",
                "blocks": [
                    {"type": "section", "text": {"type": "mrkdwn", "text": f"Thanks: {answer}"}}
                ],
            },
        )

    @app.shortcut("open_survey")
    def on_global_shortcut(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=SURVEY_VIEW)

    @app.shortcut("quote")
    def on_message_shortcut(ack: Any, body: dict[str, Any], respond: Any) -> None:
        ack()
        respond(text=f"quoted: {body['message']['text']}", response_type="in_channel")

    return app


SURVEY_VIEW = {
    "type": "modal",
    "callback_id": "survey",
    "title": {"type": "plain_text", "text": "Survey"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "answer",
            "label": {"type": "plain_text", "text": "Favourite colour?"},
            "element": {"type": "plain_text_input", "action_id": "text"},
        }
    ],
}


@pytest.fixture
def bolt_http(live_server: LiveServer, sync_factory: SyncFactory) -> Iterator[dict[str, Any]]:
    team = sync_factory.workspace()
    port = free_port()
    url = f"http://127.0.0.1:{port}/slack/events"
    spec = manifest(
        name="Bolt HTTP",
        request_url=url,
        commands=("/echo", "/survey"),
        command_url=url,
        interactivity_url=url,
        shortcuts=(("global", "open_survey"), ("message", "quote")),
    )
    created = make_app(sync_factory, team, spec)
    bolt = build_bolt_app(created.bot_token, created.app.signing_secret, live_server.api_url)
    server = SlackAppDevelopmentServer(
        port, "/slack/events", bolt, http_server_logger_enabled=False
    )
    thread = threading.Thread(target=server.start, daemon=True)
    thread.start()
    owner = WebClient(token=team.owner.token, base_url=live_server.api_url)
    try:
        yield {"team": team, "created": created, "owner": owner}
    finally:
        server._server.shutdown()
        server._server.server_close()
        thread.join(timeout=5)


def test_app_mention_gets_a_threaded_reply(bolt_http: dict[str, Any]) -> None:
    owner, created = bolt_http["owner"], bolt_http["created"]
    channel = channel_with_bot(owner, created.app.bot_user_id)
    posted = owner.chat_postMessage(channel=channel, text=f"<@{created.app.bot_user_id}> ping")
    thread = wait_for(
        lambda: [m for m in replies(owner, channel, posted["ts"]) if m["ts"] != posted["ts"]],
        what="the bot's threaded reply",
    )
    [reply] = thread
    assert reply["text"] == f"pong: <@{created.app.bot_user_id}> ping"
    assert reply["user"] == created.app.bot_user_id
    assert reply["bot_id"] == created.app.bot_id  # Bolt's self-filter needs both


def test_slash_command_ack_and_respond(bolt_http: dict[str, Any]) -> None:
    owner, created = bolt_http["owner"], bolt_http["created"]
    channel = channel_with_bot(owner, created.app.bot_user_id)
    answer = owner.api_call(
        "commands.invoke", params={"channel": channel, "command": "/echo", "text": "hello"}
    )
    assert answer["response"]["response_type"] == "ephemeral"  # ack("working on hello")
    echoed = wait_for(
        lambda: [m for m in history(owner, channel) if m.get("text") == "echo: hello"],
        what="the in_channel response",
    )
    assert echoed[0]["bot_id"] == created.app.bot_id


def test_button_click_replaces_the_original(bolt_http: dict[str, Any], live_server) -> None:
    owner, created = bolt_http["owner"], bolt_http["created"]
    bot = WebClient(token=created.bot_token, base_url=live_server.api_url)
    channel = channel_with_bot(owner, created.app.bot_user_id)
    posted = bot.chat_postMessage(channel=channel, text="Deploy v2?", blocks=BUTTON_BLOCKS)
    owner.api_call(
        "interactions.blockAction",
        params={"channel": channel, "ts": posted["ts"], "action_id": "approve"},
    )
    expected = f"approved v2 by <@{bolt_http['team'].owner.user_id}>"
    wait_for(
        lambda: [
            m for m in history(owner, channel) if m["ts"] == posted["ts"] and m["text"] == expected
        ],
        what="the replaced message",
    )


def test_modal_errors_then_submit_then_app_home(bolt_http: dict[str, Any]) -> None:
    owner = bolt_http["owner"]
    channel = channel_with_bot(owner, bolt_http["created"].app.bot_user_id)
    owner.api_call("commands.invoke", params={"channel": channel, "command": "/survey"})
    [modal] = wait_for(
        lambda: [v for v in owner.api_call("views.list")["views"] if v["type"] == "modal"],
        what="the modal opened with the trigger_id",
    )
    assert modal["callback_id"] == "survey"
    assert modal["title"]["text"] == "Survey"
    empty = {"answer": {"text": {"type": "plain_text_input", "value": ""}}}
    refused = owner.api_call("views.submit", json={"view_id": modal["id"], "values": empty})
    assert refused["response_action"] == "errors"
    assert refused["errors"] == {"answer": "Please answer"}
    filled = {"answer": {"text": {"type": "plain_text_input", "value": "blue"}}}
    done = owner.api_call("views.submit", json={"view_id": modal["id"], "values": filled})
    assert done["response_action"] == "close"
    [home] = wait_for(
        lambda: [v for v in owner.api_call("views.list")["views"] if v["type"] == "home"],
        what="the App Home published after the submission",
    )
    assert home["blocks"][0]["text"]["text"] == "Thanks: blue"
    assert not [v for v in owner.api_call("views.list")["views"] if v["type"] == "modal"]


def test_global_and_message_shortcuts(bolt_http: dict[str, Any]) -> None:
    owner, created = bolt_http["owner"], bolt_http["created"]
    listed = owner.api_call("shortcuts.list")["shortcuts"]
    assert {(s["type"], s["callback_id"]) for s in listed} == {
        ("global", "open_survey"),
        ("message", "quote"),
    }
    owner.api_call(
        "interactions.shortcut", params={"app_id": created.app.id, "callback_id": "open_survey"}
    )
    wait_for(
        lambda: [v for v in owner.api_call("views.list")["views"] if v["type"] == "modal"],
        what="the modal opened from a global shortcut",
    )
    channel = channel_with_bot(owner, created.app.bot_user_id)
    posted = owner.chat_postMessage(channel=channel, text="worth quoting")
    owner.api_call(
        "interactions.shortcut",
        params={
            "app_id": created.app.id,
            "callback_id": "quote",
            "channel": channel,
            "ts": posted["ts"],
        },
    )
    wait_for(
        lambda: [m for m in history(owner, channel) if m.get("text") == "quoted: worth quoting"],
        what="the message shortcut's response",
    )
    with pytest.raises(SlackApiError) as missing:
        owner.api_call(
            "interactions.shortcut", params={"app_id": created.app.id, "callback_id": "quote"}
        )
    assert missing.value.response["error"] == "shortcut_not_found"
