"""Domain errors. Each carries a Slack error code; the Web API maps them to `ok: false`."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the caller caused; rendered as `{"ok": false, "error": code, **extra}`."""

    def __init__(self, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.extra = extra

    def to_body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.code, **self.extra}


class RateLimited(ApiError):
    """Too many calls; rendered as HTTP 429 with an integer `Retry-After`."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("ratelimited")
        self.retry_after = max(1, int(retry_after))
