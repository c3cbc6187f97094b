"""Presence: connections and activity per user on this node.

A user is `active` while they have a live client connection or made an API call with a
user token in the last `ACTIVE_WINDOW` seconds, unless they set themselves away. The
real-time gateway reports connections here; multi-node aggregation is the gateway's job.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

ACTIVE_WINDOW = 30 * 60


@dataclass
class PresenceView:
    presence: str
    online: bool
    auto_away: bool
    manual_away: bool
    connection_count: int
    last_activity: int


class PresenceTracker:
    def __init__(self) -> None:
        self._connections: dict[str, int] = {}
        self._last_activity: dict[str, float] = {}

    def touch(self, user_id: str) -> None:
        self._last_activity[user_id] = time.time()

    def connected(self, user_id: str) -> None:
        self._connections[user_id] = self._connections.get(user_id, 0) + 1
        self.touch(user_id)

    def disconnected(self, user_id: str) -> None:
        remaining = self._connections.get(user_id, 0) - 1
        if remaining > 0:
            self._connections[user_id] = remaining
        else:
            self._connections.pop(user_id, None)

    def view(self, user_id: str, manual_presence: str) -> PresenceView:
        connections = self._connections.get(user_id, 0)
        last = self._last_activity.get(user_id, 0.0)
        recently_active = connections > 0 or (time.time() - last) < ACTIVE_WINDOW
        manual_away = manual_presence == "away"
        online = recently_active and not manual_away
        return PresenceView(
            presence="active" if online else "away",
            online=online,
            auto_away=not recently_active,
            manual_away=manual_away,
            connection_count=connections,
            last_activity=int(last),
        )
