"""Arguments the files listing methods share (files.list, files.remote.list)."""

from __future__ import annotations

from parley.platform.errors import ApiError


def unix_seconds(value: str | None) -> int | None:
    """`ts_from`/`ts_to`: Unix seconds, possibly with a fraction; "now" and "0" as Slack."""
    if value is None or value in {"", "0"}:
        return None
    if value == "now":
        return None
    try:
        return int(float(value))
    except ValueError:
        raise ApiError("invalid_ts") from None
