"""The long-lived objects a running Parley shares between requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parley.platform.auth.cache import CredentialCache
from parley.platform.db import Database
from parley.platform.events.realtime import Realtime
from parley.platform.presence import PresenceTracker
from parley.platform.settings import Settings
from parley.platform.webapi.ratelimit import RateLimiter


@dataclass
class Services:
    settings: Settings
    db: Database
    rate_limiter: RateLimiter
    presence: PresenceTracker = field(default_factory=lambda: PresenceTracker())
    credentials: CredentialCache = field(default_factory=lambda: CredentialCache())
    # Long-lived objects a feature keeps for this server (e.g. the calls media runtime),
    # under the feature's name; the platform never looks inside.
    feature_state: dict[str, Any] = field(default_factory=dict)
    # Real-time delivery (hub, bus, tickets); built with the services, started by the lifespan.
    realtime: Realtime = field(init=False)

    def __post_init__(self) -> None:
        self.realtime = Realtime(self.settings, self.db, self.presence)
