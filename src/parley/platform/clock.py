"""Time helpers: aware UTC datetimes and Unix seconds; never naive datetimes."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def unix_now() -> int:
    return int(time.time())


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes; treat them as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def event_ts() -> str:
    """Now as a Slack `event_ts` string (`"1700000000.123456"`)."""
    micros = time.time_ns() // 1000
    return f"{micros // 1_000_000:010d}.{micros % 1_000_000:06d}"
