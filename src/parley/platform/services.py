"""The long-lived objects a running Parley shares between requests."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    # Real-time delivery (hub, bus, tickets); built with the services, started by the lifespan.
    realtime: Realtime = field(init=False)

    def __post_init__(self) -> None:
        self.realtime = Realtime(self.settings, self.db, self.presence)
