"""Notifications, reminders and the sidebar's views, with two people in two browsers."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import expect

from tests.web.conftest import Person, Web

# Records each desktop notification the page creates (the real one is still created: the
# permission is granted to the context, so the client takes its normal path).
CAPTURE_NOTIFICATIONS = """
window.__notes = [];
const RealNotification = window.Notification;
window.Notification = new Proxy(RealNotification, {
  construct(target, args) {
    window.__notes.push({ title: args[0], body: (args[1] || {}).body || "" });
    return new target(...args);
  },
});
"""


def _notes(person: Person) -> list[dict[str, str]]:
    notes: list[dict[str, str]] = person.page.evaluate("window.__notes")
    return notes


def _user_id(person: Person) -> str:
    return str(person.api("auth.test")["user_id"])


def _channel_id(person: Person, name: str) -> str:
    for channel in person.api("conversations.list", types="public_channel")["channels"]:
        if channel["name"] == name:
            return str(channel["id"])
    raise AssertionError(f"no #{name}")


def _open_view(person: Person, name: str) -> None:
    person.page.locator(f".side-views a[data-view='{name}']").click()
    person.page.locator(f"[data-view-pane='{name}']").wait_for()


def _notified_person(web: Web, name: str) -> Person:
    person = web.person(name, permissions=["notifications"])
    person.context.add_init_script(CAPTURE_NOTIFICATIONS)
    return person


def _two_people(web: Web) -> tuple[Person, Person]:
    alice = web.person("Alice Archer")
    bob = _notified_person(web, "Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    return alice, bob


def _settle(person: Person) -> None:
    """Long enough for an event that would come to have come (the socket is local)."""
    person.page.wait_for_timeout(1500)


def test_a_mention_notifies_but_not_during_do_not_disturb(web: Web) -> None:
    alice, bob = _two_people(web)
    general = _channel_id(alice, "general")
    bob_id = _user_id(bob)
    # Bob looks at his notification settings (not #general, so the mention is news).
    _open_view(bob, "notifications")
    expect(bob.page.get_by_text("Desktop notifications are on for this browser.")).to_be_visible()
    assert bob.axe_violations() == []
    alice.api("chat.postMessage", channel=general, text=f"<@{bob_id}> lunch?")
    _wait_for(lambda: len(_notes(bob)) == 1)
    [note] = _notes(bob)
    assert "lunch?" in note["body"] and "Alice Archer" in note["title"]
    alice.api("chat.postMessage", channel=general, text="no mention here")
    _settle(bob)
    assert len(_notes(bob)) == 1  # his level is "mentions"

    bob.page.get_by_role("button", name="Pause 20 minutes").click()
    expect(bob.page.locator("[data-dnd-state='on']")).to_be_visible()
    assert bob.api("dnd.info")["snooze_enabled"] is True
    alice.api("chat.postMessage", channel=general, text=f"<@{bob_id}> still there?")
    _settle(bob)
    assert len(_notes(bob)) == 1  # snoozed: no notification

    bob.page.get_by_role("button", name="Resume notifications").click()
    expect(bob.page.locator("[data-dnd-state='off']")).to_be_visible()
    alice.api("chat.postMessage", channel=general, text=f"<@{bob_id}> back?")
    _wait_for(lambda: len(_notes(bob)) == 2)
    bob.screenshot("views-notifications")


def test_channel_notification_level_from_the_header(web: Web) -> None:
    alice, bob = _two_people(web)
    general = _channel_id(alice, "general")
    _open_view(bob, "notifications")  # away from #general
    bob.open_channel("random")
    bob.page.get_by_role("button", name="Notification settings").click()
    dialog = bob.page.get_by_role("dialog")
    dialog.get_by_label("All new messages").check()
    expect(dialog.get_by_label("All new messages")).to_be_checked()
    assert bob.axe_violations() == []
    dialog.get_by_role("button", name="Done").click()
    prefs = bob.api("client.notifications.get")["channels"]
    random = _channel_id(alice, "random")
    assert prefs == [{"channel": random, "level": "all", "muted": False}]
    # Level "all" in #random: a plain post there notifies; one in #general does not.
    bob.open_channel("general")
    alice.api("chat.postMessage", channel=random, text="cake in the kitchen")
    _wait_for(lambda: any("cake" in n["body"] for n in _notes(bob)))
    alice.api("chat.postMessage", channel=general, text="plain general post")
    _settle(bob)
    assert not any("plain general" in n["body"] for n in _notes(bob))


def test_remind_command_fires_from_slackbot(web: Web) -> None:
    _, bob = _two_people(web)
    bob.send("Message #general", "/remind me to stretch in 2 seconds")
    expect(bob.page.get_by_text("Okay, I'll remind you “stretch”")).to_be_visible()
    assert [r["text"] for r in bob.api("reminders.list")["reminders"]] == ["stretch"]
    _open_view(bob, "threads")  # away from any conversation, so the DM is news
    _wait_for(lambda: any(n["body"] == "Reminder: stretch." for n in _notes(bob)), seconds=15)
    note = next(n for n in _notes(bob) if n["body"] == "Reminder: stretch.")
    assert note["title"] == "Slackbot"
    bob.open_channel("general")
    bob.send("Message #general", "/remind me to think about it")
    expect(bob.page.get_by_text("didn't understand that reminder")).to_be_visible()


def _wait_for(check: Any, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("the condition did not come true in time")


def test_views_show_the_right_items_live(web: Web) -> None:
    alice, bob = _two_people(web)
    general = _channel_id(alice, "general")
    alice_id = _user_id(alice)
    root = alice.api("chat.postMessage", channel=general, text="Shall we ship friday?")["ts"]

    # Threads: Bob's reply shows as unread, live; marking it read clears it.
    _open_view(alice, "threads")
    expect(alice.page.get_by_text("Threads you start")).to_be_visible()
    bob.api("chat.postMessage", channel=general, thread_ts=root, text="friday works")
    card = alice.page.locator(".view-card", has_text="Shall we ship friday?")
    expect(card.get_by_text("New replies")).to_be_visible()
    assert alice.axe_violations() == []
    card.get_by_role("button", name="Mark read").click()
    expect(card.get_by_text("1 replies")).to_be_visible()

    # Activity: a reaction to Alice's message and a mention of her, newest first, live.
    _open_view(alice, "activity")
    bob.api("reactions.add", channel=general, timestamp=root, name="tada")
    expect(alice.page.get_by_text("Bob Baker reacted :tada:")).to_be_visible()
    assert alice.axe_violations() == []
    bob.api("chat.postMessage", channel=general, text=f"<@{alice_id}> see the plan")
    expect(alice.page.locator(".view-card", has_text="see the plan")).to_be_visible()
    # A sidebar item with a mention badge is named by its content (no aria-label mismatch).
    assert alice.axe_violations() == []
    tags = alice.page.locator(".view-card .view-tag").all_inner_texts()
    assert tags[:2] == ["Mention", "Bob Baker reacted :tada:"]

    # All unreads: Bob's post in #random appears; Mark all as read empties the view.
    random = _channel_id(alice, "random")
    _open_view(alice, "unreads")
    bob.api("chat.postMessage", channel=random, text="fresh news in random")
    expect(alice.page.locator(".view-card", has_text="fresh news in random")).to_be_visible()
    expect(alice.page.locator(".view-group", has_text="general")).to_be_visible()
    alice.page.get_by_role("button", name="Mark all as read").click()
    expect(alice.page.get_by_text("You are all caught up.")).to_be_visible()
    assert alice.axe_violations() == []

    # Saved for later: saving shows it live; a reminder; done moves it to Completed.
    _open_view(alice, "saved")
    alice.api("stars.add", channel=general, timestamp=root)
    saved = alice.page.locator(".view-card", has_text="Shall we ship friday?")
    expect(saved).to_be_visible()
    saved.get_by_role("button", name="Remind me in 1 hour").click()
    expect(saved.get_by_text("Reminder")).to_be_visible()
    assert alice.axe_violations() == []
    saved.get_by_role("button", name="Mark done").click()
    expect(alice.page.get_by_text("Nothing completed yet.")).not_to_be_visible()
    alice.page.get_by_role("tab", name="Completed").click()
    expect(alice.page.locator(".view-card", has_text="Shall we ship friday?")).to_be_visible()

    # Drafts & sent: a composer draft is kept on the server and listed; sent messages too.
    alice.open_channel("general")
    alice.composer("Message #general").fill("half-written idea")
    _wait_for(lambda: bool(alice.api("client.drafts.list")["drafts"]))
    _open_view(alice, "drafts")
    expect(alice.page.locator("[data-draft]", has_text="half-written idea")).to_be_visible()
    expect(alice.page.locator(".view-card", has_text="Shall we ship friday?")).to_be_visible()
    assert alice.axe_violations() == []
    alice.screenshot("views-drafts")


def test_views_on_a_phone(web: Web) -> None:
    alice = web.person("Alice Archer", viewport={"width": 390, "height": 844})
    web.sign_up(alice)
    alice.page.get_by_role("button", name="Show conversations").first.click()
    _open_view(alice, "activity")
    expect(alice.page.get_by_role("heading", level=1, name="Activity")).to_be_visible()
    assert alice.axe_violations() == []
    alice.page.get_by_role("button", name="Show conversations").first.click()
    _open_view(alice, "notifications")
    expect(alice.page.get_by_role("heading", name="Do not disturb")).to_be_visible()
    width = alice.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert alice.axe_violations() == []
    alice.screenshot("views-phone")
