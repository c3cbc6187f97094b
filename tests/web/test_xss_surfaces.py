"""Hostile content beyond message text (test_chat.py covers that): channel topic and
purpose, profile fields, Block Kit and attachments, bookmarks. Nothing may execute: no
dialog, no script side effect, no javascript:/data: link or image, and zero Content
Security Policy violations (the page's own `securitypolicyviolation` events are recorded).
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import expect

from tests.web.conftest import Person, Web

# Each payload would set window.__pwned if it ever ran.
RUN = "window.__pwned=(window.__pwned||0)+1"
PAYLOADS = [
    f'<img src=x onerror="{RUN}">',
    f"<script>{RUN}</script>",
    f'"><svg onload="{RUN}">',
    f"javascript:{RUN}",
    f"[click](javascript:{RUN})",
    f'<a href="javascript:{RUN}">link</a>',
]
EVIL_URLS = [
    f"javascript:{RUN}",
    f"data:text/html,<script>{RUN}</script>",
    f'https://x.example/"onerror="{RUN}',
]
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def _blocks(text: str) -> list[dict[str, Any]]:
    return [
        {"type": "header", "text": {"type": "plain_text", "text": text[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {
            "type": "section",
            "text": {"type": "plain_text", "text": text},
            "accessory": {"type": "image", "image_url": EVIL_URLS[0], "alt_text": text},
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]},
        {"type": "image", "image_url": EVIL_URLS[1], "alt_text": text},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "go"},
                    "url": EVIL_URLS[0],
                    "action_id": "a1",
                },
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": text[:70]},
                    "value": text[:100],
                    "action_id": "a2",
                },
            ],
        },
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "text", "text": text},
                        {"type": "link", "url": EVIL_URLS[0], "text": "rich link"},
                    ],
                }
            ],
        },
    ]


def _attachments(text: str) -> list[dict[str, Any]]:
    return [
        {
            "fallback": text,
            "color": '"><script>' + RUN + "</script>",
            "pretext": text,
            "author_name": text,
            "author_link": EVIL_URLS[0],
            "author_icon": EVIL_URLS[1],
            "title": text,
            "title_link": EVIL_URLS[0],
            "text": text,
            "fields": [{"title": text, "value": text, "short": True}],
            "image_url": EVIL_URLS[2],
            "thumb_url": EVIL_URLS[0],
            "footer": text,
            "footer_icon": EVIL_URLS[1],
        }
    ]


def _assert_nothing_ran(person: Person) -> None:
    page = person.page
    assert person.dialogs == [], person.dialogs
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("window.__csp") == []
    csp = [e for e in person.console_errors if "Content Security Policy" in e]
    assert csp == [], csp
    bad = page.evaluate("""() => [...document.querySelectorAll('a[href], img[src], iframe, '
        + 'object, embed, script:not([src])')]
        .map((e) => e.tagName + ' ' + (e.getAttribute('href') || e.getAttribute('src') || ''))
        .filter((s) => /^(A|IMG) (javascript|data|vbscript):/i.test(s)
                       || /^(IFRAME|OBJECT|EMBED|SCRIPT)/.test(s))""")
    assert bad == [], bad
    handlers = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap((e) =>
        [...e.attributes].filter((a) => /^on/i.test(a.name))
        .map((a) => e.tagName + ' ' + a.name))""")
    assert handlers == [], handlers


def test_hostile_names_topics_profiles_blocks_and_attachments(web: Web) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    for person in (alice, bob):
        person.context.add_init_script(WATCH)
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    general = next(
        c["id"] for c in alice.api("conversations.list")["channels"] if c["name"] == "general"
    )
    for n, payload in enumerate(PAYLOADS):
        text = f"{payload} #{n}"
        assert alice.api("conversations.setTopic", channel=general, topic=text)["ok"]
        assert alice.api("conversations.setPurpose", channel=general, purpose=text)["ok"]
        profile = {"display_name": text[:80], "title": text, "status_text": text[:100]}
        answer = alice.api("users.profile.set", profile=json.dumps(profile))
        assert answer.get("error") != "internal_error", answer
        for link in EVIL_URLS:
            answer = alice.api(
                "bookmarks.add", channel_id=general, title=text, type="link", link=link
            )
            assert answer.get("error") != "internal_error", answer
        answer = alice.api(
            "bookmarks.add",
            channel_id=general,
            title=text,
            type="link",
            link="https://example.com/ok",
        )
        assert answer["ok"], answer
        blocks = alice.api(
            "chat.postMessage", channel=general, text=text, blocks=json.dumps(_blocks(text))
        )
        assert blocks.get("error") != "internal_error", blocks
        attached = alice.api(
            "chat.postMessage",
            channel=general,
            text=f"att {n}",
            attachments=json.dumps(_attachments(text)),
        )
        assert attached.get("error") != "internal_error", attached
    alice.api("chat.postMessage", channel=general, text="surfaces done")
    for person in (bob, alice):
        person.page.reload()
        person.page.get_by_role("heading", level=1).filter(has_text="general").wait_for()
        expect(person.message("surfaces done")).to_be_visible()
        for message in person.page.locator(".message-pane article.msg").all()[-12:]:
            message.hover()
        _assert_nothing_ran(person)
    # The hostile text is shown as text, not dropped: the topic reads literally.
    expect(bob.page.locator("button.topic")).to_contain_text("<a href=")
    bob.screenshot("xss-surfaces")
