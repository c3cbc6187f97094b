"""Search in the browser: filter hints while typing, chips, and messages, files and people."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.web.conftest import Person, Web

UPLOAD_JS = """async ([name, channel]) => {
    const csrf = document.cookie.split('; ').find(c => c.startsWith('parley_csrf='));
    const headers = {'Content-Type': 'application/json',
                     'X-Parley-CSRF': csrf ? decodeURIComponent(csrf.slice(12)) : ''};
    const call = async (method, args) => (await fetch('/api/' + method, {
        method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(args)})).json();
    const bytes = new TextEncoder().encode('numbers for the quarter');
    const url = await call('files.getUploadURLExternal', {filename: name, length: bytes.length});
    await fetch(url.upload_url, {method: 'POST', body: bytes, credentials: 'same-origin'});
    return call('files.completeUploadExternal',
                {files: [{id: url.file_id, title: name}], channel_id: channel});
}"""


def upload(person: Person, name: str, channel: str) -> dict[str, Any]:
    done: dict[str, Any] = person.page.evaluate(UPLOAD_JS, [name, channel])
    assert done["ok"], done
    return done


def general_id(person: Person) -> str:
    listed = person.api("conversations.list", types="public_channel")
    return next(c["id"] for c in listed["channels"] if c["name"] == "general")


def search_box(person: Person) -> Any:
    return person.page.get_by_role("combobox", name="Search messages, files and people")


def test_search_hints_chips_and_three_kinds_of_results(web: Web) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    general = general_id(alice)
    alice.send("Message #general", "the quarterly budget is final")
    upload(alice, "budget-2026.xlsx", general)

    # Hints while typing: a filter's name, then the channels that complete it.
    box = search_box(bob)
    box.fill("budget in:#gen")
    hints = bob.page.get_by_role("listbox", name="Search filters")
    expect(hints.get_by_role("option", name=re.compile("#general"))).to_be_visible()
    bob.screenshot("search-01-hints")
    box.press("Tab")
    expect(box).to_have_value("budget in:#general ")
    box.press("Enter")

    pane = bob.page.get_by_role("complementary", name="Search results")
    expect(pane.get_by_role("button", name="Remove filter in #general")).to_be_visible()
    expect(pane.get_by_role("tab", name=re.compile("Messages"))).to_contain_text("1")
    expect(pane.locator("mark").first).to_have_text(re.compile("budget", re.I))
    assert bob.axe_violations() == []

    # Files: found by name, in the same search.
    pane.get_by_role("tab", name=re.compile("Files")).click()
    expect(pane.get_by_role("link", name="budget-2026.xlsx", exact=True)).to_be_visible()
    bob.screenshot("search-02-files")

    # A filter that only messages have: no files, no messages.
    pane.get_by_label("Filter: Has").select_option("has:link")
    expect(pane.get_by_role("button", name="Remove filter has a link")).to_be_visible()
    expect(box).to_have_value(re.compile("has:link"))
    expect(pane.get_by_role("tab", name=re.compile("Files"))).to_contain_text("0")
    expect(pane.get_by_role("tab", name=re.compile("Messages"))).to_contain_text("0")

    # Removing the chips widens the search again; the box follows.
    pane.get_by_role("button", name="Remove filter has a link").click()
    pane.get_by_role("button", name="Remove filter in #general").click()
    expect(box).to_have_value("budget")
    expect(pane.get_by_role("tab", name=re.compile("Files"))).to_contain_text("1")

    # People: by the start of a name; a click opens the DM.
    box.fill("alice")
    box.press("Enter")
    pane.get_by_role("tab", name=re.compile("People")).click()
    person = pane.get_by_role("button", name=re.compile("Alice Archer"))
    expect(person).to_be_visible()
    assert bob.axe_violations() == []
    bob.screenshot("search-03-people")
    person.click()
    expect(bob.page.get_by_role("heading", level=1)).to_contain_text("Alice Archer")
    assert bob.console_errors == []


def test_search_on_a_phone(web: Web) -> None:
    alice = web.person("Alice Archer", viewport={"width": 390, "height": 844})
    web.sign_up(alice)
    alice.send("Message #general", "phone sized search works")
    box = search_box(alice)
    box.fill("phone")
    box.press("Enter")
    pane = alice.page.get_by_role("complementary", name="Search results")
    expect(pane.locator("mark").first).to_have_text(re.compile("phone", re.I))
    box_of = pane.bounding_box()
    assert box_of is not None
    assert box_of["x"] >= 0 and box_of["x"] + box_of["width"] <= 390 + 1
    menus = pane.get_by_label("Filter: Date").bounding_box()
    assert menus is not None and menus["x"] + menus["width"] <= 390 + 1
    assert alice.axe_violations() == []
    alice.screenshot("search-04-phone")
