"""Presence: connections and activity per user on this node.

A user is `active` while they have a live client connection or made an API call with a
user token in the last `ACTIVE_WINDOW` seconds, unless they set themselves away. The
real-time gateway reports connections here. With several nodes, `events.realtime`
shares each node's counts and activity through Redis and passes the other nodes' figures
to `view`.
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
        self._touched: set[str] = set()  # since the last `drain_touched` (for other nodes)

    def touch(self, user_id: str) -> None:
        self._last_activity[user_id] = time.time()
        self._touched.add(user_id)

    def drain_touched(self) -> dict[str, float]:
        touched, self._touched = self._touched, set()
        return {u: self._last_activity[u] for u in touched if u in self._last_activity}

    def connection_count(self, user_id: str) -> int:
        return self._connections.get(user_id, 0)

    def connected(self, user_id: str) -> None:
        self._connections[user_id] = self._connections.get(user_id, 0) + 1
        self.touch(user_id)

    def disconnected(self, user_id: str) -> None:
        remaining = self._connections.get(user_id, 0) - 1
        if remaining > 0:
            self._connections[user_id] = remaining
        else:
            self._connections.pop(user_id, None)

    def view(
        self,
        user_id: str,
        manual_presence: str,
        *,
        other_connections: int = 0,
        other_activity: float = 0.0,
    ) -> PresenceView:
        """This node's view, plus what other nodes report (connections, last activity)."""
        connections = self._connections.get(user_id, 0) + other_connections
        last = max(self._last_activity.get(user_id, 0.0), other_activity)
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
