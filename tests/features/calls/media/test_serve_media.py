"""`parley serve`'s lifespan (create_app(manage_media=True)) starts Janus and coturn with
generated configuration, /readyz reports them, and shutdown stops them."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from parley.features.calls.media.runtime import runtime_for
from parley.main import create_app
from parley.platform.settings import Settings
from tests.features.calls.media.conftest import skip_unless_available

pytestmark = pytest.mark.media


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_serve_runs_janus_and_coturn_and_stops_them(
    netns: None, tmp_path: Path, database_url: str
) -> None:
    skip_unless_available("janus", "turnserver")
    settings = Settings(
        data_dir=tmp_path, database_url=database_url, public_url="http://10.77.0.1:8000"
    )
    app = create_app(settings, migrate=False, start_workers=False, manage_media=True)
    services = app.state.services
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with app.starlette.router.lifespan_context(app.starlette):
        runtime = runtime_for(services)
        assert runtime.janus is not None and runtime.coturn is not None
        assert await runtime.engine.wait_ready(10)
        async with httpx.AsyncClient(transport=transport, base_url="http://parley.test") as client:
            body = (await client.get("/readyz")).json()
        assert body["ok"] is True
        assert body["media"]["state"] == "ok"
        assert body["media"]["managed"] == {"janus": True, "coturn": True}
        assert body["media"]["turn"] is True
        # The admin API answers Parley's secret on loopback, and nothing else.
        assert runtime.janus_setup is not None
        node = runtime.janus_setup.node
        async with httpx.AsyncClient() as direct:
            good = await direct.post(
                node.admin_url,
                json={
                    "janus": "list_sessions",
                    "transaction": "t",
                    "admin_secret": node.admin_secret,
                },
            )
            bad = await direct.post(
                node.admin_url,
                json={
                    "janus": "list_sessions",
                    "transaction": "t",
                    "admin_secret": "janusoverlord",
                },
            )
            no_secret = await direct.post(node.url, json={"janus": "create", "transaction": "t"})
        assert len(good.json()["sessions"]) == 1  # the engine's one session
        assert bad.json()["janus"] == "error"
        assert no_secret.json()["janus"] == "error"  # the API wants the api_secret too
        assert node.admin_url.startswith("http://127.0.0.1:")
        pids = [runtime.janus.pid, runtime.coturn.pid]
        assert all(pid is not None and _alive(pid) for pid in pids)
        assert (tmp_path / "media" / "janus" / "janus.jcfg").exists()
        assert "turn:10.77.0.1:3478?transport=udp" in runtime.turn.urls
    await services.db.dispose()
    assert not any(_alive(pid) for pid in pids if pid is not None)
