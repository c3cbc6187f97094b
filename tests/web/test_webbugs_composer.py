"""Issue 16's composer bugs: failures that retrying cannot fix offer Edit and Delete (not
Retry), and the polish items. The length limit and its counter: tests/web/test_composer.py."""

from __future__ import annotations

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
