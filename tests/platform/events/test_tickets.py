"""The embedded ticket store: single use, expiry, and a bounded cost of sweeping."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from parley.platform.auth.principal import Principal
from parley.platform.events import tickets as tickets_module
from parley.platform.events.tickets import MemoryTickets

PRINCIPAL = Principal("T1", "U1", "user", frozenset(), "member")


async def test_tickets_are_single_use_and_expire() -> None:
    tickets = MemoryTickets()
    ticket = await tickets.issue(PRINCIPAL, 60)
    assert await tickets.redeem(ticket) == PRINCIPAL
    assert await tickets.redeem(ticket) is None  # single use
    expired = await tickets.issue(PRINCIPAL, -1)
    assert await tickets.redeem(expired) is None


async def test_expired_tickets_are_swept_at_most_once_a_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tickets = MemoryTickets()
    clock = [1000.0]
    # Only the store's clock: the event loop keeps the real one.
    monkeypatch.setattr(tickets_module, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    for _ in range(1500):
        await tickets.issue(PRINCIPAL, 5)  # like reconnect tickets nobody redeems
    assert len(tickets._tickets) == 1500  # first sweep found nothing expired
    clock[0] += 10  # all of them have expired
    await tickets.issue(PRINCIPAL, 5)
    assert len(tickets._tickets) == 1  # swept, then the new one stored
    for _ in range(1500):
        await tickets.issue(PRINCIPAL, -1)
    assert len(tickets._tickets) == 1501  # within the second: no sweep yet
    clock[0] += MemoryTickets.PURGE_INTERVAL
    await tickets.issue(PRINCIPAL, 5)
    assert len(tickets._tickets) == 2
