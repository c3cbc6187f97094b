"""The WYSIWYG composer, built-in slash commands and the message "⋯" menu, with two people."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.web.conftest import Person, Web


def _two_people(web: Web) -> tuple[Person, Person]:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    return alice, bob


def _menu(person: Person, message: Any) -> Any:
    person.message_action(message, "More actions")
    return person.page.get_by_role("menu", name="More actions")


def _last_message(person: Person, channel: str) -> dict[str, Any]:
    history = person.api("conversations.history", channel=channel, limit=1)
    message: dict[str, Any] = history["messages"][0]
    return message


def _new_violations(person: Person) -> list[dict[str, Any]]:
    """Serious and critical axe findings on the page."""
    return person.axe_violations()


def _general_id(person: Person) -> str:
    channels = person.api("conversations.list", types="public_channel")["channels"]
    return str(next(c["id"] for c in channels if c["name"] == "general"))


def test_toolbar_formatting_sends_rich_text_and_mrkdwn(web: Web) -> None:
    alice, bob = _two_people(web)
    box = alice.composer("Message #general")
    box.click()
    alice.page.keyboard.press("Control+b")
    alice.page.keyboard.type("Launch")
    alice.page.keyboard.press("Control+b")
    alice.page.keyboard.type(" is ")
    alice.page.get_by_role("button", name=re.compile("^Italic")).click()
    alice.page.keyboard.type("today")
    alice.page.get_by_role("button", name=re.compile("^Italic")).click()
    alice.page.keyboard.press("Shift+Enter")
    # Typed markdown: "- " at a line's start becomes a bulleted list.
    alice.page.keyboard.type("- first")
    alice.page.keyboard.press("Enter")  # in a list, Enter starts the next item
    alice.page.keyboard.type("second")
    expect(box.locator("ul li")).to_have_count(2)
    expect(box.locator("b, strong")).to_have_text("Launch")
    alice.screenshot("composer-01-formatted")
    alice.page.keyboard.press("Control+Enter")

    shown = bob.message("Launch")
    expect(shown.locator("strong")).to_have_text("Launch")
    expect(shown.locator("em")).to_have_text("today")
    expect(shown.locator("li")).to_have_count(2)

    sent = _last_message(alice, _general_id(alice))
    assert sent["text"] == "*Launch* is _today_\n• first\n• second"
    rich = sent["blocks"][0]
    assert rich["type"] == "rich_text"
    assert [e["type"] for e in rich["elements"]] == ["rich_text_section", "rich_text_list"]
    assert rich["elements"][0]["elements"][0] == {
        "type": "text",
        "text": "Launch",
        "style": {"bold": True},
    }

    # Editing uses the same editor, opened on the rich text; Bob sees the change.
    alice.composer("Message #general").press("ArrowUp")
    edit = alice.page.get_by_role("textbox", name="Edit message")
    expect(edit.locator("ul li")).to_have_count(2)
    expect(edit.locator("b")).to_have_text("Launch")
    edit.locator("li").last.click()
    alice.page.keyboard.press("End")
    alice.page.keyboard.type(" and third")
    alice.page.keyboard.press("Control+Enter")
    # "(edited)" sits inline after the text, here at the end of the last item.
    expect(bob.message("Launch").locator("li").last).to_have_text(
        re.compile(r"^second and third\s*\(edited\)$")
    )
    expect(bob.message("Launch")).to_contain_text("(edited)")


def test_typed_markup_mentions_and_the_limit(web: Web) -> None:
    alice, bob = _two_people(web)
    alice.send("Message #general", "see `a < b && c` for @bob :tada:")
    shown = bob.message("for")
    expect(shown.locator("code")).to_have_text("a < b && c")
    expect(shown).to_contain_text("🎉")
    sent = _last_message(alice, _general_id(alice))
    assert sent["text"].startswith("see `a &lt; b &amp;&amp; c` for <@U")

    # Near the limit the counter shows; over it, sending is refused before the server.
    box = alice.composer("Message #general")
    box.click()
    alice.page.evaluate(
        """() => { const el = document.querySelector('.message-pane .composer-input');
                   el.focus(); document.execCommand('insertText', false, 'x'.repeat(40010)); }"""
    )
    counter = alice.page.locator(".composer-counter")
    expect(counter).to_have_text(re.compile("10 characters over the limit"))
    expect(alice.page.get_by_role("button", name="Send message")).to_be_disabled()
    box.press("Enter")
    expect(alice.page.get_by_role("alert")).to_contain_text("too long")
    alice.page.keyboard.press("Backspace")
    alice.page.keyboard.press("Backspace")
    alice.page.keyboard.press("Backspace")
    alice.page.keyboard.press("Backspace")
    alice.page.keyboard.press("Backspace")
    alice.page.keyboard.press("Backspace")
    alice.page.keyboard.press("Backspace")
    alice.page.keyboard.press("Backspace")
    alice.page.keyboard.press("Backspace")
    alice.page.keyboard.press("Backspace")
    expect(counter).to_have_text(re.compile("0 characters left"))
    expect(alice.page.get_by_role("button", name="Send message")).to_be_enabled()
    assert alice.axe_violations() == []


def test_builtin_slash_commands(web: Web) -> None:
    alice, bob = _two_people(web)
    # The list of commands shows the built-ins.
    alice.composer("Message #general").fill("/to")
    expect(alice.page.get_by_role("listbox", name="Slash commands")).to_contain_text("/topic")
    alice.composer("Message #general").press("Escape")

    alice.send("Message #general", "/topic Launch week")
    expect(bob.page.locator("header.channel-header button.topic")).to_have_text("Launch week")

    alice.send("Message #general", "/shrug fine")
    expect(bob.message("fine")).to_contain_text("¯\\_(ツ)_/¯")

    alice.send("Message #general", "/me waves")
    expect(bob.message("waves")).to_be_visible()
    assert _last_message(bob, _general_id(bob)).get("subtype") == "me_message"

    alice.send("Message #general", "/status :coffee: Lunch")
    expect(
        alice.page.get_by_role("status").or_(alice.page.locator(".toast")).first
    ).to_contain_text("Status set")
    profile = alice.api("users.profile.get")["profile"]
    assert (profile["status_emoji"], profile["status_text"]) == (":coffee:", "Lunch")
    alice.send("Message #general", "/status clear")
    expect(alice.page.locator(".toast").last).to_contain_text("Status cleared")

    alice.send("Message #general", "/msg @bob psst over here")
    bob.page.locator(".side-nav a.side-item", has_text="Alice").first.click()
    expect(bob.message("psst over here")).to_be_visible()

    # A bad command says what went wrong and keeps the text.
    alice.open_channel("general")
    alice.send("Message #general", "/invite nobody")
    expect(alice.page.locator(".slash-error")).to_contain_text("not a person")
    expect(alice.composer("Message #general")).to_contain_text("/invite nobody")

    # /help and Ctrl+/ open the shortcuts dialog.
    alice.composer("Message #general").fill("/help")
    alice.composer("Message #general").press("Enter")
    dialog = alice.page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_contain_text("Ctrl+Shift+X")
    expect(dialog).to_contain_text("/dnd")
    assert _new_violations(alice) == []
    alice.page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    alice.page.keyboard.press("Control+/")
    expect(dialog).to_be_visible()


def test_message_menu_actions(web: Web) -> None:
    alice, bob = _two_people(web)
    alice.send("Message #general", "original news")
    expect(bob.message("original news")).to_be_visible()
    bob.send("Message #general", "later one")
    expect(alice.message("later one")).to_be_visible()

    # Forward: Bob shares Alice's message into a DM with Alice, with a note.
    menu = _menu(bob, bob.message("original news"))
    assert bob.axe_violations() == []
    menu.get_by_role("menuitem", name="Forward message…").click()
    dialog = bob.page.get_by_role("dialog", name="Forward message")
    dialog.get_by_label("Search conversations").fill("general")
    dialog.get_by_text("#general").click()
    dialog.get_by_label("Add a message (optional)").fill("look at this")
    assert bob.axe_violations() == []
    dialog.get_by_role("button", name="Forward").click()
    forwarded = alice.message("look at this")
    expect(forwarded).to_be_visible()
    expect(forwarded).to_contain_text("original news")

    # Save for later, pin: the server has them.
    _menu(alice, alice.message("later one")).get_by_role("menuitem", name="Save for later").click()
    expect(alice.page.locator(".toast").last).to_contain_text("Saved for later")
    assert len(alice.api("stars.list")["items"]) == 1
    _menu(alice, alice.message("later one")).get_by_role("menuitem", name="Pin to channel").click()
    expect(bob.message("later one")).to_contain_text("Pinned")

    # Mark unread: the channel is unread again, after a reload too.
    alice.open_channel("general")
    _menu(alice, alice.message("later one")).get_by_role("menuitem", name="Mark unread").click()
    expect(alice.page.locator(".toast").last).to_contain_text("Marked unread")
    # Still on the channel, it is not marked read again; elsewhere it shows as unread.
    alice.page.wait_for_timeout(1000)
    alice.page.get_by_role("button", name="Create a channel").click()
    alice.page.get_by_label("Name").fill("elsewhere")
    alice.page.get_by_role("button", name="Create", exact=True).click()
    alice.page.get_by_role("heading", level=1).filter(has_text="elsewhere").wait_for()
    general = alice.page.locator(".side-nav a.side-item", has_text="general")
    expect(general).to_have_class(re.compile("side-item-unread"))
    alice.page.reload()
    alice.page.get_by_role("heading", level=1).wait_for()
    expect(alice.page.locator(".side-nav a.side-item", has_text="general")).to_have_class(
        re.compile("side-item-unread")
    )


def test_phone_layout_of_editor_and_menu(web: Web) -> None:
    alice = web.person(
        "Alice Archer", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    web.sign_up(alice)
    alice.send("Message #general", "*hello* from the phone")
    expect(alice.message("from the phone").locator("strong")).to_have_text("hello")
    box = alice.composer("Message #general")
    width = alice.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    assert box.bounding_box()["width"] <= 390
    alice.screenshot("composer-02-phone")
    assert alice.axe_violations() == []
    alice.page.keyboard.press("Control+/")
    expect(alice.page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    alice.screenshot("composer-03-phone-shortcuts")
    assert alice.axe_violations() == []


def test_schedule_list_and_cancel(web: Web) -> None:
    alice = web.person("Alice Archer")
    web.sign_up(alice)
    alice.composer("Message #general").fill("*later* please")
    alice.page.get_by_role("button", name="Schedule message").click()
    menu = alice.page.get_by_role("menu", name="Schedule message")
    assert alice.axe_violations() == []
    menu.get_by_role("menuitem", name=re.compile("In 30 minutes")).click()
    expect(alice.page.locator(".toast").last).to_contain_text("Scheduled for")
    expect(alice.composer("Message #general")).to_have_text("")
    scheduled = alice.api("chat.scheduledMessages.list")["scheduled_messages"]
    assert [m["text"] for m in scheduled] == ["*later* please"]

    alice.page.get_by_role("button", name="1 scheduled").click()
    dialog = alice.page.get_by_role("dialog", name="Scheduled messages")
    expect(dialog).to_contain_text("*later* please")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_contain_text("Nothing scheduled here.")
    assert alice.api("chat.scheduledMessages.list")["scheduled_messages"] == []


def test_emoji_picker_skin_tone_and_recent(web: Web) -> None:
    alice = web.person("Alice Archer", viewport={"width": 390, "height": 844}, is_mobile=True)
    web.sign_up(alice)
    alice.composer("Message #general").click()
    alice.page.get_by_role("button", name="Insert emoji").click()
    picker = alice.page.get_by_role("dialog", name="Insert emoji")
    picker.get_by_label("Skin tone").select_option("3")
    assert alice.axe_violations() == []
    alice.screenshot("composer-04-phone-emoji-picker")
    picker.get_by_label("Search emoji").fill("pray")
    picker.get_by_role("button", name=":pray:").click()
    alice.composer("Message #general").press("Enter")
    expect(alice.message("🙏🏼")).to_be_visible()
    sent = _last_message(alice, _general_id(alice))
    assert ":pray::skin-tone-3:" in sent["text"]

    # Reopened (after a reload too): the tone is remembered and "pray" is first.
    alice.page.reload()
    alice.page.get_by_role("heading", level=1).wait_for()
    alice.page.get_by_role("button", name="Insert emoji").click()
    picker = alice.page.get_by_role("dialog", name="Insert emoji")
    expect(picker.get_by_label("Skin tone")).to_have_value("3")
    expect(picker.locator(".emoji-cell").first).to_have_attribute("aria-label", ":pray:")
