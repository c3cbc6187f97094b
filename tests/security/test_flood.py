"""A flood from one workspace's token does not starve another workspace.

Workspace A floods chat.postMessage / conversations.history from 8 concurrent clients (a
separate process) on one token; workspace B's cheap read keeps answering, never rate
limited, with its p95 within a generous bound (robust on a loaded 2-core CI box). The same
measurement, recorded, is `bench/security/flood.py` (docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from bench.security.flood import measure

from tests.conftest import SyncFactory
from tests.security.server import ServerProcess


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    with ServerProcess(database_url, tmp_path / "flood", rate_limits=True) as process:
        yield process


@pytest.mark.slow
def test_flood_from_one_token_leaves_other_workspaces_responsive(
    server: ServerProcess, database_url: str
) -> None:
    factory = SyncFactory(database_url)
    try:
        a, b = factory.workspace(), factory.workspace()
    finally:
        factory.close()
    with httpx.Client(base_url=server.url, timeout=30) as http:
        channels = [
            http.post(
                "/api/conversations.create",
                data={"name": "flood-room"},
                headers={"Authorization": f"Bearer {team.owner.token}"},
            ).json()["channel"]["id"]
            for team in (a, b)
        ]
    result = asyncio.run(
        measure(
            server.url,
            a.owner.token,
            channels[0],
            b.owner.token,
            channels[1],
            clients=8,
            idle_seconds=2.0,
            flood_seconds=4.0,
        )
    )
    assert result.flood_requests > 50, result  # the flood really happened
    assert result.victim_errors == 0, result  # B is never refused (no shared rate bucket)
    bound = max(5 * result.idle_p95_ms, 250.0)
    assert result.flood_p95_ms < bound, result
