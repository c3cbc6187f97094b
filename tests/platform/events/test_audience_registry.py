"""Audience kinds are a registry: a feature adds one, emit refuses an unknown one, a node
warns about one it cannot resolve, and a new kind never crosses workspaces."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Iterable, Iterator
from typing import Any

import pytest

from parley.platform.events.audience import AUDIENCE_KINDS, AudienceResolver, UnknownAudienceKind
from parley.platform.events.emit import emit
from parley.platform.plugins import PLATFORM
from parley.platform.services import Services
from tests.factories import Factory
from tests.platform.events.test_fanout import live_connection

EVERYONE_NAMED = "x_everyone_named"


async def everyone_named(
    _resolver: AudienceResolver,
    _workspace_id: str,
    audience: dict[str, Any],
    _candidates: Collection[str],
) -> Iterable[str]:
    """A careless resolver: the listed ids, not narrowed to the workspace's candidates."""
    return list(audience.get("ids", ()))


@pytest.fixture
def named_kind() -> Iterator[str]:
    PLATFORM.audience_kind(EVERYONE_NAMED, everyone_named)
    yield EVERYONE_NAMED
    AUDIENCE_KINDS.forget(EVERYONE_NAMED)


async def test_emit_refuses_an_unregistered_audience_kind(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    with pytest.raises(UnknownAudienceKind, match="x_nobody_registered"):
        async with services.db.write() as uow:
            await emit(uow, team.team_id, {"type": "x"}, {"kind": "x_nobody_registered"})


def test_registering_a_kind_twice_fails() -> None:
    with pytest.raises(RuntimeError, match="registered twice"):
        PLATFORM.audience_kind("conversation", everyone_named)


async def test_a_registered_kind_reaches_whom_it_resolves_to(
    services: Services, factory: Factory, named_kind: str
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    a, a_frames, a_writer = await live_connection(services, team.team_id, team.owner.user_id)
    b, b_frames, b_writer = await live_connection(services, team.team_id, bob.user_id)
    async with services.db.write() as uow:
        await emit(uow, team.team_id, {"type": "x_one"}, {"kind": named_kind, "ids": [bob.user_id]})
    await asyncio.sleep(0.05)
    assert [f["type"] for f in b_frames.frames] == ["x_one"]
    assert a_frames.frames == []
    for connection, writer in ((a, a_writer), (b, b_writer)):
        services.realtime.hub.detach(connection)
        writer.cancel()


async def test_a_new_kind_never_reaches_another_workspace(
    services: Services, factory: Factory, named_kind: str
) -> None:
    """Even a resolver naming a user of workspace B reaches only workspace A's sockets."""
    team_a, team_b = await factory.workspace("A"), await factory.workspace("B")
    a, a_frames, a_writer = await live_connection(services, team_a.team_id, team_a.owner.user_id)
    b, b_frames, b_writer = await live_connection(services, team_b.team_id, team_b.owner.user_id)
    audience = {"kind": named_kind, "ids": [team_a.owner.user_id, team_b.owner.user_id]}
    async with services.db.write() as uow:
        await emit(uow, team_a.team_id, {"type": "x_for_carol"}, audience)
    await asyncio.sleep(0.05)
    assert [f["type"] for f in a_frames.frames] == ["x_for_carol"]
    assert b_frames.frames == []
    for connection, writer in ((a, a_writer), (b, b_writer)):
        services.realtime.hub.detach(connection)
        writer.cancel()


async def test_a_node_warns_about_a_kind_it_cannot_resolve(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    """A row from a newer node (or written around emit) reaches nobody, and says so."""
    resolver = services.realtime.hub.audiences
    with caplog.at_level(logging.WARNING, logger="parley.platform.events"):
        reached = await resolver.users("T1", {"kind": "x_from_the_future"}, ["U1"])
    assert list(reached) == []
    assert "x_from_the_future" in caplog.text
