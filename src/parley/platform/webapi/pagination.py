"""Opaque cursors for `response_metadata.next_cursor` pagination."""

from __future__ import annotations

import base64
import binascii

from parley.platform.errors import ApiError

_PREFIX = "next:"


def encode_cursor(position: str) -> str:
    return base64.urlsafe_b64encode((_PREFIX + position).encode("utf-8")).decode("ascii")


def decode_cursor(cursor: str | None) -> str | None:
    """The position a cursor names, or None for the first page; `invalid_cursor` if forged."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise ApiError("invalid_cursor") from None
    if not text.startswith(_PREFIX):
        raise ApiError("invalid_cursor")
    return text[len(_PREFIX) :]


def clamp_limit(limit: int | None, *, default: int = 100, maximum: int = 1000) -> int:
    """Slack treats 0 or a missing limit as "the default"; values above the maximum are capped."""
    if limit is None or limit <= 0:
        return default
    return min(limit, maximum)


def page_metadata(next_position: str | None) -> dict[str, str]:
    return {"next_cursor": encode_cursor(next_position) if next_position else ""}
