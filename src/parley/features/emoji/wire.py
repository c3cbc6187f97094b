"""Custom emoji answers as documented types (permissive: never filters)."""

from __future__ import annotations

from parley.platform.webapi.openapi import WireModel


class EmojiListResponse(WireModel):
    emoji: dict[str, str]
    """name -> image URL, or `alias:<name>`."""
