"""End to end: two people in two browser contexts chat and see each other's changes live."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import expect

from tests.web.conftest import Person, Web


def _create_channel(person: Person, name: str) -> None:
    page = person.page
    page.get_by_role("button", name="Create a channel").click()
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Create", exact=True).click()
    page.get_by_role("heading", level=1).filter(has_text=name).wait_for()


def _join_from_browser(person: Person, name: str) -> None:
    page = person.page
    page.get_by_role("button", name="Browse channels").click()
    page.get_by_label("Search channels").fill(name)
    page.get_by_role("button", name=f"Join {name}").click()
    page.get_by_role("heading", level=1).filter(has_text=name).wait_for()


def _hover_action(person: Person, message: Any, action: str) -> None:
    person.message_action(message, action)


def _ts_order(person: Person, texts: list[str]) -> list[str]:
    """The texts as they appear top to bottom in the message list."""
    shown = person.page.locator(".message-pane article.msg .msg-text").all_inner_texts()
    return [t for t in shown if t.strip() in texts]


def test_two_people_chat_live(web: Web) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    alice.screenshot("01-empty-general")
    web.join_by_invite(alice, bob)

    _create_channel(alice, "design")
    _join_from_browser(bob, "design")

    # Chat: each sees the other's message without reloading.
    alice.send("Message #design", "Hello Bob, the *mockups* are ready :tada:")
    expect(bob.message("the mockups are ready")).to_be_visible()
    bob.send("Message #design", "Great, looking now")
    expect(alice.message("looking now")).to_be_visible()
    expect(alice.message("mockups are ready").locator("strong")).to_have_text("mockups")
    expect(alice.message("mockups are ready")).to_contain_text("🎉")

    # React: Bob adds a reaction through the picker; Alice sees it arrive.
    _hover_action(bob, bob.message("mockups are ready"), "Add reaction")
    bob.page.get_by_label("Search emoji").fill("thumbsup")
    bob.page.get_by_role("button", name=":+1:").click()
    expect(alice.message("mockups are ready").locator("button.reaction").first).to_contain_text("1")

    # Reply in a thread: the parent shows the count on both sides, the thread shows the reply.
    _hover_action(bob, bob.message("mockups are ready"), "Reply in thread")
    bob.send("Reply in thread", "One question about the header")
    expect(bob.message("about the header", scope="aside")).to_be_visible()
    expect(
        alice.message("mockups are ready").get_by_role("button", name=re.compile("1 reply"))
    ).to_be_visible()
    alice.message("mockups are ready").get_by_role("button", name=re.compile("1 reply")).click()
    expect(alice.message("about the header", scope="aside")).to_be_visible()
    alice.send("Reply in thread", "Ask away")
    expect(bob.message("Ask away", scope="aside")).to_be_visible()
    alice.screenshot("02-channel-with-thread")
    alice.page.get_by_role("button", name="Close thread").click()

    # Edit the last message with Up; Bob sees the new text and the marker.
    alice.send("Message #design", "Meeting at 3pm")
    expect(bob.message("Meeting at 3pm")).to_be_visible()
    alice.composer("Message #design").press("ArrowUp")
    edit = alice.page.get_by_role("textbox", name="Edit message")
    edit.fill("Meeting at 4pm")
    edit.press("Enter")
    expect(bob.message("Meeting at 4pm")).to_contain_text("(edited)")

    # Delete: gone for both.
    alice.send("Message #design", "oops wrong channel")
    expect(bob.message("oops wrong channel")).to_be_visible()
    _hover_action(alice, alice.message("oops wrong channel"), "Delete message")
    alice.page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(bob.message("oops wrong channel")).to_have_count(0)
    expect(alice.message("oops wrong channel")).to_have_count(0)

    # Unread and mention badges update live in the other person's sidebar.
    alice.open_channel("general")
    bob.send("Message #design", "@alice can you check the colours?")
    design_link = alice.page.locator(".side-nav a.side-item", has_text="design")
    expect(design_link).to_have_class(re.compile("side-item-unread"))
    expect(design_link.locator(".badge")).to_have_text("1")
    alice.screenshot("03-unread-badge")
    alice.open_channel("design")
    expect(alice.page.locator(".new-divider")).to_be_visible()
    expect(design_link.locator(".badge")).to_have_count(0)

    # Search: highlighted results that open the message in context.
    bob.page.get_by_label("Search messages").fill("mockups")
    bob.page.get_by_label("Search messages").press("Enter")
    results = bob.page.get_by_role("complementary", name="Search results")
    expect(results.locator("mark").first).to_have_text(re.compile("mockups", re.I))
    bob.screenshot("04-search")
    results.locator("button.search-hit").first.click()
    expect(bob.page.locator("article.msg-highlight")).to_contain_text("mockups are ready")

    # Nothing went wrong in either page.
    for person in (alice, bob):
        assert person.dialogs == []
        assert [e for e in person.console_errors if "Content Security Policy" in e] == []


def test_offline_then_resume_without_gaps_or_duplicates(web: Web) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    alice.send("Message #general", "before the outage")
    expect(bob.message("before the outage")).to_be_visible()

    bob.context.set_offline(True)
    expect(bob.page.get_by_text("You are offline")).to_be_visible()
    bob.screenshot("05-offline-banner")
    sent = [f"while offline {n}" for n in range(1, 6)]
    for text in sent:
        alice.send("Message #general", text)
        expect(alice.message(text)).not_to_have_class(re.compile("msg-sending"))
    time.sleep(0.5)
    bob.context.set_offline(False)

    expect(bob.page.get_by_text("You are offline")).to_have_count(0, timeout=20_000)
    for text in sent:
        expect(bob.message(text)).to_have_count(1)
    assert _ts_order(bob, sent) == sent
    # Still live after the resume, and nothing arrives twice.
    alice.send("Message #general", "after the outage")
    expect(bob.message("after the outage")).to_have_count(1)
    expect(bob.message("before the outage")).to_have_count(1)


XSS_CORPUS = [
    "<script>alert('xss-1')</script>",
    "<img src=x onerror=\"alert('xss-2')\">",
    "<svg onload=alert('xss-3')>",
    "<a href=\"javascript:alert('xss-4')\">click me</a>",
    "<https://example.com|<img src=x onerror=alert('xss-5')>>",
    "<javascript:alert('xss-6')|link>",
    "`<script>alert('xss-7')</script>`",
    "```<iframe src=\"javascript:alert('xss-8')\"></iframe>```",
    "*<b onmouseover=alert('xss-9')>bold</b>*",
    "\"><script>alert('xss-10')</script>",
    "&lt;script&gt;alert('xss-11')&lt;/script&gt;",
    "<style>body{display:none}</style>after style",
]


def test_xss_payloads_never_execute(web: Web) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    for payload in XSS_CORPUS:
        alice.send("Message #general", payload)
    # The last payload arriving means all earlier ones rendered (they are ordered).
    expect(bob.message("after style")).to_be_visible()
    expect(alice.message("after style")).to_be_visible()
    for person in (alice, bob):
        person.page.mouse.move(400, 400)
        for message in person.page.locator(".message-pane article.msg").all():
            message.hover()
        person.page.reload()
        person.page.get_by_role("heading", level=1).filter(has_text="general").wait_for()
        expect(person.message("after style")).to_be_visible()
        assert person.dialogs == []
        assert person.page.locator(".message-pane script, .message-pane iframe").count() == 0
        assert person.page.locator(".message-pane [onerror], .message-pane [onload]").count() == 0
        csp = [e for e in person.console_errors if "Content Security Policy" in e]
        assert csp == [], csp
    expect(bob.message("alert('xss-1')")).to_contain_text("<script>")
    bob.screenshot("06-xss-corpus")


def test_accessibility_dark_theme_and_phone_layout(web: Web) -> None:
    visitor = web.person("Vera Visitor")
    visitor.goto("/signin")
    visitor.page.get_by_role("heading", name="Sign in to your workspace").wait_for()
    visitor.screenshot("07-signin")
    assert visitor.axe_violations() == []

    alice = web.person("Alice Archer")
    web.sign_up(alice)
    alice.send("Message #general", "Welcome to *Parley* :wave: — say hi!")
    expect(alice.message("Welcome to")).to_be_visible()
    assert alice.axe_violations() == []

    alice.page.get_by_role("button", name="Use dark theme").click()
    expect(alice.page.locator("html")).to_have_attribute("data-theme", "dark")
    alice.screenshot("08-dark-theme")
    assert alice.axe_violations() == []

    # Ctrl+K opens the quick switcher.
    alice.page.keyboard.press("Control+k")
    expect(alice.page.get_by_role("dialog", name="Jump to a conversation")).to_be_visible()
    alice.screenshot("09-quick-switcher")
    alice.page.keyboard.press("Escape")

    phone = web.person(
        "Alice Archer",
        viewport={"width": 390, "height": 800},
        is_mobile=True,
        reduced_motion="reduce",
    )
    phone.context.add_cookies(alice.context.cookies())
    phone.goto("/client")
    phone.page.get_by_role("heading", level=1).filter(has_text="general").wait_for()
    expect(phone.message("Welcome to")).to_be_visible()
    phone.screenshot("10-phone")
    phone.page.get_by_role("button", name="Show conversations").click()
    expect(phone.page.get_by_role("navigation", name="Conversations")).to_be_visible()
    phone.screenshot("11-phone-sidebar")
    assert phone.axe_violations() == []
