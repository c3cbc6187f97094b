"""Channel details and people, end to end with two people: the details panel (rename, topic,
description, members, pins, files, settings, bookmarks) and the profile card (photo, fields,
Message), each change seen live by the other person; axe on both; a phone-sized run."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect

from tests.web.conftest import Person, Web


def _create_channel(person: Person, name: str) -> None:
    page = person.page
    page.get_by_role("button", name="Create a channel").click()
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Create", exact=True).click()
    page.get_by_role("heading", level=1).filter(has_text=name).wait_for()


def _join(person: Person, name: str) -> None:
    page = person.page
    page.get_by_role("button", name="Browse channels").click()
    page.get_by_label("Search channels").fill(name)
    page.get_by_role("button", name=f"Join {name}").click()
    page.get_by_role("heading", level=1).filter(has_text=name).wait_for()


def _photo(tmp_path: Path) -> Path:
    """A 400x200 image: left half red, right half blue."""
    image = Image.new("RGB", (400, 200), (220, 20, 20))
    image.paste((20, 20, 220), (200, 0, 400, 200))
    path = tmp_path / "me.png"
    out = io.BytesIO()
    image.save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


def test_channel_details_live_between_two_people(web: Web) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    _create_channel(alice, "roadmap")
    bob.open_channel("general")

    # Member count in the header moves live when Bob joins.
    count = alice.page.locator("[data-member-count]")
    expect(count).to_have_text("1")
    _join(bob, "roadmap")
    expect(count).to_have_text("2")

    # Alice opens the details from the channel name: rename, topic and description.
    page = alice.page
    page.locator(".channel-title-button").click()
    dialog = page.locator("[data-channel-details]")
    expect(dialog.get_by_role("tab", name="About")).to_have_attribute("aria-selected", "true")
    assert alice.axe_violations() == []
    alice.screenshot("details-01-about")
    dialog.get_by_role("button", name="Edit topic").click()
    dialog.get_by_label("Topic").fill("Q3 planning")
    dialog.get_by_role("button", name="Save").click()
    expect(bob.page.locator(".channel-header .topic")).to_have_text("Q3 planning")
    dialog.get_by_role("button", name="Edit description").click()
    dialog.get_by_label("Description").fill("Where we plan the roadmap")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_contain_text("Where we plan the roadmap")
    dialog.get_by_role("button", name="Edit channel name").click()
    dialog.get_by_label("Channel name").fill("roadmap-2027")
    dialog.get_by_role("button", name="Save").click()
    bob.page.get_by_role("heading", level=1).filter(has_text="roadmap-2027").wait_for()

    # Members: search, and remove Bob (Alice created the channel); Bob's header follows.
    dialog.get_by_role("tab", name=re.compile("Members")).click()
    expect(dialog.get_by_role("list", name="Members").get_by_role("listitem")).to_have_count(2)
    dialog.get_by_label("Find members").fill("bob")
    expect(dialog.get_by_role("list", name="Members").get_by_role("listitem")).to_have_count(1)
    assert alice.axe_violations() == []
    dialog.get_by_role("button", name="Remove Bob Baker from channel").click()
    page.get_by_role("dialog", name=re.compile("Remove Bob Baker")).get_by_role(
        "button", name="Remove"
    ).click()
    expect(count).to_have_text("1")
    # …and add him back through "Add people".
    dialog.get_by_label("Find members").fill("")
    dialog.get_by_role("button", name="Add people").click()
    adder = page.get_by_role("dialog", name="Add people")
    adder.get_by_text("Bob Baker").click()
    adder.get_by_role("button", name="Add", exact=True).click()
    expect(adder).to_be_hidden()  # closes once the server answered (the count may come first)
    expect(count).to_have_text("2")
    expect(dialog.get_by_role("list", name="Members").get_by_role("listitem")).to_have_count(2)

    # Pins and files tabs list what is pinned and shared here.
    dialog.get_by_role("button", name="Close", exact=True).click()
    # Closed, with the focus given back to the header, before typing elsewhere.
    expect(dialog).to_be_hidden()
    expect(page.locator(".channel-title-button")).to_be_focused()
    alice.send("Message #roadmap-2027", "Pin me please")
    message = alice.message("Pin me please")
    alice.message_action(message, "Pin message")
    page.locator(".channel-title-button").click()
    dialog.get_by_role("tab", name="Pins").click()
    expect(dialog.get_by_role("list", name="Pinned items")).to_contain_text("Pin me please")
    dialog.get_by_role("tab", name="Files").click()
    expect(dialog).to_contain_text("No files have been shared here yet.")

    # Settings: convert to private; Bob (a member) sees the lock live.
    dialog.get_by_role("tab", name="Settings").click()
    assert alice.axe_violations() == []
    dialog.get_by_role("button", name="Change to a private channel").click()
    page.get_by_role("dialog", name=re.compile("to private")).get_by_role(
        "button", name="Change to private"
    ).click()
    expect(dialog.get_by_role("button", name="Change to a private channel")).to_have_count(0)
    private = alice.api("conversations.list", types="private_channel")["channels"]
    assert [c["name"] for c in private] == ["roadmap-2027"]
    # Bob's header shows the lock without a reload.
    expect(bob.page.locator(".channel-header .channel-title-button")).to_have_attribute(
        "data-private", "true"
    )
    assert bob.api("conversations.info", channel=private[0]["id"])["channel"]["is_private"]
    page.keyboard.press("Escape")  # focus stayed in the panel, so Escape still closes it
    expect(dialog).to_have_count(0)

    # Bookmarks bar: Alice adds a link, Bob sees it appear live, then it is removed.
    page.get_by_role("button", name="+ Add a bookmark").click()
    adder = page.get_by_role("dialog", name="Add a bookmark")
    adder.get_by_label("Link").fill("https://example.com/plan")
    adder.get_by_label("Name").fill("The plan")
    adder.get_by_role("button", name="Add", exact=True).click()
    bookmarks = bob.page.get_by_role("navigation", name="Bookmarks")
    expect(bookmarks.get_by_role("link", name="The plan")).to_be_visible()
    bob.screenshot("details-02-bookmark-live")
    page.get_by_role("button", name="Edit bookmark The plan").click()
    page.get_by_role("dialog", name="Edit bookmark").get_by_role("button", name="Remove").click()
    expect(bookmarks.get_by_role("link", name="The plan")).to_have_count(0)
    assert not [e for e in alice.console_errors if "pageerror" in e]


def test_profile_card_photo_and_fields(web: Web, tmp_path: Path) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    # The admin defines a custom field; Alice fills it and her title.
    field = alice.api("admin.teams.profile.setField", field={"label": "Team", "hint": "Yours"})
    assert field["ok"], field
    assert alice.api(
        "users.profile.set",
        profile={"title": "Chief Planner", "fields": {field["field"]["id"]: {"value": "Platform"}}},
    )["ok"]
    alice.send("Message #general", "Hello from Alice")

    # Alice uploads a photo, framing the right (blue) half.
    page = alice.page
    page.locator(".self-button").click()
    dialog = page.get_by_role("dialog", name="Edit your profile")
    dialog.get_by_label("Choose a profile photo").set_input_files(str(_photo(tmp_path)))
    crop = dialog.locator(".photo-crop")
    expect(crop).to_be_visible()
    alice.screenshot("people-01-photo-crop")
    assert alice.axe_violations() == []
    crop.focus()
    for _ in range(20):  # arrow keys move the frame to the right edge
        page.keyboard.press("ArrowRight")
    dialog.get_by_role("button", name="Save photo").click()
    expect(dialog.locator(".photo-current-img")).to_be_visible()
    page.keyboard.press("Escape")

    # Bob sees the new photo on Alice's message without reloading, and opens her card.
    avatar = bob.message("Hello from Alice").locator(".msg-gutter img")
    expect(avatar).to_have_attribute("src", re.compile(r"/avatars/[A-Za-z0-9_-]+/48$"))
    src = avatar.get_attribute("src")
    assert src
    pixel = bob.page.evaluate(
        """async (src) => {
            const img = new Image(); img.src = src; await img.decode();
            const c = document.createElement('canvas'); c.width = c.height = 48;
            const g = c.getContext('2d'); g.drawImage(img, 0, 0);
            return Array.from(g.getImageData(24, 24, 1, 1).data);
        }""",
        src,
    )
    assert pixel[2] > 150 and pixel[0] < 100, pixel  # blue: the framed right half
    bob.message("Hello from Alice").locator(".msg-author").click()
    card = bob.page.locator("[data-profile-card]")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Chief Planner")
    expect(card).to_contain_text("Team")
    expect(card).to_contain_text("Platform")
    expect(card.locator("[data-local-time]")).to_contain_text("local time")
    expect(card.get_by_role("img", name="Profile photo of Alice Archer")).to_be_visible()
    bob.screenshot("people-02-card")
    assert bob.axe_violations() == []
    card.get_by_role("button", name="View full profile").click()
    expect(card).to_contain_text("@")
    card.get_by_role("button", name="Close").click()
    expect(card).to_have_count(0)

    # An @mention of Alice opens her card too; "Message" opens the DM with her.
    alice_id = alice.api("auth.test")["user_id"]
    general = next(c["id"] for c in bob.api("conversations.list")["channels"] if c["is_general"])
    assert bob.api("chat.postMessage", channel=general, text=f"ping <@{alice_id}>")["ok"]
    bob.message("ping").locator(".mention").click()
    expect(card).to_have_attribute("data-profile-card", alice_id)
    card.get_by_role("button", name="Message", exact=True).click()
    bob.page.get_by_role("heading", level=1).filter(has_text="Alice Archer").wait_for()


def test_details_and_card_on_a_phone(web: Web) -> None:
    alice = web.person("Alice Archer")
    web.sign_up(alice)
    phone = web.person("Alice Archer", viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.context.add_cookies(alice.context.cookies())
    phone.goto("/client")
    phone.page.get_by_role("heading", level=1).filter(has_text="general").wait_for()
    phone.send("Message #general", "Phone hello")
    phone.page.locator(".channel-title-button").click()
    dialog = phone.page.locator("[data-channel-details]")
    expect(dialog.get_by_role("tab", name="Settings")).to_be_visible()
    box = dialog.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    phone.screenshot("details-03-phone")
    assert phone.axe_violations() == []
    phone.page.keyboard.press("Escape")
    phone.message("Phone hello").locator(".msg-author").click()
    card = phone.page.locator("[data-profile-card]")
    expect(card).to_be_visible()
    box = card.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    phone.screenshot("people-03-phone-card")
    assert phone.axe_violations() == []


def test_a_photo_larger_than_a_request_is_scaled_down_before_upload(
    web: Web, tmp_path: Path
) -> None:
    alice = web.person("Alice Archer")
    web.sign_up(alice)
    noisy = Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3))
    path = tmp_path / "big.png"
    noisy.save(path, format="PNG")
    assert path.stat().st_size > 1_000_000  # over the server's default request limit
    page = alice.page
    page.locator(".self-button").click()
    dialog = page.get_by_role("dialog", name="Edit your profile")
    dialog.get_by_label("Choose a profile photo").set_input_files(str(path))
    dialog.get_by_role("button", name="Save photo").click()
    expect(dialog.locator(".photo-current-img")).to_be_visible()
    profile = alice.api("users.profile.get")["profile"]
    assert re.search(r"/avatars/[A-Za-z0-9_-]+/original$", profile["image_original"])
