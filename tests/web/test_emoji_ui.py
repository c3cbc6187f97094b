"""End to end: the full emoji set in the picker (categories, keyword search, skin tones) and
custom emoji managed in /admin/emoji, seen live by another person. Each screen is checked
with axe and at 390x844; screenshots are kept in test-artifacts/."""

from __future__ import annotations

import io
import re
from typing import Any

from PIL import Image
from playwright.sync_api import expect

from tests.web.conftest import Person, Web

PHONE = {"width": 390, "height": 844}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (214, 59, 75)).save(buffer, format="PNG")
    return buffer.getvalue()


def _no_sideways_scroll(person: Person) -> None:
    overflow = person.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def _react_from_picker(person: Person, message: Any) -> Any:
    person.message_action(message, "Add reaction")
    picker = person.page.get_by_role("dialog", name="Add reaction")
    picker.wait_for()
    return picker


def _open_admin_emoji(person: Person) -> None:
    person.page.locator(".team-button").click()
    person.page.get_by_role("menuitem", name=re.compile("Administration")).click()
    person.page.get_by_role("link", name="Emoji").click()
    person.page.get_by_role("heading", name="Custom emoji", level=2).wait_for()


def test_admin_uploads_an_emoji_and_another_person_reacts_with_it(web: Web) -> None:
    ann = web.person("Ann Admin")
    bob = web.person("Bob Member")
    web.sign_up(ann)
    web.join_by_invite(ann, bob)
    ann.send("Message #general", "Launch day")
    expect(bob.message("Launch day")).to_be_visible()

    _open_admin_emoji(ann)
    page = ann.page
    expect(page.get_by_role("list", name="Custom emoji")).to_contain_text("No custom emoji yet.")
    page.get_by_label(re.compile("^Image")).set_input_files(
        {"name": "blob.png", "mimeType": "image/png", "buffer": _png()}
    )
    expect(page.get_by_role("img", name="Preview of the new emoji")).to_be_visible()
    page.get_by_label(re.compile("^Name")).fill("partyblob")
    page.get_by_role("button", name="Save emoji").click()
    expect(page.get_by_role("status")).to_have_text(":partyblob: was added.")
    row = page.locator("[data-emoji='partyblob']")
    expect(row.locator("img")).to_have_attribute("src", re.compile(r"/emoji-images/.+\.png$"))
    # A taken name is refused with words, not a code.
    page.get_by_label(re.compile("^Image")).set_input_files(
        {"name": "blob.png", "mimeType": "image/png", "buffer": _png()}
    )
    page.get_by_label(re.compile("^Name")).fill("partyblob")
    page.get_by_role("button", name="Save emoji").click()
    expect(page.get_by_role("alert")).to_have_text(
        "There is already a custom emoji with that name."
    )
    # An alias, searched for, then removed.
    page.get_by_label("New name").fill("pb")
    page.get_by_label("For the emoji").fill(":partyblob:")
    page.get_by_role("button", name="Add alias").click()
    expect(page.locator("[data-emoji='pb']")).to_contain_text("alias of :partyblob:")
    page.get_by_label("Search custom emoji").fill("pb")
    expect(page.locator("[data-emoji='partyblob']")).to_be_hidden()
    page.get_by_role("button", name="Remove :pb:").click()
    expect(page.get_by_role("status")).to_have_text(":pb: was removed.")
    expect(page.get_by_role("list", name="Custom emoji")).to_contain_text("No custom emoji matches")
    page.get_by_label("Search custom emoji").fill("")
    assert ann.axe_violations() == []
    ann.screenshot("emoji-admin")

    # Bob never reloaded: the new emoji reached his picker through `emoji_changed`.
    picker = _react_from_picker(bob, bob.message("Launch day"))
    expect(picker.get_by_role("link", name="Add emoji")).to_have_count(0)  # not an admin
    picker.get_by_role("button", name="Custom", exact=True).click()
    picker.get_by_role("button", name=":partyblob:").click()
    reaction = bob.message("Launch day").locator("button.reaction").first
    expect(reaction.locator("img")).to_have_attribute("alt", ":partyblob:")
    expect(reaction).to_contain_text("1")
    page.get_by_role("button", name=re.compile("Back to")).click()
    expect(ann.message("Launch day").locator("button.reaction img")).to_have_attribute(
        "alt", ":partyblob:"
    )

    # The management screen on a phone.
    phone = web.person("Ann Admin", viewport=PHONE)
    phone.context.add_cookies(ann.context.cookies())
    phone.goto("/admin/emoji")
    phone.page.get_by_role("heading", name="Custom emoji", level=2).wait_for()
    expect(phone.page.locator("[data-emoji='partyblob']")).to_be_visible()
    assert phone.axe_violations() == []
    _no_sideways_scroll(phone)
    phone.screenshot("emoji-admin-390")
    assert ann.console_errors == [] and bob.console_errors == []


def test_picker_has_the_full_set_by_category_keyword_and_skin_tone(web: Web) -> None:
    ann = web.person("Ann Admin")
    web.sign_up(ann)
    ann.send("Message #general", "Full set")
    picker = _react_from_picker(ann, ann.message("Full set"))
    tabs = picker.get_by_role("group", name="Emoji categories")
    tabs.get_by_role("button", name="Animals & nature").click()
    expect(picker.get_by_role("button", name=":giraffe_face:")).to_be_visible()
    assert picker.locator(".emoji-cell").count() > 100
    # A keyword that is in no name: "roar" finds the lion.
    picker.get_by_label("Search emoji").fill("roar")
    expect(picker.get_by_role("button", name=":lion_face:")).to_be_visible()
    assert ann.axe_violations() == []
    # A skin tone applies to emoji that take one, and is sent as Slack writes it.
    picker.get_by_label("Skin tone").select_option("4")
    picker.get_by_label("Search emoji").fill("wave")
    expect(picker.get_by_role("button", name=":wave:")).to_contain_text("👋🏽")
    picker.get_by_role("button", name=":wave:").click()
    reaction = ann.message("Full set").locator("button.reaction").first
    expect(reaction).to_contain_text("👋🏽")
    reactions = ann.api("reactions.get", channel=_general(ann), timestamp=_ts(ann, "Full set"))
    assert [r["name"] for r in reactions["message"]["reactions"]] == ["wave::skin-tone-4"]
    # A Slack name from the full set (not in the compact set) the server accepts.
    picker = _react_from_picker(ann, ann.message("Full set"))
    picker.get_by_label("Search emoji").fill("flag-fr")
    picker.get_by_role("button", name=":flag-fr:").click()
    expect(ann.message("Full set").locator("button.reaction:not(.reaction-add)")).to_have_count(2)
    expect(ann.message("Full set")).to_contain_text("🇫🇷")
    assert ann.console_errors == []
    # An admin goes from the picker to the custom emoji screen.
    picker = _react_from_picker(ann, ann.message("Full set"))
    picker.get_by_role("link", name="Add emoji").click()
    ann.page.get_by_role("heading", name="Custom emoji", level=2).wait_for()

    phone = web.person("Ann Admin", viewport=PHONE)
    phone.context.add_cookies(ann.context.cookies())
    phone.goto("/")
    phone.page.get_by_role("heading", level=1).filter(has_text="general").wait_for()
    # The flag is outside the compact set: the full set loads to show it, picker unopened.
    expect(phone.message("Full set")).to_contain_text("🇫🇷")
    phone.page.get_by_role("button", name="Insert emoji").click()
    phone_picker = phone.page.get_by_role("dialog", name="Insert emoji")
    phone_picker.get_by_role("button", name="Smileys & emotion").click()
    expect(phone_picker.get_by_role("button", name=":grinning:")).to_be_visible()
    assert phone.axe_violations() == []
    _no_sideways_scroll(phone)
    box = phone_picker.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    phone.screenshot("emoji-picker-390")


def _general(person: Person) -> str:
    listed = person.api("conversations.list", types="public_channel")
    return str(next(c["id"] for c in listed["channels"] if c["name"] == "general"))


def _ts(person: Person, text: str) -> str:
    history = person.api("conversations.history", channel=_general(person))
    return str(next(m["ts"] for m in history["messages"] if m.get("text") == text))
