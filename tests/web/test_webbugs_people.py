"""Issue 16's bugs between people: mention badges, member counts, presence of a new DM
partner, names in mentions after a rename, and deactivation ending the session at once."""

from __future__ import annotations

import asyncio
import re
import threading
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine

from parley.features.auth.models import BrowserSession
from parley.platform.clock import utc_now
from tests.conftest import LiveServer
from tests.web.conftest import PASSWORD, Person, Web


def _side_link(person: Person, name: str) -> object:
    return person.page.locator(".side-nav a.side-item", has_text=name)


def _reload(person: Person, heading: str = "general") -> None:
    person.page.reload()
    person.page.get_by_role("heading", level=1).filter(has_text=heading).wait_for()


def test_mention_badge_counts_only_real_mentions_live_and_after_reload(web: Web) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    bob_id = bob.api("auth.test")["user_id"]
    channel = alice.api("conversations.create", name="design")["channel"]["id"]
    # Before Bob is in #design: a mention of him and an @here there are not his to read.
    alice.api("chat.postMessage", channel=channel, text=f"<@{bob_id}> should join us")
    alice.api("chat.postMessage", channel=channel, text="<!here> standup in 5")
    alice.send("Message #general", "warming up")
    expect(bob.message("warming up")).to_be_visible()

    # Bob is added while he reads #general: the history before he joined and his own join
    # line are neither unread nor mentions, live or after a reload.
    assert alice.api("conversations.invite", channel=channel, users=bob_id)["ok"]
    design = _side_link(bob, "design")
    expect(design).to_be_visible()
    bob.page.wait_for_timeout(1000)
    expect(design.locator(".badge")).to_have_count(0)
    _reload(bob)
    expect(_side_link(bob, "design").locator(".badge")).to_have_count(0)
    expect(_side_link(bob, "design")).not_to_have_class(re.compile("side-item-unread"))
    design = _side_link(bob, "design")

    # One message mentioning him twice over (by name and @here): a badge of 1, live and
    # after a reload.
    alice.api("chat.postMessage", channel=channel, text=f"<!here> <@{bob_id}> can you look?")
    expect(design.locator(".badge")).to_have_text("1")
    bob.screenshot("webbugs-06-one-mention")
    _reload(bob)
    expect(_side_link(bob, "design").locator(".badge")).to_have_text("1")
    # A second, ordinary message does not add a mention.
    alice.api("chat.postMessage", channel=channel, text="no mention here")
    expect(_side_link(bob, "design")).to_have_class(re.compile("side-item-unread"))
    bob.page.wait_for_timeout(500)
    expect(_side_link(bob, "design").locator(".badge")).to_have_text("1")
    _reload(bob)
    expect(_side_link(bob, "design").locator(".badge")).to_have_text("1")


def test_browse_channels_shows_member_counts(web: Web) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    alice.api("conversations.create", name="lonely")
    page = bob.page
    page.get_by_role("button", name="Browse channels").click()
    listing = page.get_by_role("list", name="Channels")
    expect(listing.locator("li.browse-item", has_text="general")).to_contain_text("2 members")
    expect(listing.locator("li.browse-item", has_text="lonely")).to_contain_text("1 member")
    bob.screenshot("webbugs-07-browse-channels")
    assert bob.axe_violations() == []


def test_a_new_dm_shows_the_partner_presence_live(web: Web) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    expect(bob.page.get_by_role("heading", level=1)).to_contain_text("general")
    # Bob is online (his page is open) before Alice opens the app and a DM with him.
    _reload(alice)
    page = alice.page
    page.get_by_role("button", name="New message").first.click()
    page.get_by_label("Find people").fill("Bob")
    page.get_by_role("dialog").get_by_text("Bob Baker").click()
    page.get_by_role("button", name="Start message").click()
    page.get_by_role("heading", level=1).filter(has_text="Bob Baker").wait_for()
    dm = _side_link(alice, "Bob Baker")
    expect(dm.locator(".presence")).to_have_class(re.compile("presence-active"))
    expect(page.locator(".channel-header .presence")).to_have_class(re.compile("presence-active"))
    alice.screenshot("webbugs-08-new-dm-presence")
    # And it follows him live: Bob sets himself away.
    bob.page.get_by_role("button", name="Set yourself away").click()
    expect(dm.locator(".presence")).to_have_class(re.compile("presence-away"))


def test_mentions_show_the_current_name_after_a_rename(web: Web) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    bob_id = bob.api("auth.test")["user_id"]
    general = bob.api("conversations.list")["channels"]
    general_id = next(c["id"] for c in general if c["name"] == "general")
    bob.api("chat.postMessage", channel=general_id, text=f"thanks <@{bob_id}> from past me")
    message = alice.message("from past me")
    expect(message.locator(".mention")).to_have_text("@Bob Baker")

    assert bob.api("users.profile.set", profile={"display_name": "Robert"})["ok"]
    # Live: the author's name (in the row's label) and the mention change together.
    expect(message).to_have_attribute("aria-label", re.compile("^Robert, "))
    expect(message.locator(".mention")).to_have_text("@Robert")
    # After a reload too (the stored rendering still has the old name).
    _reload(alice)
    expect(alice.message("from past me").locator(".mention")).to_have_text("@Robert")
    alice.screenshot("webbugs-09-renamed-mention")


def test_deactivation_ends_the_session_at_once_with_a_reason(web: Web) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    bob_id = bob.api("auth.test")["user_id"]
    deactivated = alice.api(
        "admin.users.setActive", user_id=bob_id, active=False, reason="Left the company"
    )
    assert deactivated["ok"], deactivated

    # Live: no "Reconnecting…" forever, a clear screen with the workspace and the reason.
    page = bob.page
    expect(page.get_by_role("heading", name="Account deactivated")).to_be_visible()
    expect(page.get_by_text("Your account on Acme was deactivated.")).to_be_visible()
    expect(page.get_by_text("Left the company")).to_be_visible()
    expect(page.get_by_text("Reconnecting")).to_have_count(0)
    bob.screenshot("webbugs-12-deactivated")
    assert bob.axe_violations() == []

    # The session is over: the API refuses it, and a reload shows the same screen.
    assert bob.api("auth.test")["error"] == "account_inactive"
    page.reload()
    expect(page.get_by_text("Your account on Acme was deactivated.")).to_be_visible()

    # Signing in says so in plain words, with the reason.
    page.get_by_role("button", name="Go to sign in").click()
    page.get_by_label("Workspace", exact=True).fill(web.domain)
    page.get_by_label("Email").fill(web.email(bob))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Your account on Acme was deactivated.")
    expect(alert).to_contain_text("Left the company")
    expect(alert).not_to_contain_text("Something went wrong")
    bob.screenshot("webbugs-13-deactivated-sign-in")

    # At 390×844 the deactivated screen fits too.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(web.base_url + "/client")
    heading = page.get_by_role("heading", name="Account deactivated")
    expect(heading).to_be_visible()
    box = page.locator(".auth-card").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    bob.screenshot("webbugs-14-deactivated-phone")


def _expire_sessions_of(database_url: str, user_id: str) -> None:
    """Moves the user's web sessions past their end, as PARLEY_SESSION_TTL would (in a
    thread of its own: the sync Playwright holds this thread's event loop)."""

    async def expire() -> None:
        engine = create_async_engine(database_url)
        async with engine.begin() as connection:
            await connection.execute(
                update(BrowserSession)
                .where(BrowserSession.user_id == user_id)
                .values(expires_at=utc_now() - timedelta(seconds=1))
            )
        await engine.dispose()

    worker = threading.Thread(target=lambda: asyncio.run(expire()))
    worker.start()
    worker.join()


def test_an_expired_session_goes_to_sign_in_saying_so(web: Web, live_server: LiveServer) -> None:
    alice = web.person("Alice Archer")
    web.sign_up(alice)
    user_id = alice.api("auth.test")["user_id"]
    _expire_sessions_of(live_server.settings.effective_database_url, user_id)
    alice.page.wait_for_timeout(5_500)  # the server's credential cache trusts for 5 s
    assert alice.api("auth.test")["error"] == "token_expired"
    alice.page.reload()
    page = alice.page
    expect(page.get_by_role("status").filter(has_text="Your session expired")).to_be_visible()
    expect(page.get_by_role("heading", name="Sign in to your workspace")).to_be_visible()
    alice.screenshot("webbugs-17-session-expired")
    page.get_by_label("Workspace", exact=True).fill(web.domain)
    page.get_by_label("Email").fill(web.email(alice))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", level=1).filter(has_text="general").wait_for()
    expect(page.get_by_text("Your session expired")).to_have_count(0)
