"""Issue 16's layout bugs, measured with bounding boxes in a 1280×800 window: popovers
(emoji and reaction pickers, the ⋯ and ⚡ menus) stay inside the viewport and never scroll
the app sideways, the thread composer keeps Send on screen, dialogs keep focus inside."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.web.conftest import Person, Web

WIDTH, HEIGHT = 1280, 800


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return dict(box)


def _assert_inside_viewport(locator: Any, what: str) -> None:
    box = _box(locator)
    assert box["x"] >= 0, f"{what} is cut off on the left: {box}"
    assert box["y"] >= 0, f"{what} is cut off at the top: {box}"
    assert box["x"] + box["width"] <= WIDTH, f"{what} is cut off on the right: {box}"
    assert box["y"] + box["height"] <= HEIGHT, f"{what} is cut off at the bottom: {box}"


def _assert_app_in_place(person: Person) -> None:
    """The app root and the sidebar sit at the left edge: nothing scrolled them sideways."""
    for selector in (".app", ".sidebar"):
        assert _box(person.page.locator(selector))["x"] == 0, f"{selector} moved"
    scrolled = person.page.evaluate(
        "() => Array.from(document.querySelectorAll('*')).filter(e => e.scrollLeft > 0)"
        ".map(e => e.className)"
    )
    assert scrolled == [], f"scrolled sideways: {scrolled}"


def _open_thread(person: Person, text: str) -> None:
    message = person.message(text)
    person.message_action(message, "Reply in thread")
    person.page.get_by_role("textbox", name="Reply in thread").wait_for()


def test_pickers_stay_in_the_viewport_and_never_shift_the_app(web: Web) -> None:
    alice = web.person("Alice Archer")
    web.sign_up(alice)
    for n in range(1, 4):
        alice.send("Message #general", f"line {n} of the day")
    expect(alice.message("line 3 of the day")).to_be_visible()
    _open_thread(alice, "line 3 of the day")
    thread = alice.page.locator("aside")

    # The thread composer's emoji button: the picker opens inside the window, the app stays.
    thread.get_by_role("button", name="Insert emoji").click()
    picker = alice.page.get_by_role("dialog", name="Insert emoji")
    expect(picker).to_be_visible()
    _assert_inside_viewport(picker, "the thread composer's emoji picker")
    _assert_app_in_place(alice)
    alice.screenshot("webbugs-01-thread-emoji-picker")
    alice.page.keyboard.press("Escape")
    expect(picker).to_have_count(0)
    _assert_app_in_place(alice)

    # The reaction picker of the bottom message (hover toolbar): inside right and bottom.
    message = alice.message("line 3 of the day")
    alice.message_action(message, "Add reaction")
    picker = alice.page.get_by_role("dialog", name="Add reaction")
    expect(picker).to_be_visible()
    _assert_inside_viewport(picker, "the reaction picker")
    _assert_app_in_place(alice)
    alice.screenshot("webbugs-02-reaction-picker")
    picker.get_by_role("button", name=":+1:").click()
    expect(picker).to_have_count(0)

    # The "add reaction" button next to existing reactions, at the bottom of the list.
    message.hover()
    message.get_by_role("group", name="Reactions").get_by_role(
        "button", name="Add reaction"
    ).click()
    picker = alice.page.get_by_role("dialog", name="Add reaction")
    _assert_inside_viewport(picker, "the reaction row's picker")
    _assert_app_in_place(alice)


def test_thread_broadcast_checkbox_keeps_send_on_screen(web: Web) -> None:
    alice = web.person("Alice Archer")
    web.sign_up(alice)
    alice.send("Message #general", "a thread to reply to")
    _open_thread(alice, "a thread to reply to")
    thread = alice.page.locator("aside")
    expect(thread.get_by_text("Also send to channel")).to_be_visible()
    send = thread.get_by_role("button", name="Send message")
    aside = _box(thread)
    box = _box(send)
    assert box["x"] + box["width"] <= aside["x"] + aside["width"], (box, aside)
    _assert_inside_viewport(send, "the thread's Send button")
    _assert_inside_viewport(thread.get_by_text("Also send to channel"), "the broadcast box")
    alice.screenshot("webbugs-03-thread-composer")


def test_message_menu_and_shortcuts_menu_are_readable_and_inside(web: Web) -> None:
    alice = web.person("Alice Archer")
    web.sign_up(alice)
    alice.send("Message #general", "menu test message")
    message = alice.message("menu test message")
    alice.message_action(message, "More actions")
    menu = alice.page.get_by_role("menu", name="More actions")
    expect(menu).to_be_visible()
    _assert_inside_viewport(menu, "the message's ⋯ menu")
    alice.screenshot("webbugs-04-message-menu")
    alice.page.keyboard.press("Escape")

    alice.page.locator(".message-pane").get_by_role("button", name="Shortcuts").click()
    menu = alice.page.get_by_role("menu", name="Shortcuts")
    expect(menu).to_be_visible()
    expect(menu.get_by_text("No app shortcuts here")).to_be_visible()
    _assert_inside_viewport(menu, "the composer's ⚡ menu")
    assert _box(menu)["height"] >= 30, _box(menu)
    assert _box(menu.get_by_text("No app shortcuts here"))["height"] >= 12
    _assert_app_in_place(alice)
    alice.screenshot("webbugs-05-shortcuts-menu")


def test_autocomplete_avatars_show_the_person_initials(web: Web) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    alice.page.reload()
    alice.page.get_by_role("heading", level=1).filter(has_text="general").wait_for()
    alice.composer("Message #general").fill("@bo")
    option = alice.page.get_by_role("option", name="Bob Baker")
    expect(option).to_be_visible()
    expect(option.locator(".avatar")).to_have_text("BB")


def test_dialogs_keep_focus_inside_and_escape_closes(web: Web) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    page = alice.page
    for opener in ("New message", "Create a channel"):
        page.get_by_role("button", name=opener).first.click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        for key in ["Tab"] * 12 + ["Shift+Tab"] * 12:
            page.keyboard.press(key)
            inside = page.evaluate(
                "() => !!document.activeElement.closest('[role=dialog][aria-modal=true]')"
            )
            focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
            assert inside, f"{key} moved focus out of {opener!r} to {focused}"
        # Focus lost to the page (the focused element went away): Tab comes back into the
        # dialog, and Escape still closes it.
        page.evaluate("() => document.activeElement.blur()")
        page.keyboard.press("Tab")
        assert page.evaluate(
            "() => !!document.activeElement.closest('[role=dialog][aria-modal=true]')"
        ), "Tab from the page went outside the dialog"
        page.evaluate("() => document.activeElement.blur()")
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_have_count(0)
