"""Fetch one URL through the SSRF-safe client and turn it into a `Preview` (or None).

HTML pages give their Open Graph / Twitter / `<title>` facts, completed from the page's
oEmbed endpoint when the page itself lacks a title or image; an image URL is a media
unfurl. Every request, oEmbed's included, goes through `SafeClient` (addresses checked on
each hop, size, time and redirects bounded)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import orjson

from parley.features.unfurl.links import domain_of
from parley.features.unfurl.parse import MAX_FIELD, PageFacts, decode_html, parse_page
from parley.platform.net.client import FetchError, Limits, SafeClient

log = logging.getLogger("parley.features.unfurl")

PAGE_LIMITS = Limits(max_bytes=1024 * 1024, timeout=8.0, max_redirects=5)
OEMBED_MAX_BYTES = 64 * 1024
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True)
class Preview:
    """What a card shows for one URL. `media`: the link is an image or video itself (or a
    page whose main content is one): shown only when the message allows `unfurl_media`."""

    url: str
    final_url: str
    title: str = ""
    text: str = ""
    image_url: str = ""
    service_name: str = ""
    service_icon: str = ""
    media: bool = False


def _text(value: Any) -> str:
    return value.strip()[:MAX_FIELD] if isinstance(value, str) else ""


async def _oembed(client: SafeClient, url: str) -> dict[str, Any]:
    """The oEmbed JSON a page points to ({} when it cannot be had)."""
    small = SafeClient(
        policy=client.policy,
        limits=Limits(OEMBED_MAX_BYTES, client.limits.timeout, client.limits.max_redirects),
        user_agent=client.user_agent,
    )
    try:
        result = await small.get(url)
        value = orjson.loads(result.body) if result.status == 200 else None
    except (FetchError, orjson.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _page_preview(url: str, final_url: str, facts: PageFacts, oembed: dict[str, Any]) -> Preview:
    kind = _text(oembed.get("type"))
    media = bool(facts.video) or facts.og_type.startswith("video") or kind in {"video", "photo"}
    image = facts.image
    if not image:
        image = _text(oembed.get("url")) if kind == "photo" else _text(oembed.get("thumbnail_url"))
    if image and urlsplit(image).scheme not in {"http", "https"}:
        image = ""
    return Preview(
        url=url,
        final_url=final_url,
        title=facts.title or _text(oembed.get("title")),
        text=facts.description or _text(oembed.get("author_name")),
        image_url=image,
        service_name=facts.site_name or _text(oembed.get("provider_name")) or domain_of(url),
        service_icon=facts.icon,
        media=media,
    )


async def fetch_preview(client: SafeClient, url: str) -> Preview | None:
    """A preview of `url`, or None (refused address, error status, nothing to show…)."""
    try:
        result = await client.get(url)
    except FetchError as error:
        log.info("no unfurl for %s: %s", url, error.reason)
        return None
    if result.status != 200:
        return None
    content_type = result.content_type
    if content_type.startswith("image/"):
        name = unquote(PurePosixPath(urlsplit(result.url).path).name)
        return Preview(
            url=url,
            final_url=result.url,
            title=name[:MAX_FIELD],
            image_url=result.url,
            service_name=domain_of(url),
            media=True,
        )
    if content_type not in HTML_TYPES:
        return None
    text = decode_html(result.body, result.headers.get("content-type", ""))
    facts = parse_page(text, result.url)
    oembed: dict[str, Any] = {}
    if facts.oembed_url and not (facts.title and facts.image):
        oembed = await _oembed(client, facts.oembed_url)
    preview = _page_preview(url, result.url, facts, oembed)
    if not (preview.title or preview.text or preview.image_url):
        return None
    return preview
