"""Pure parts of unfurling: which links, what a page says, card shape, merging, the cache."""

from __future__ import annotations

from parley.features.unfurl.cache import PreviewCache
from parley.features.unfurl.cards import card_for, merge_app_cards, merge_parley_cards
from parley.features.unfurl.fetch import Preview
from parley.features.unfurl.links import MAX_LINKS, domain_matches, message_links
from parley.features.unfurl.parse import decode_html, parse_page


def test_message_links_in_order_deduplicated_and_bounded() -> None:
    text = (
        "see <https://a.example/x?q=1&amp;r=2|the doc>, https://b.example/y. and "
        "<https://a.example/x?q=1&amp;r=2> <mailto:x@y.z> ftp://no.example <@U123>"
    )
    assert message_links(text) == ["https://a.example/x?q=1&r=2", "https://b.example/y"]
    blocks = [
        {
            "type": "rich_text",
            "elements": [{"type": "link", "url": "https://c.example/z"}],
        }
    ]
    assert message_links("", blocks) == ["https://c.example/z"]
    many = " ".join(f"https://n{i}.example/" for i in range(12))
    assert len(message_links(many)) == MAX_LINKS
    assert message_links("no links, just http:// words") == []


def test_domain_matching_includes_subdomains_only() -> None:
    assert domain_matches("docs.example.com", "example.com")
    assert domain_matches("example.com", "example.com")
    assert domain_matches("a.example.com", "*.example.com")
    assert not domain_matches("badexample.com", "example.com")
    assert not domain_matches("example.com.evil.io", "example.com")


def test_open_graph_wins_and_urls_become_absolute() -> None:
    page = """<html><head><title>Fallback</title>
    <meta property="og:title" content="  OG   title ">
    <meta name="twitter:title" content="Twitter title">
    <meta property="og:description" content="Desc &amp; more">
    <meta property="og:image" content="/i.png"><meta property="og:site_name" content="Site">
    <link rel="shortcut icon" href="fav.ico">
    <link rel="alternate" type="application/json+oembed" href="/oembed?url=x&amp;f=json">
    </head><body>"""
    facts = parse_page(page, "https://site.example/a/b")
    assert facts.title == "OG title"
    assert facts.description == "Desc & more"
    assert facts.image == "https://site.example/i.png"
    assert facts.site_name == "Site"
    assert facts.icon == "https://site.example/a/fav.ico"
    assert facts.oembed_url == "https://site.example/oembed?url=x&f=json"


def test_fallbacks_twitter_then_title_and_description() -> None:
    twitter = parse_page(
        '<meta name="twitter:title" content="T"><meta name="twitter:image" content="//c.x/i">',
        "https://s.example/",
    )
    assert twitter.title == "T" and twitter.image == "https://c.x/i"
    plain = parse_page(
        "<title>Plain\n title</title><meta name=description content=About>", "https://s.example/"
    )
    assert plain.title == "Plain title" and plain.description == "About"
    hostile = parse_page(
        '<meta property="og:image" content="javascript:alert(1)">', "https://s.example/"
    )
    assert hostile.image == ""


def test_decoding_follows_header_then_meta_charset() -> None:
    body = '<meta charset="iso-8859-1"><title>Café</title>'.encode("latin-1")
    assert "Café" in decode_html(body, "text/html")
    assert "Café" in decode_html("Café".encode(), "text/html; charset=utf-8")
    assert decode_html(b"abc", "text/html; charset=nonsense") == "abc"


def test_parser_input_is_bounded() -> None:
    huge = "<html><head><title>T</title></head><body>" + "<p>x</p>" * 200_000
    assert parse_page(huge, "https://s.example/").title == "T"


def test_card_shape_and_escaping() -> None:
    preview = Preview(
        url="https://s.example/p",
        final_url="https://s.example/p2",
        title="A <b> & B",
        text="hi <!channel> & <@U1>",
        image_url="https://s.example/i.png",
        service_name="Site",
        service_icon="https://s.example/f.ico",
    )
    assert card_for(preview) == {
        "from_url": "https://s.example/p",
        "original_url": "https://s.example/p",
        "fallback": "Site: A <b> & B",
        "title": "A <b> & B",
        "title_link": "https://s.example/p",
        "text": "hi &lt;!channel&gt; &amp; &lt;@U1&gt;",
        "image_url": "https://s.example/i.png",
        "service_name": "Site",
        "service_icon": "https://s.example/f.ico",
    }


def test_merging_keeps_posted_attachments_and_app_cards() -> None:
    posted = {"text": "posted by the author"}
    app = {"title": "App card", "is_app_unfurl": True, "app_unfurl_url": "https://a.example/"}
    ours = {"original_url": "https://b.example/", "from_url": "https://b.example/", "title": "B"}
    gone = {"original_url": "https://gone.example/", "title": "old"}
    links = ["https://a.example/", "https://b.example/"]
    merged = merge_parley_cards(
        [posted, app, gone],
        links,
        {
            "https://a.example/": {"original_url": "https://a.example/", "title": "mine"},
            **{"https://b.example/": ours},
        },
    )
    assert merged == [posted, {**app, "id": 2}, {**ours, "id": 3}]
    replaced = merge_app_cards(
        merged,
        links,
        {"https://b.example/": {"title": "B by app", "app_unfurl_url": "https://b.example/"}},
    )
    assert [a.get("title") for a in replaced] == [None, "App card", "B by app"]


def test_cache_expires_and_remembers_failures() -> None:
    now = [0.0]
    cache = PreviewCache(ttl=10, failure_ttl=2, max_entries=2, clock=lambda: now[0])
    preview = Preview(url="u", final_url="u", title="t")
    cache.put("T1", "u", preview)
    cache.put("T1", "bad", None)
    assert cache.get("T1", "u") == (True, preview)
    assert cache.get("T2", "u") == (False, None)  # per workspace
    assert cache.get("T1", "bad") == (True, None)
    now[0] = 3
    assert cache.get("T1", "bad") == (False, None)
    cache.put("T1", "x", None)
    cache.put("T1", "y", None)
    assert len(cache) == 2
    now[0] = 11
    assert cache.get("T1", "u") == (False, None)
