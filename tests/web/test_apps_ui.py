"""End to end: an unmodified slack_bolt app (Socket Mode) and a person in the browser —
slash commands with ephemeral answers, App Home, a modal with validation errors, external
select options, global and message shortcuts."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import expect
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient

from tests.conftest import LiveServer
from tests.contract.bolt_support import wait_for
from tests.web.conftest import Person, Web

pytestmark = pytest.mark.slow

APP_NAME = "Helpdesk"

MANIFEST = {
    "display_information": {"name": APP_NAME, "description": "Tickets for the office"},
    "features": {
        "bot_user": {"display_name": APP_NAME, "always_online": True},
        "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True},
        "slash_commands": [
            {"command": "/echo", "description": "Repeats what you say", "usage_hint": "[text]"}
        ],
        "shortcuts": [
            {
                "name": "New ticket",
                "type": "global",
                "callback_id": "new_ticket",
                "description": "Open a ticket",
            },
            {
                "name": "Quote in a ticket",
                "type": "message",
                "callback_id": "quote",
                "description": "Quote a message",
            },
        ],
    },
    "oauth_config": {"scopes": {"bot": ["chat:write", "commands"]}},
    "settings": {
        "event_subscriptions": {"bot_events": ["app_home_opened"]},
        "interactivity": {"is_enabled": True},
        "socket_mode_enabled": True,
    },
}

PRIORITIES = [
    {"text": {"type": "plain_text", "text": "Low"}, "value": "low"},
    {"text": {"type": "plain_text", "text": "High"}, "value": "high"},
]
CITIES = ["Oslo", "Osaka", "Lisbon", "Berlin"]

FORM = {
    "type": "modal",
    "callback_id": "ticket",
    "notify_on_close": True,
    "title": {"type": "plain_text", "text": "New ticket"},
    "submit": {"type": "plain_text", "text": "Create"},
    "close": {"type": "plain_text", "text": "Cancel"},
    "blocks": [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "Tell us *what is wrong*; we answer within a day."},
        },
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "Title"},
            "hint": {"type": "plain_text", "text": "A few words, e.g. “Printer jammed”."},
            "element": {
                "type": "plain_text_input",
                "action_id": "value",
                "min_length": 3,
                "max_length": 60,
            },
        },
        {
            "type": "input",
            "block_id": "priority",
            "label": {"type": "plain_text", "text": "Priority"},
            "element": {"type": "static_select", "action_id": "value", "options": PRIORITIES},
        },
        {
            "type": "input",
            "block_id": "office",
            "optional": True,
            "label": {"type": "plain_text", "text": "Office"},
            "element": {"type": "external_select", "action_id": "city", "min_query_length": 1},
        },
    ],
}


@dataclass
class Helpdesk:
    """What the app saw, for the test to assert on."""

    homes: list[dict[str, Any]] = field(default_factory=list)
    submissions: list[dict[str, Any]] = field(default_factory=list)
    closed: list[dict[str, Any]] = field(default_factory=list)
    dm: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def build_helpdesk(bot_token: str, signing_secret: str, api_url: str, seen: Helpdesk) -> App:
    app = App(client=WebClient(token=bot_token, base_url=api_url), signing_secret=signing_secret)

    def publish_home(client: WebClient, user: str) -> None:
        client.views_publish(
            user_id=user,
            view={
                "type": "home",
                "blocks": [
                    {"type": "header", "text": {"type": "plain_text", "text": "Helpdesk"}},
                    {
                        "type": "section",
                        "text": {
                            "type": "mrkdwn",
                            "text": f"Hello <@{user}>! You have *{len(seen.submissions)}* "
                            "open tickets.",
                        },
                    },
                    {"type": "divider"},
                    {
                        "type": "actions",
                        "block_id": "home_actions",
                        "elements": [
                            {
                                "type": "button",
                                "action_id": "open_form",
                                "style": "primary",
                                "text": {"type": "plain_text", "text": "Open a ticket"},
                            }
                        ],
                    },
                    {
                        "type": "context",
                        "elements": [{"type": "mrkdwn", "text": "Answers arrive in _Messages_."}],
                    },
                ],
            },
        )

    @app.event("app_home_opened")
    def on_home(event: dict[str, Any], client: WebClient) -> None:
        with seen.lock:
            seen.homes.append(event)
            seen.dm[event["user"]] = event["channel"]
        if event["tab"] == "home":
            publish_home(client, event["user"])

    @app.command("/echo")
    def on_echo(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        ack()
        respond(text=f"echo: {command['text']}")

    @app.action("open_form")
    def on_open(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=FORM)

    @app.shortcut("new_ticket")
    def on_shortcut(ack: Any, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=shortcut["trigger_id"], view=FORM)

    @app.shortcut("quote")
    def on_quote(ack: Any, shortcut: dict[str, Any], respond: Any) -> None:
        ack()
        respond(text=f"Quoted: {shortcut['message']['text']}")

    @app.options("city")
    def on_city(ack: Any, payload: dict[str, Any]) -> None:
        typed = payload.get("value", "").lower()
        ack(
            options=[
                {"text": {"type": "plain_text", "text": city}, "value": city[:3].lower()}
                for city in CITIES
                if city.lower().startswith(typed)
            ]
        )

    @app.view("ticket")
    def on_submit(ack: Any, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        values = view["state"]["values"]
        title = values["title"]["value"]["value"]
        if "bad" in title.lower():
            ack(response_action="errors", errors={"title": "Titles cannot contain “bad”."})
            return
        ack()
        priority = values["priority"]["value"]["selected_option"]["value"]
        office = (values["office"]["city"].get("selected_option") or {}).get("value", "none")
        with seen.lock:
            seen.submissions.append(values)
        user = body["user"]["id"]
        client.chat_postMessage(
            channel=seen.dm[user], text=f"Ticket created: {title} ({priority}, {office})"
        )
        publish_home(client, user)

    @app.view_closed("ticket")
    def on_closed(ack: Any, body: dict[str, Any]) -> None:
        ack()
        with seen.lock:
            seen.closed.append(body)

    return app


@pytest.fixture
def helpdesk(web: Web, live_server: LiveServer) -> Iterator[tuple[Person, Helpdesk, str]]:
    alice = web.person("Alice Archer")
    web.sign_up(alice)
    created = alice.api("apps.manifest.create", manifest=MANIFEST)
    assert created["ok"], created
    seen = Helpdesk()
    bolt = build_helpdesk(
        created["bot_token"], created["credentials"]["signing_secret"], live_server.api_url, seen
    )
    handler = SocketModeHandler(bolt, created["app_token"])
    handler.connect()
    from parley.features.apps.socket import socket_hub

    wait_for(
        lambda: socket_hub(live_server.services).has(created["app_id"]),
        what="the app's Socket Mode connection",
    )
    try:
        # The bot user joined after this page loaded its people: reload to list the app.
        alice.page.reload()
        alice.page.get_by_role("heading", level=1).filter(has_text="general").wait_for()
        yield alice, seen, created["app_id"]
    finally:
        handler.close()


def test_slash_commands_and_ephemeral_answers(helpdesk: tuple[Person, Helpdesk, str]) -> None:
    alice, _, _ = helpdesk
    page = alice.page
    box = alice.composer("Message #general")
    box.fill("/ec")  # "/" alone lists the built-in commands first
    menu = page.get_by_role("listbox", name="Slash commands")
    expect(menu).to_be_visible()
    option = menu.get_by_role("option").filter(has_text="/echo")
    expect(option).to_contain_text("Repeats what you say")
    expect(option).to_contain_text("[text]")
    expect(option).to_contain_text(APP_NAME)
    alice.screenshot("apps-01-slash-autocomplete")

    # Enter completes the command; Enter again runs it (nothing is posted to the channel).
    box.press("Enter")
    expect(box).to_have_text(re.compile(r"^/echo\s*$"))  # the composer is rich text
    box.press_sequentially("hi")
    box.press("Enter")
    answer = alice.message("echo: hi")
    expect(answer).to_be_visible()
    expect(answer).to_contain_text("Only visible to you")
    expect(box).to_have_text("")
    assert not [
        m
        for m in alice.api("conversations.history", channel=_general(alice))["messages"]
        if "echo" in m.get("text", "")
    ], "the command and its ephemeral answer stay out of the channel's history"
    answer.get_by_role("button", name="Dismiss message").click()
    expect(answer).to_have_count(0)

    # An unknown command: a clear error, and the text stays for fixing.
    box.fill("/nope do things")
    box.press("Enter")
    expect(
        page.get_by_role("alert").filter(has_text="/nope is not a valid command")
    ).to_be_visible()
    expect(box).to_have_text("/nope do things")
    assert [e for e in alice.console_errors if e.startswith("pageerror")] == []


def _general(person: Person) -> str:
    channels = person.api("users.conversations")["channels"]
    return str(next(c["id"] for c in channels if c.get("name") == "general"))


def test_app_home_modal_errors_and_shortcuts(helpdesk: tuple[Person, Helpdesk, str]) -> None:
    alice, seen, app_id = helpdesk
    page = alice.page

    # App Home: listed under Apps; opening it tells the app, which publishes the Home view.
    apps = page.get_by_role("list", name="Apps")
    link = apps.get_by_role("link", name=APP_NAME)
    expect(link).to_have_attribute("data-app", app_id)
    link.click()
    expect(page.get_by_role("tab", name="Home")).to_have_attribute("aria-selected", "true")
    home = page.get_by_role("tabpanel")
    expect(home).to_contain_text("You have 0 open tickets")
    wait_for(lambda: [e for e in seen.homes if e["tab"] == "home"], what="app_home_opened")
    assert seen.homes[0]["user"] == _self_id(alice)
    assert seen.homes[0]["channel"].startswith("D")
    expect(home.get_by_role("button", name="Open a ticket")).to_be_visible()
    alice.screenshot("apps-02-app-home")

    # A button in the Home opens a modal (block_actions → views.open).
    home.get_by_role("button", name="Open a ticket").click()
    dialog = page.get_by_role("dialog", name="New ticket")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(dialog.get_by_label("Title")).to_be_focused()
    assert alice.axe_violations() == []

    # Client-side checks first: required fields.
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.get_by_text("Please complete this required field.")).to_have_count(2)
    assert seen.submissions == []

    # The app refuses a value: its message shows under the field, the modal stays open.
    dialog.get_by_label("Title").fill("bad printer")
    dialog.get_by_label("Priority").select_option("high")
    office = dialog.get_by_role("combobox", name="Office")
    office.press_sequentially("Os")
    options = dialog.get_by_role("listbox")
    expect(options.get_by_role("option")).to_have_text(["Oslo", "Osaka"])
    options.get_by_role("option", name="Oslo").click()
    expect(office).to_have_value("Oslo")
    dialog.get_by_role("button", name="Create").click()
    error = dialog.get_by_role("alert").filter(has_text="Titles cannot contain")
    expect(error).to_be_visible()
    expect(dialog.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    alice.screenshot("apps-03-modal-error")
    assert alice.axe_violations() == []

    # Fixed: accepted, the modal closes and the app posts in the DM and updates the Home.
    dialog.get_by_label("Title").fill("Printer on fire")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog).to_have_count(0)
    expect(home).to_contain_text("You have 1 open tickets")
    [values] = seen.submissions
    assert values["priority"]["value"]["selected_option"]["value"] == "high"
    assert values["office"]["city"]["selected_option"]["value"] == "osl"

    page.get_by_role("tab", name="Messages").click()
    ticket = alice.message("Ticket created: Printer on fire (high, osl)")
    expect(ticket).to_be_visible()
    wait_for(lambda: [e for e in seen.homes if e["tab"] == "messages"], what="the Messages tab")

    # A message shortcut from "More actions": the app answers ephemerally.
    alice.message_action(ticket, "More actions")
    page.get_by_role("menuitem", name=re.compile("Quote in a ticket")).click()
    quoted = alice.message("Quoted: Ticket created: Printer on fire")
    expect(quoted).to_contain_text("Only visible to you")
    page.mouse.move(640, 120)  # away from the rows: no hover toolbar in the picture
    alice.screenshot("apps-04-messages-ephemeral")

    # A global shortcut opens the modal again; Esc closes it and the app hears view_closed.
    page.get_by_role("button", name="Shortcuts").click()
    page.get_by_role("menuitem", name=re.compile("New ticket")).click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    wait_for(lambda: seen.closed, what="view_closed")
    assert seen.closed[0]["view"]["callback_id"] == "ticket"
    assert [e for e in alice.console_errors if e.startswith("pageerror")] == []


def _self_id(person: Person) -> str:
    return str(person.api("auth.test")["user_id"])
