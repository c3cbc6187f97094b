"""Attachments reach clients as structured, separately sanitised parts (`rendered_attachments`)
next to the body's `html`, so no client parses the server's HTML for CSS classes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import update

from parley.features.messages.models import Message
from parley.features.messages.render import (
    RenderContext,
    legacy_body_html,
    render_attachment_parts,
    render_attachments,
    render_message,
)
from parley.features.messages.wire import Message as MessageWire
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.messages.helpers import events, make_channel, rendered
from tests.features.messages.test_render import ATTACHMENT_PAYLOADS, assert_inert

CONTEXT = RenderContext(user_names={"U0ANN": "Ann"})

CARD: dict[str, Any] = {
    "color": "#36a64f",
    "pretext": "pre *x* <@U0ANN>",
    "title": "Title",
    "title_link": "https://t.test",
    "text": "body _y_",
    "fields": [
        {"title": "Priority", "value": "High & <b>", "short": True},
        {"title": "Owner", "value": "*not bold*"},
    ],
    "footer": "foot\nline",
}


def test_parts_are_each_rendered_and_sanitised() -> None:
    parts = render_attachment_parts(CARD, CONTEXT)
    assert parts == {
        "pretext_html": "pre <strong>x</strong> "
        '<span class="mention" data-user-id="U0ANN">@Ann</span>',
        "text_html": "body <em>y</em>",
        "fields": [
            {"title": "Priority", "value_html": "High &amp; &lt;b&gt;", "short": True},
            {"title": "Owner", "value_html": "*not bold*", "short": False},
        ],
        "footer_html": "foot<br>line",
        "blocks_html": "",
    }


def test_mrkdwn_in_fields_and_missing_parts() -> None:
    parts = render_attachment_parts(
        {"fields": [{"title": "T", "value": "*b*"}], "mrkdwn_in": ["fields"]}, CONTEXT
    )
    assert parts == {
        "pretext_html": "",
        "text_html": "",
        "fields": [{"title": "T", "value_html": "<strong>b</strong>", "short": False}],
        "footer_html": "",
        "blocks_html": "",
    }
    assert render_attachment_parts("junk", CONTEXT)["fields"] == []
    assert render_attachment_parts({"fields": ["junk", 3]}, CONTEXT)["fields"] == []
    assert render_attachments(None, CONTEXT) is None
    assert render_attachments([], CONTEXT) is None


@pytest.mark.parametrize("attachments", ATTACHMENT_PAYLOADS)
def test_hostile_attachments_stay_inert_in_every_part(attachments: list[Any]) -> None:
    for parts in render_attachments(attachments, CONTEXT) or []:
        for key in ("pretext_html", "text_html", "footer_html"):
            assert_inert(parts[key])
        for field in parts["fields"]:
            assert_inert(field["value_html"])
            assert "<" not in field["title"] or "&lt;" in json.dumps(field)


def test_legacy_body_cut_at_the_first_attachment_block() -> None:
    whole = render_message("hello *there*", None, [CARD], CONTEXT)
    assert legacy_body_html(whole) == "hello <strong>there</strong>"
    assert legacy_body_html("no cards") == "no cards"


async def test_posted_message_carries_body_html_and_parts(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    body = await api(
        "chat.postMessage",
        team.owner.token,
        channel=channel,
        text="see *this*",
        attachments=json.dumps([CARD]),
    )
    assert body["ok"], body
    assert "html" not in body["message"] and "rendered_attachments" not in body["message"]
    message = await rendered(services.db, channel, body["ts"])  # as the web client gets it
    assert message["html"] == "see <strong>this</strong>"  # the body alone
    assert message["attachments"][0]["title"] == "Title"  # attachments as sent
    [parts] = message["rendered_attachments"]
    assert parts["text_html"] == "body <em>y</em>"
    assert parts["fields"][0]["value_html"] == "High &amp; &lt;b&gt;"
    MessageWire.model_validate(message)  # the documented shape describes it
    [event] = [e for e in await events(services.db, team) if e.type == "message"]
    assert event.payload["rendered_attachments"] == message["rendered_attachments"]
    history = await api("conversations.history", team.owner.token, channel=channel)
    assert "rendered_attachments" not in history["messages"][0]  # an SDK's token


async def test_edit_rerenders_and_dropping_attachments_drops_parts(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    token = team.owner.token
    posted = await api("chat.postMessage", token, channel=channel, text="a")
    assert "rendered_attachments" not in posted["message"]
    updated = await api(
        "chat.update",
        token,
        channel=channel,
        ts=posted["ts"],
        text="b",
        attachments=json.dumps([{"text": "*new*"}]),
    )
    assert updated["ok"], updated
    parts = (await rendered(services.db, channel, posted["ts"]))["rendered_attachments"]
    assert parts[0]["text_html"] == "<strong>new</strong>"


async def test_rows_stored_before_the_parts_are_split_on_read(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    token = team.owner.token
    posted = await api(
        "chat.postMessage", token, channel=channel, text="hi", attachments=json.dumps([CARD])
    )
    legacy_html = render_message("hi", None, [CARD], RenderContext())
    async with services.db.write() as uow:
        await uow.session.execute(
            update(Message)
            .where(Message.ts == posted["ts"])
            .values(html=legacy_html, rendered_attachments=None)
        )
    message = await rendered(services.db, channel, posted["ts"])
    assert message["html"] == "hi"
    [parts] = message["rendered_attachments"]
    assert parts["text_html"] == "body <em>y</em>"
    assert parts["pretext_html"].startswith("pre <strong>x</strong>")
