"""Preview facts from an HTML page: Open Graph, Twitter cards, `<title>`, meta description,
icons and the oEmbed discovery link. Python's `html.parser` over bounded input; nothing in
the page is run or followed here."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

MAX_PARSE_CHARS = 512 * 1024
MAX_FIELD = 1000  # characters kept of a title/description (Slack shortens long ones too)
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]{1,40})""", re.I)
_SPACES = re.compile(r"\s+")


@dataclass
class PageFacts:
    title: str = ""
    description: str = ""
    image: str = ""
    site_name: str = ""
    icon: str = ""
    og_type: str = ""
    oembed_url: str = ""
    video: str = ""


def _tidy(value: str) -> str:
    return _SPACES.sub(" ", html.unescape(value)).strip()[:MAX_FIELD]


class _MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.in_title = False
        self.icon = ""
        self.oembed = ""
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").strip().lower()
            content = values.get("content")
            if key and content is not None and key not in self.meta:
                self.meta[key] = content
        elif tag == "title":
            self.in_title = True
        elif tag == "link":
            rel = values.get("rel", "").lower().split()
            href = values.get("href", "")
            kind = values.get("type", "").lower()
            if "alternate" in rel and kind == "application/json+oembed" and not self.oembed:
                self.oembed = href
            elif ("icon" in rel or "apple-touch-icon" in rel) and href and not self.icon:
                self.icon = href
        elif tag == "body" and self.meta:
            self.done = True  # the head told us what it had to say

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self.in_title and sum(map(len, self.title_parts)) < MAX_FIELD:
            self.title_parts.append(data)


def decode_html(body: bytes, content_type_header: str) -> str:
    """The page's text: charset from the header, else from a `<meta charset>`, else UTF-8."""
    charset = ""
    for part in content_type_header.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    if not charset:
        found = _CHARSET_RE.search(body[:4096])
        charset = found.group(1).decode("ascii") if found else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _absolute(base: str, value: str) -> str:
    """`value` made absolute against the page URL; only http(s) results are kept."""
    value = value.strip()
    if not value:
        return ""
    joined = urljoin(base, value)
    return joined if urlsplit(joined).scheme in {"http", "https"} else ""


def parse_page(text: str, page_url: str) -> PageFacts:
    """What the page says about itself (empty fields when it says nothing)."""
    parser = _MetaParser()
    view = text[:MAX_PARSE_CHARS]
    step = 16 * 1024
    for start in range(0, len(view), step):  # feed in pieces: stop once the head is read
        parser.feed(view[start : start + step])
        if parser.done:
            break
    meta = parser.meta

    def first(*keys: str) -> str:
        for key in keys:
            if meta.get(key, "").strip():
                return _tidy(meta[key])
        return ""

    return PageFacts(
        title=first("og:title", "twitter:title") or _tidy("".join(parser.title_parts)),
        description=first("og:description", "twitter:description", "description"),
        image=_absolute(
            page_url, first("og:image:secure_url", "og:image", "og:image:url", "twitter:image")
        ),
        site_name=first("og:site_name", "application-name", "twitter:site"),
        icon=_absolute(page_url, parser.icon),
        og_type=first("og:type").lower(),
        oembed_url=_absolute(page_url, html.unescape(parser.oembed)),
        video=_absolute(page_url, first("og:video:secure_url", "og:video", "og:video:url")),
    )
