"""Card images through Parley: the web client never loads a card's image from the site
that named it (its CSP allows only `img-src 'self'`), it asks

    GET /unfurl/image?channel=C…&ts=<message ts>&url=<image url>

Parley serves the image only when `url` is an image URL of an attachment of that message
(`image_url`, `thumb_url`, `service_icon`, `author_icon`, `footer_icon`) and the viewer may
read the conversation; it fetches through the SSRF-safe client (addresses checked on each
hop, 5 MB, 8 s), accepts only PNG, JPEG, GIF and WebP whose bytes say so, and keeps recent
answers in a small in-memory cache. The viewer's address never reaches the site.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from parley.features.conversations.interface import access_conversation
from parley.features.messages.interface import get_message
from parley.platform.auth.principal import Principal
from parley.platform.errors import ApiError
from parley.platform.net.client import FetchError, Limits, SafeClient, client_for
from parley.platform.services import Services
from parley.platform.webapi.http import json_response, viewer_of_get

IMAGE_KEYS = ("image_url", "thumb_url", "service_icon", "author_icon", "footer_icon")
IMAGE_LIMITS = Limits(max_bytes=5 * 1024 * 1024, timeout=8.0, max_redirects=3)
HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "private, max-age=86400",
}


def sniff_image(data: bytes) -> str | None:
    """The image type the bytes themselves announce (never SVG: it can carry script)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_urls(attachments: list[Any] | None) -> set[str]:
    """Every image URL the message's attachments name."""
    found: set[str] = set()
    for attachment in attachments or []:
        if isinstance(attachment, dict):
            found.update(
                attachment[key] for key in IMAGE_KEYS if isinstance(attachment.get(key), str)
            )
    return found


@dataclass
class ImageCache:
    """Recently proxied images, bounded by total bytes."""

    ttl: float = 3600.0
    max_bytes: int = 32 * 1024 * 1024
    entries: OrderedDict[str, tuple[float, str, bytes]] = field(default_factory=OrderedDict)
    size: int = 0

    def get(self, url: str) -> tuple[str, bytes] | None:
        entry = self.entries.get(url)
        if entry is None or entry[0] <= time.monotonic():
            return None
        self.entries.move_to_end(url)
        return entry[1], entry[2]

    def put(self, url: str, kind: str, data: bytes) -> None:
        old = self.entries.pop(url, None)
        if old is not None:
            self.size -= len(old[2])
        self.entries[url] = (time.monotonic() + self.ttl, kind, data)
        self.size += len(data)
        while self.size > self.max_bytes and self.entries:
            _, (_, _, dropped) = self.entries.popitem(last=False)
            self.size -= len(dropped)


_CACHE = ImageCache()


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def _allowed(services: Services, principal: Principal, request: Request) -> str | None:
    """The image URL asked for, if the message names it and the viewer may read it."""
    channel = request.query_params.get("channel", "")
    ts = request.query_params.get("ts", "")
    url = request.query_params.get("url", "")
    if not url or len(url) > 2048:
        return None
    async with services.db.read() as session:
        try:
            access = await access_conversation(session, principal, channel)
        except ApiError:
            return None
        message = await get_message(session, access.conversation.id, ts)
    if message is None or message.is_deleted or url not in image_urls(message.attachments):
        return None
    return url


def image_client(services: Services) -> SafeClient:
    return client_for(services.settings, IMAGE_LIMITS)


async def proxied_image(request: Request) -> Response:
    services = _services(request)
    principal = await viewer_of_get(services, request)
    if principal is None:
        return json_response({"ok": False, "error": "not_authed"}, status=401)
    url = await _allowed(services, principal, request)
    if url is None:
        return json_response({"ok": False, "error": "image_not_found"}, status=404)
    cached = _CACHE.get(url)
    if cached is None:
        try:
            result = await image_client(services).get(url)
        except FetchError:
            return json_response({"ok": False, "error": "image_unavailable"}, status=502)
        kind = sniff_image(result.body) if result.status == 200 else None
        if kind is None:
            return json_response({"ok": False, "error": "image_unavailable"}, status=502)
        _CACHE.put(url, kind, result.body)
        cached = (kind, result.body)
    kind, data = cached
    return Response(data, media_type=kind, headers=HEADERS)


def unfurl_routes() -> list[BaseRoute]:
    return [Route("/unfurl/image", proxied_image, methods=["GET"])]
