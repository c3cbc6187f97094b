"""A short-lived, per-node cache of resolved credentials.

Resolving a token costs a database round trip on every API call; most calls come from the
same few tokens. Entries live `TTL_SECONDS`. Revocation, sign-out, deactivation and role
changes invalidate the entry on the node that made them at once; other nodes drop it when
the TTL runs out, or sooner when the change reaches them as an event (`user_change`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from parley.platform.auth.principal import Principal

TTL_SECONDS = 5.0
MAX_ENTRIES = 50_000


@dataclass(frozen=True)
class CachedCredential:
    principal: Principal
    csrf_token: str | None
    expires: float


class CredentialCache:
    def __init__(self, ttl: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[str, CachedCredential] = {}
        self._loading: dict[str, asyncio.Future[Principal]] = {}

    async def single_flight(self, key: str, load: Callable[[], Awaitable[Principal]]) -> Principal:
        """Run `load` once for concurrent misses of the same key (no stampede at expiry)."""
        pending = self._loading.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Principal] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        try:
            principal = await load()
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # mark retrieved: waiters re-raise it, nobody else must
            raise
        else:
            future.set_result(principal)
            return principal
        finally:
            del self._loading[key]

    def get(self, key: str) -> CachedCredential | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires < time.monotonic():
            self._entries.pop(key, None)
            return None
        return entry

    def put(self, key: str, principal: Principal, csrf_token: str | None = None) -> None:
        if len(self._entries) >= self.max_entries:
            self._entries.clear()  # bounded memory; a miss only costs one query
        self._entries[key] = CachedCredential(principal, csrf_token, time.monotonic() + self.ttl)

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)

    def forget_user(self, workspace_id: str, user_id: str) -> None:
        stale = [
            k
            for k, v in self._entries.items()
            if v.principal.user_id == user_id and v.principal.workspace_id == workspace_id
        ]
        for key in stale:
            self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()
