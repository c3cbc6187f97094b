"""Single-use, short-lived WebSocket tickets: what `rtm.connect` puts in the URL.

A ticket stands for the caller's identity for a few seconds, so that the token itself never
appears in a URL (proxies log URLs). In-process on the embedded default; in Redis when
several nodes share the load, since the socket may land on another node than the call.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from typing import Any, Protocol

import orjson
from redis.asyncio import Redis

from parley.platform.auth.principal import Principal
from parley.platform.security import hash_secret

TICKET_PREFIX = "parley:rtm:ticket:"


def principal_to_json(principal: Principal) -> bytes:
    data = {f.name: getattr(principal, f.name) for f in dataclasses.fields(principal)}
    data["scopes"] = sorted(principal.scopes)
    return orjson.dumps(data)


def principal_from_json(raw: bytes | str) -> Principal:
    data: dict[str, Any] = orjson.loads(raw)
    data["scopes"] = frozenset(data["scopes"])
    return Principal(**data)


class TicketStore(Protocol):
    async def issue(self, principal: Principal, ttl: float) -> str: ...

    async def redeem(self, ticket: str) -> Principal | None: ...


class MemoryTickets:
    PURGE_INTERVAL = 1.0  # seconds between sweeps for expired tickets

    def __init__(self) -> None:
        self._tickets: dict[str, tuple[Principal, float]] = {}
        self._next_purge = 0.0

    async def issue(self, principal: Principal, ttl: float) -> str:
        self._purge()
        ticket = secrets.token_urlsafe(32)
        self._tickets[hash_secret(ticket)] = (principal, time.monotonic() + ttl)
        return ticket

    async def redeem(self, ticket: str) -> Principal | None:
        entry = self._tickets.pop(hash_secret(ticket), None)
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def _purge(self) -> None:
        """Drop expired tickets, at most once a second. Every live socket holds an unused
        reconnect ticket, so a sweep on every issue made 10,000 connects cost 10^8 steps."""
        now = time.monotonic()
        if len(self._tickets) < 1024 or now < self._next_purge:
            return
        self._next_purge = now + self.PURGE_INTERVAL
        for key in [k for k, (_, expires) in self._tickets.items() if expires < now]:
            del self._tickets[key]


class RedisTickets:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def issue(self, principal: Principal, ttl: float) -> str:
        ticket = secrets.token_urlsafe(32)
        key = TICKET_PREFIX + hash_secret(ticket)
        await self.redis.set(key, principal_to_json(principal), px=max(1, int(ttl * 1000)))
        return ticket

    async def redeem(self, ticket: str) -> Principal | None:
        raw = await self.redis.getdel(TICKET_PREFIX + hash_secret(ticket))
        return None if raw is None else principal_from_json(raw)
