"""Token-bucket rate limits per (caller, method), by Slack tier; 429 + Retry-After on excess."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from parley.platform.errors import RateLimited
from parley.platform.webapi.registry import Tier


@dataclass
class TierLimit:
    burst: float  # calls allowed back to back
    per_minute: float  # sustained rate


# Slack documents tiers as "N+ per minute"; Parley allows the same sustained rates with a burst.
DEFAULT_TIERS: dict[Tier, TierLimit] = {
    Tier.T1: TierLimit(burst=10, per_minute=20),
    Tier.T2: TierLimit(burst=40, per_minute=60),
    Tier.T3: TierLimit(burst=100, per_minute=200),
    Tier.T4: TierLimit(burst=200, per_minute=600),
    Tier.SPECIAL: TierLimit(burst=1000, per_minute=6000),
}

_MAX_BUCKETS = 100_000


class RateLimiter:
    """In-process buckets. Each node limits its own share; see docs/operations.md."""

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.tiers = dict(DEFAULT_TIERS)
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}

    def check(self, caller: str, method: str, tier: Tier) -> None:
        """Take one call from the bucket or raise `RateLimited` with whole seconds to wait."""
        if not self.enabled or tier is Tier.NONE:
            return
        limit = self.tiers[tier]
        rate = limit.per_minute / 60.0
        now = time.monotonic()
        key = (caller, method)
        tokens, stamp = self._buckets.get(key, (limit.burst, now))
        tokens = min(limit.burst, tokens + (now - stamp) * rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            raise RateLimited(math.ceil((1.0 - tokens) / rate))
        if len(self._buckets) >= _MAX_BUCKETS:
            self._buckets.clear()  # bounded memory: forgetting buckets only ever forgives
        self._buckets[key] = (tokens - 1.0, now)
