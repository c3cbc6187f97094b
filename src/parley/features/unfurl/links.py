"""Which URLs of a message are unfurled: http(s) links in the text (`<url>`, `<url|label>`
or bare) and rich_text link elements, in order of first appearance, at most `MAX_LINKS`."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

MAX_LINKS = 5  # Slack unfurls the first few links of a message, not all of them
MAX_URL = 2048
_TEXT_LINK_RE = re.compile(
    r"<(https?://[^>|\s]+)(?:\|[^>]*)?>|(?<![<|\w])(https?://[^\s<>]+)", re.IGNORECASE
)
_TRAILING = ".,;:!?)]}'\""
_MAX_DEPTH = 12


def _clean(url: str) -> str | None:
    if len(url) > MAX_URL:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return url


def _block_links(value: Any, depth: int = 0) -> list[str]:
    if depth > _MAX_DEPTH:
        return []
    found: list[str] = []
    if isinstance(value, dict):
        if value.get("type") == "link" and isinstance(value.get("url"), str):
            found.append(value["url"])
        for child in value.values():
            found += _block_links(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            found += _block_links(child, depth + 1)
    return found


def message_links(text: str, blocks: list[Any] | None = None) -> list[str]:
    """The unfurlable URLs of a message, de-duplicated, in order, at most `MAX_LINKS`."""
    candidates: list[str] = []
    for match in _TEXT_LINK_RE.finditer(text or ""):
        bracketed, bare = match.group(1), match.group(2)
        candidates.append((bracketed or bare.rstrip(_TRAILING)).replace("&amp;", "&"))
    candidates += _block_links(blocks or [])
    links: list[str] = []
    for candidate in candidates:
        url = _clean(candidate)
        if url is not None and url not in links:
            links.append(url)
        if len(links) == MAX_LINKS:
            break
    return links


def domain_of(url: str) -> str:
    """The host of `url`, lower case, without a trailing dot."""
    return (urlsplit(url).hostname or "").rstrip(".").lower()


def domain_matches(host: str, domain: str) -> bool:
    """Slack's `unfurl_domains` match the domain itself and its subdomains."""
    domain = domain.strip().lower().rstrip(".")
    if domain.startswith("*."):
        domain = domain[2:]
    return bool(domain) and (host == domain or host.endswith("." + domain))
