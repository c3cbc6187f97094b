"""End to end: password reset by email, invitations by email, and the admin screens.

Mail goes through a real SMTP server (aiosmtpd, `smtp_server`); the tests read the links
out of the mail as a person would. Each new screen is checked with axe and at 390x844,
and screenshots are kept in test-artifacts/.
"""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from parley.platform.settings import Settings
from tests.mail import SmtpServer
from tests.web.conftest import PASSWORD, Person, Web

NEW_PASSWORD = "a-brand-new-passphrase"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def settings(settings: Settings, smtp_server: SmtpServer) -> Settings:
    return dataclasses.replace(settings, smtp_url=smtp_server.url, mail_from="Parley <p@x.test>")


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (75, 59, 214)).save(buffer, format="PNG")
    return buffer.getvalue()


def _no_axe_violations(person: Person) -> None:
    assert person.axe_violations() == []


def _no_sideways_scroll(person: Person) -> None:
    overflow = person.page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def _open_admin(person: Person) -> None:
    person.page.locator(".team-button").click()
    person.page.get_by_role("menuitem", name=re.compile("Administration")).click()
    person.page.get_by_role("heading", name="Members", level=2).wait_for()


def test_forgot_password_by_email_resets_and_signs_out_elsewhere(
    web: Web, smtp_server: SmtpServer
) -> None:
    ann = web.person("Ann Admin")
    web.sign_up(ann)
    # The same person on a phone, who forgot the password.
    phone = web.person("Ann Admin", viewport=PHONE)
    phone.goto(f"/signin?domain={web.domain}&email={web.email(ann)}")
    phone.page.get_by_role("link", name="Forgot password?").click()
    phone.page.get_by_role("heading", name="Reset your password").wait_for()
    expect(phone.page.get_by_label("Email")).to_have_value(web.email(ann))
    _no_axe_violations(phone)
    _no_sideways_scroll(phone)
    phone.screenshot("admin-forgot-password-390")
    phone.page.get_by_role("button", name="Send reset link").click()
    expect(phone.page.get_by_role("status")).to_contain_text("we have sent it a link")
    [mail] = smtp_server.wait_for(web.email(ann))
    link = mail.link("/reset-password/")
    phone.page.goto(link)
    phone.page.get_by_role("heading", name="Choose a new password").wait_for()
    expect(phone.page.get_by_text("For Acme.")).to_be_visible()
    _no_axe_violations(phone)
    phone.screenshot("admin-reset-password-390")
    phone.page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    phone.page.get_by_label("Repeat it").fill(NEW_PASSWORD)
    phone.page.get_by_role("button", name="Set password and sign in").click()
    phone.page.get_by_role("heading", level=1).filter(has_text="general").wait_for()
    # The other browser's session ended; the link is spent.
    assert ann.api("auth.test")["error"] == "invalid_auth"
    again = web.person("Someone Else")
    again.page.goto(link)
    expect(again.page.get_by_role("alert")).to_contain_text("not valid or was already used")


def test_admin_invites_by_email_and_the_invitee_joins_from_the_mail(
    web: Web, smtp_server: SmtpServer
) -> None:
    ann = web.person("Ann Admin")
    web.sign_up(ann, team="Mailers")
    _open_admin(ann)
    ann.page.get_by_role("link", name="Invitations").click()
    ann.page.get_by_role("heading", name="Invitations", level=2).wait_for()
    bob_email = f"bob@{web.domain}.example"
    ann.page.get_by_label(re.compile("Email addresses")).fill(bob_email)
    ann.page.get_by_role("button", name="Send invitations").click()
    expect(ann.page.get_by_role("status").filter(has_text="Sent 1 invitation")).to_be_visible()
    row = ann.page.locator(".admin-row", has_text=bob_email)
    expect(row).to_contain_text("Pending")
    expect(row).to_contain_text("invited by Ann Admin")
    _no_axe_violations(ann)
    ann.screenshot("admin-invitations")
    [mail] = smtp_server.wait_for(bob_email)
    assert "Ann Admin invited you to Mailers" in mail.subject
    bob = web.person("Bob Baker")
    bob.page.goto(mail.link("/invite/"))
    bob.page.get_by_role("heading", name="Join Mailers on Parley").wait_for()
    expect(bob.page.get_by_text("Ann Admin invited you to Mailers.")).to_be_visible()
    expect(bob.page.get_by_label("Email")).to_have_value(bob_email)
    _no_axe_violations(bob)
    bob.page.get_by_label("Your name").fill("Bob Baker")
    bob.page.get_by_label("Password").fill(PASSWORD)
    bob.page.get_by_role("button", name="Join workspace").click()
    bob.page.get_by_role("heading", level=1).filter(has_text="general").wait_for()
    ann.page.reload()
    expect(ann.page.locator(".admin-row", has_text=bob_email)).to_contain_text("Accepted")
    # Bob, a member, has no Administration entry in the workspace menu.
    bob.page.locator(".team-button").click()
    expect(bob.page.get_by_role("menuitem", name=re.compile("Administration"))).to_have_count(0)


def test_admin_members_and_workspace_settings(web: Web) -> None:
    ann = web.person("Ann Admin")
    web.sign_up(ann)
    cid = web.person("Cid Member")
    web.join_by_invite(ann, cid)
    news = ann.api("conversations.create", name="news")["channel"]["id"]
    _open_admin(ann)
    # Members: search, role, deactivate with a reason.
    ann.page.get_by_label("Search members").fill("cid")
    rows = ann.page.locator(".admin-list .admin-row")
    expect(rows).to_have_count(1)
    ann.page.get_by_label("Role of Cid Member").select_option("admin")
    expect(ann.page.get_by_role("status").filter(has_text="Cid Member is now admin")).to_have_count(
        1
    )
    assert cid.api("admin.teams.settings.info")["ok"]  # the role took effect
    ann.page.get_by_label("Role of Cid Member").select_option("member")
    expect(ann.page.get_by_label("Role of Cid Member")).to_have_value("member")
    _no_axe_violations(ann)
    ann.screenshot("admin-members")
    ann.page.get_by_role("button", name="Deactivate").click()
    dialog = ann.page.get_by_role("dialog")
    dialog.get_by_label("Reason (shown to them)").fill("Left the company")
    _no_axe_violations(ann)
    dialog.get_by_role("button", name="Deactivate").click()
    expect(rows.first).to_contain_text("Deactivated")
    assert cid.api("auth.test")["error"] in {"account_inactive", "invalid_auth"}
    ann.page.get_by_role("button", name="Reactivate").click()
    expect(rows.first).not_to_contain_text("Deactivated")
    # Settings: name, default channel, who may create channels.
    ann.page.get_by_role("link", name="Workspace settings").click()
    ann.page.get_by_label("Workspace name").fill("Acme Renamed")
    ann.page.get_by_role("button", name="Save name").click()
    expect(ann.page.get_by_role("status").filter(has_text="Workspace name saved")).to_be_visible()
    ann.page.get_by_role("checkbox", name="#news").check()
    ann.page.get_by_role("button", name="Save default channels").click()
    expect(ann.page.get_by_role("status").filter(has_text="Default channels saved")).to_be_visible()
    ann.page.get_by_role("group", name="Who may create channels").get_by_label(
        "Only admins and owners"
    ).check()
    expect(
        ann.page.get_by_role("status").filter(has_text="who may create channels")
    ).to_be_visible()
    ann.page.get_by_label(re.compile("Workspace icon")).set_input_files(
        files=[{"name": "icon.png", "mimeType": "image/png", "buffer": _png()}]
    )
    expect(ann.page.get_by_role("status").filter(has_text="Workspace icon saved")).to_be_visible()
    expect(ann.page.get_by_alt_text("Current workspace icon")).to_be_visible()
    _no_axe_violations(ann)
    ann.screenshot("admin-settings")
    info = ann.api("admin.teams.settings.info")["team"]
    assert info["name"] == "Acme Renamed" and info["default_channels"] == [news]
    assert info["who_can_create_channels"] == "admins"
    # Deactivation ended Cid's session for good (reactivated, he signs in again): a member
    # who joins now is refused channel creation.
    assert cid.api("auth.test")["error"] == "invalid_auth"
    dee = web.person("Dee Member")
    web.join_by_invite(ann, dee)
    assert dee.api("conversations.create", name="nope")["error"] == "restricted_action"
    assert "/team-icon/" in info["icon"]["image_132"]
    ann.page.get_by_role("button", name=re.compile("Back to")).click()
    expect(ann.page.locator(".team-button")).to_contain_text("Acme Renamed")
    # The same screens on a phone.
    phone = web.person("Ann Admin", viewport=PHONE)
    phone.goto(f"/signin?domain={web.domain}&email={web.email(ann)}")
    phone.page.get_by_label("Password").fill(PASSWORD)
    phone.page.get_by_role("button", name="Sign in").click()
    phone.page.get_by_role("heading", level=1).filter(has_text="general").wait_for()
    for tab, heading in (
        ("members", "Members"),
        ("invitations", "Invitations"),
        ("settings", "Workspace settings"),
    ):
        phone.goto(f"/admin/{tab}")
        phone.page.get_by_role("heading", name=heading, level=2).wait_for()
        _no_sideways_scroll(phone)
        _no_axe_violations(phone)
        phone.screenshot(f"admin-{tab}-390")
