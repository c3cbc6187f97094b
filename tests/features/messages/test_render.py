"""mrkdwn / Block Kit / attachments → HTML, and the XSS corpus that must never come alive."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import nh3
import pytest

from parley.features.messages.render import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    RenderContext,
    render_message,
    sanitize,
)

CONTEXT = RenderContext(user_names={"U0ANN": "Ann"}, channel_names={"C0GEN": "general"})


def render(text: str) -> str:
    return render_message(text, None, None, CONTEXT)


# --- formatting -----------------------------------------------------------------------------


def test_inline_formatting() -> None:
    assert render("*bold* _italic_ ~strike~ `co*de*`") == (
        "<strong>bold</strong> <em>italic</em> <del>strike</del> <code>co*de*</code>"
    )


def test_markers_inside_words_are_literal() -> None:
    assert render("snake_case_name and 2*3*4") == "snake_case_name and 2*3*4"


def test_slack_escapes_are_decoded_once() -> None:
    assert render("a &amp; b &lt;tag&gt; &amp;lt;") == "a &amp; b &lt;tag&gt; &amp;lt;"


def test_code_block_and_quotes() -> None:
    html = render("&gt; quoted\n&gt; more\nplain\n```\n*not bold* <b>\n```")
    assert html == ("<blockquote>quoted<br>more</blockquote>plain<pre>*not bold* &lt;b&gt;</pre>")


def test_rest_quote() -> None:
    assert render("before\n>>> all\nof this") == "before<blockquote>all<br>of this</blockquote>"


def test_links() -> None:
    html = render("<https://example.com/a?b=1&amp;c=2|the *site*> and https://x.test/p_q_r")
    assert '<a href="https://example.com/a?b=1&amp;c=2" target="_blank"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert ">the *site*</a>" in html
    assert '<a href="https://x.test/p_q_r"' in html


def test_mentions() -> None:
    html = render("<@U0ANN> <@U0BOB|bob> <#C0GEN> <#C0SEC|secret> <!here> <!everyone>")
    assert '<span class="mention" data-user-id="U0ANN">@Ann</span>' in html
    assert '<span class="mention" data-user-id="U0BOB">@bob</span>' in html
    assert '<span class="channel-mention" data-channel-id="C0GEN">#general</span>' in html
    assert "#secret</span>" in html
    assert '<span class="mention mention-special">@here</span>' in html
    assert "@everyone</span>" in html


def test_emoji_kept_as_text() -> None:
    assert render(":tada: done") == ":tada: done"


def test_plain_text_when_mrkdwn_is_off() -> None:
    assert render_message("*x* <@U0ANN>", None, None, CONTEXT, mrkdwn=False) == (
        "*x* &lt;@U0ANN&gt;"
    )


def test_blocks() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Title"}},
        {
            "type": "section",
            "block_id": "s1",
            "text": {"type": "mrkdwn", "text": "*hi* <@U0ANN>"},
            "fields": [{"type": "plain_text", "text": "*f*"}],
        },
        {"type": "divider"},
        {"type": "image", "image_url": "https://img.test/a.png", "alt_text": "pic"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "_small_"}]},
        {
            "type": "actions",
            "block_id": "b1",
            "elements": [
                {
                    "type": "button",
                    "action_id": "approve",
                    "value": "42",
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Approve"},
                }
            ],
        },
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "text", "text": "bold", "style": {"bold": True}},
                        {"type": "emoji", "name": "wave"},
                    ],
                },
                {
                    "type": "rich_text_list",
                    "style": "bullet",
                    "elements": [
                        {"type": "rich_text_section", "elements": [{"type": "text", "text": "a"}]}
                    ],
                },
            ],
        },
    ]
    html = render_message("fallback", blocks, None, CONTEXT)
    assert "fallback" not in html
    assert "<h3>Title</h3>" in html
    assert "<strong>hi</strong>" in html and "@Ann</span>" in html
    assert '<div class="field">*f*</div>' in html
    assert "<hr>" in html
    assert '<img class="block-img" src="https://img.test/a.png" alt="pic">' in html
    assert "<em>small</em>" in html
    assert (
        '<button class="button button-primary" data-action-id="approve" data-block-id="b1" '
        'data-value="42" type="button">Approve</button>'
    ) in html
    assert "<p><strong>bold</strong>:wave:</p>" in html
    assert "<ul><li>a</li></ul>" in html


def test_attachments() -> None:
    attachments = [
        {
            "color": "#36a64f",
            "pretext": "pre *x*",
            "author_name": "Author",
            "title": "Title",
            "title_link": "https://t.test",
            "text": "body _y_",
            "fields": [{"title": "Priority", "value": "High", "short": True}],
            "footer": "foot",
        }
    ]
    html = render_message("", None, attachments, CONTEXT)
    assert '<div class="attachment" data-color="#36a64f">' in html
    assert "pre <strong>x</strong>" in html
    assert '<a href="https://t.test"' in html and ">Title</a>" in html
    assert "body <em>y</em>" in html
    assert '<div class="field-title">Priority</div><div class="field-value">High</div>' in html
    assert "foot" in html


# --- XSS corpus -----------------------------------------------------------------------------

TEXT_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<javascript:alert(1)|x>",
    "<JaVaScRiPt:alert(1)|click>",
    "<java\tscript:alert(1)|x>",
    "<vbscript:msgbox(1)|x>",
    "<data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==|click>",
    "<svg onload=alert(1)><circle/></svg>",
    "<svg><script>alert(1)</script></svg>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;",
    '<https://x.test" onmouseover="alert(1)|x>',
    "<https://x.test/'onmouseover='alert(1)|x>",
    "<https://a.test|<iframe src=javascript:alert(1)>>",
    "<https://a.test|&lt;img src=x onerror=alert(1)&gt;>",
    '<@U1"><script>alert(1)</script>>',
    '<@U0ANN|"><img src=x onerror=alert(1)>>',
    "<#C1|<img src=x onerror=alert(1)>>",
    "<!date^1^{date}|<script>alert(1)</script>>",
    "<!subteam^S1|<b onclick=alert(1)>x</b>>",
    "<mailto:x@y.z?subject=<script>|m>",
    "*<b onclick=alert(1)>x</b>*",
    "_<a href=javascript:alert(1)>x</a>_",
    "```</pre><script>alert(1)</script>```",
    "`<img src=x onerror=alert(1)>`",
    "&gt; <script>alert(1)</script>",
    ">>> <style>*{background:url(javascript:alert(1))}</style>",
    "\x00<script>\x00alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "\u202egnp.exe <https://evil.test|\u202eelif.txt>",
    'https://x.test/"onmouseover=alert(1)',
    '<https://x.test/a>b"c|d>',
    "*_~`",
    "<<<>>>",
    "<",
    "```",
    "<" * 5000,
]
BLOCK_PAYLOADS: list[list[Any]] = [
    [{"type": "section", "text": {"type": "mrkdwn", "text": p}} for p in TEXT_PAYLOADS[:10]],
    [{"type": "section", "text": {"type": "plain_text", "text": "<script>alert(1)</script>"}}],
    [{"type": "header", "text": {"type": "plain_text", "text": "<img src=x onerror=alert(1)>"}}],
    [{"type": "image", "image_url": "javascript:alert(1)", "alt_text": "x"}],
    [{"type": "image", "image_url": "data:image/svg+xml;base64,PHN2Zz4=", "alt_text": "x"}],
    [{"type": "image", "image_url": "https://i.test/x.png", "alt_text": '"onerror="alert(1)'}],
    [
        {
            "type": "actions",
            "block_id": '"><script>alert(1)</script>',
            "elements": [
                {
                    "type": "button",
                    "action_id": 'a" onclick="alert(1)',
                    "value": "<script>",
                    "url": "javascript:alert(1)",
                    "style": 'primary" onclick="x',
                    "text": {"type": "mrkdwn", "text": "<javascript:alert(1)|go>"},
                }
            ],
        }
    ],
    [
        {
            "type": "context",
            "elements": [
                {"type": "image", "image_url": "javascript:alert(1)", "alt_text": "x"},
                {"type": "mrkdwn", "text": "<img src=x onerror=alert(1)>"},
            ],
        }
    ],
    [
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "link", "url": "javascript:alert(1)", "text": "x"},
                        {"type": "text", "text": "<script>alert(1)</script>"},
                        {"type": "emoji", "name": "<img src=x onerror=alert(1)>"},
                        {"type": "user", "user_id": '"><script>'},
                    ],
                }
            ],
        }
    ],
    [{"type": "section", "fields": "not a list", "text": 5, "accessory": "x"}],
    [{"type": "markdown", "text": "<script>alert(1)</script>"}],
]
ATTACHMENT_PAYLOADS: list[list[Any]] = [
    [
        {
            "color": "red;background:url(javascript:alert(1))",
            "pretext": "<script>alert(1)</script>",
            "author_name": "<img src=x onerror=alert(1)>",
            "author_link": "javascript:alert(1)",
            "title": "<svg onload=alert(1)>",
            "title_link": "javascript:alert(1)",
            "text": "<javascript:alert(1)|x>",
            "fields": [
                {"title": "<script>", "value": "<img src=x onerror=alert(1)>", "short": True},
                "garbage",
            ],
            "image_url": "data:text/html,<script>alert(1)</script>",
            "thumb_url": "javascript:alert(1)",
            "footer": "<script>alert(1)</script>",
            "mrkdwn_in": ["fields"],
            "blocks": [{"type": "image", "image_url": "vbscript:x", "alt_text": "x"}],
        }
    ],
    [{"title": "x", "title_link": 'https://ok.test/" onclick="alert(1)'}],
    ["not an object", None],
]


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_inert(html: str) -> None:
    """No tag or attribute that could run script, by two independent checks."""
    assert sanitize(html) == html, "render output must already be clean (idempotent)"
    assert nh3.clean(html, tags=set(ALLOWED_TAGS), attributes={}) is not None
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    for tag, attrs in collector.tags:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name != "style", tag
            allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | {"target", "rel", "type"}
            assert name in allowed, (tag, name)
            lowered = (value or "").strip().lower()
            if name == "href":
                assert lowered.startswith(("http://", "https://", "mailto:")), value
            if name in {"src", "data-url"}:
                assert lowered.startswith(("http://", "https://")), value
            assert "javascript:" not in lowered.replace("\t", "").replace(" ", ""), value
    lowered_html = html.lower()
    for needle in ("<script", "<svg", "<iframe", "<style", "<object", "<embed", "\u202e"):
        assert needle not in lowered_html, needle


@pytest.mark.parametrize("payload", TEXT_PAYLOADS)
def test_text_payloads_are_inert(payload: str) -> None:
    assert_inert(render(payload))


@pytest.mark.parametrize("blocks", BLOCK_PAYLOADS)
def test_block_payloads_are_inert(blocks: list[Any]) -> None:
    assert_inert(render_message("x", blocks, None, CONTEXT))


@pytest.mark.parametrize("attachments", ATTACHMENT_PAYLOADS)
def test_attachment_payloads_are_inert(attachments: list[Any]) -> None:
    assert_inert(render_message("x", None, attachments, CONTEXT))


def test_dangerous_links_lose_their_href_but_keep_text() -> None:
    html = render("<javascript:alert(1)|click me>")
    assert "<a" not in html
    assert "click me" in html


def test_image_blocks_only_load_http() -> None:
    html = render_message(
        "", [{"type": "image", "image_url": "data:image/png;base64,AAAA", "alt_text": "x"}], None
    )
    assert "<img" not in html


def test_sanitizer_strips_event_handlers_and_styles() -> None:
    dirty = '<div style="x" onclick="y" class="ok"><a href="javascript:z">a</a></div>'
    assert sanitize(dirty) == (
        '<div class="ok"><a target="_blank" rel="noopener noreferrer nofollow">a</a></div>'
    )
