"""Issue 16's composer bugs: the length limit enforced before sending, failures that retrying
cannot fix offer Edit and Delete (not Retry), and the polish items."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import Web

LIMIT = 40_000


def test_over_long_message_is_refused_before_sending(web: Web) -> None:
    alice = web.person("Alice Archer")
    web.sign_up(alice)
    box = alice.composer("Message #general")
    box.fill("a" * (LIMIT - 10))
    counter = alice.page.locator(".message-pane .text-counter")
    expect(counter).to_have_text("10 characters left")
    box.fill("a" * 45_000)
    expect(counter).to_have_text("5,000 characters too long")
    send = alice.page.locator(".message-pane").get_by_role("button", name="Send message")
    expect(send).to_be_disabled()
    alice.screenshot("webbugs-10-too-long")
    box.press("Enter")
    alice.page.wait_for_timeout(800)
    expect(alice.page.locator(".message-pane article.msg")).to_have_count(0)
    # Back under the limit: it goes, and the counter is gone.
    box.fill("a" * LIMIT)
    expect(counter).to_have_text("0 characters left")
    box.press("Enter")
    expect(alice.page.locator(".message-pane article.msg")).to_have_count(1)
    expect(alice.page.locator(".message-pane article.msg")).not_to_have_class(
        re.compile("msg-failed|msg-sending")
    )
    expect(counter).to_have_count(0)


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
