"""Issue 16's composer bugs: failures that retrying cannot fix offer Edit and Delete (not
Retry), and the polish items. The length limit and its counter: tests/web/test_composer.py."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import Web


def test_permanent_send_failure_offers_edit_and_delete_not_retry(web: Web) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    bob_id = bob.api("auth.test")["user_id"]
    channel = alice.api("conversations.create", name="design")["channel"]["id"]
    alice.api("conversations.invite", channel=channel, users=bob_id)
    bob.open_channel("design")
    # Bob writes while offline; meanwhile he is removed: the server refuses it for good.
    bob.context.set_offline(True)
    expect(bob.page.get_by_text("You are offline")).to_be_visible()
    assert alice.api("conversations.kick", channel=channel, user=bob_id)["ok"]
    bob.send("Message #design", "am I still here?")
    bob.context.set_offline(False)
    failed = bob.message("am I still here?")
    status = failed.get_by_role("alert")
    expect(status).to_contain_text("Not sent: you are not in this channel")
    expect(status.get_by_role("button", name="Retry")).to_have_count(0)
    expect(status.get_by_role("button", name="Edit")).to_be_visible()
    bob.screenshot("webbugs-11-permanent-failure")
    status.get_by_role("button", name="Delete").click()
    expect(failed).to_have_count(0)


def test_polish_edited_inline_dm_header_joins_grouped_toasts_clear(web: Web) -> None:
    alice = web.person("Alice Archer")
    web.sign_up(alice)
    others = [web.person(name) for name in ("Bob Baker", "Cara Cole", "Dan Drake")]
    for person in others:
        web.join_by_invite(alice, person)
    page = alice.page

    # Consecutive joins: one row, "Bob Baker and 2 others joined".
    joins = page.locator(".message-pane .join-group")
    expect(joins).to_have_count(1)
    expect(joins).to_contain_text("Bob Baker and 2 others joined")
    expect(page.locator(".message-pane article.msg", has_text="has joined")).to_have_count(0)

    # "(edited)" on the line of the text, not below it.
    alice.send("Message #general", "Meeting at 3pm")
    expect(alice.message("Meeting at 3pm")).not_to_have_class(re.compile("msg-sending"))
    alice.composer("Message #general").press("ArrowUp")
    edit = page.get_by_role("textbox", name="Edit message")
    edit.fill("Meeting at 4pm")
    edit.press("Enter")
    message = alice.message("Meeting at 4pm")
    body = message.locator(".msg-text")
    marker = body.locator(".msg-edited")
    expect(marker).to_have_text("(edited)")
    expect(body).to_have_text(re.compile(r"^\s*Meeting at 4pm\s+\(edited\)\s*$"))
    text_box = body.bounding_box()
    marker_box = marker.bounding_box()
    assert text_box and marker_box
    # One line: the marker sits on the text's first (only) line, to its right.
    assert marker_box["y"] - text_box["y"] < 12, (text_box, marker_box)
    assert text_box["height"] < 30, text_box
    assert marker_box["x"] > text_box["x"] + 50
    alice.screenshot("webbugs-15-edited-and-joins")

    # A DM header names the person once.
    bob_id = others[0].api("auth.test")["user_id"]
    dm = alice.api("conversations.open", users=bob_id)["channel"]["id"]
    alice.goto(f"/client/{alice.api('auth.test')['team_id']}/{dm}")
    header = page.locator(".channel-header")
    expect(header.get_by_role("heading", level=1)).to_contain_text("Bob Baker")
    assert header.inner_text().count("Bob Baker") == 1, header.inner_text()

    # A toast does not cover the composer.
    alice.open_channel("general")
    alice.context.grant_permissions(["clipboard-read", "clipboard-write"])
    message = alice.message("Meeting at 4pm")
    alice.message_action(message, "Copy link to message")
    toast = page.locator(".toast", has_text="Link copied")
    expect(toast).to_be_visible()
    toast_box = toast.bounding_box()
    composer_box = page.locator(".message-pane .composer-box").bounding_box()
    assert toast_box and composer_box
    overlaps = (
        toast_box["y"] < composer_box["y"] + composer_box["height"]
        and composer_box["y"] < toast_box["y"] + toast_box["height"]
    )
    assert not overlaps, (toast_box, composer_box)
    alice.screenshot("webbugs-16-toast")
