"""Media settings, TURN credentials, generated Janus/coturn configuration, the process
supervisor and /readyz — without media (fast, always run)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import stat
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from parley.features.calls.media.config import manage_coturn, manage_janus, parse_janus_urls
from parley.features.calls.media.engine import MediaUnavailable, RoomRef
from parley.features.calls.media.janus_engine import JanusEngine, media_kinds
from parley.features.calls.media.runtime import engine_for, ice_servers_for, stop_media
from parley.features.calls.media.supervisor import (
    ManagedProcess,
    free_port,
    write_coturn_config,
    write_janus_config,
)
from parley.features.calls.media.turn import TurnCredentials, credential_valid, turn_password
from parley.platform.services import Services
from parley.platform.settings import Settings, load_settings


def test_turn_credentials_follow_the_shared_secret_scheme() -> None:
    turn = TurnCredentials(
        urls=["stun:turn.example:3478", "turn:turn.example:3478?transport=udp"],
        secrets=["new", "old"],
        ttl=3600,
    )
    servers, ttl = turn.for_user("U123", now=1_700_000_000)
    assert ttl == 3600
    assert servers[0].as_json() == {"urls": ["stun:turn.example:3478"]}
    relay = servers[1]
    assert relay.username == "1700003600:U123"  # the expiry, then the user
    expected = hmac.new(b"new", b"1700003600:U123", hashlib.sha1).digest()
    assert relay.credential == base64.b64encode(expected).decode()
    assert credential_valid(
        ["new", "old"], relay.username, relay.credential or "", now=1_700_000_000
    )
    # Rotation: a credential signed by the second live secret is accepted; a dropped one not.
    by_old = turn_password("old", relay.username)
    assert credential_valid(["new", "old"], relay.username, by_old, now=1_700_000_000)
    assert not credential_valid(["new"], relay.username, by_old, now=1_700_000_000)
    # Expiry honoured.
    assert not credential_valid(["new"], relay.username, relay.credential or "", now=1_700_003_601)


def test_no_turn_urls_means_no_ice_servers() -> None:
    assert TurnCredentials(urls=[], secrets=["s"], ttl=60).for_user("U1", now=0) == ([], 0)


def test_janus_urls_parse_with_admin_options_and_refuse_garbage() -> None:
    nodes = parse_janus_urls(
        "a=http://10.0.0.5:8088/janus/;admin=http://10.0.0.5:7088/admin;admin_secret=S;"
        "api_secret=A, b=https://j2.internal/janus"
    )
    assert [n.node_id for n in nodes] == ["a", "b"]
    assert nodes[0].url == "http://10.0.0.5:8088/janus"
    assert (nodes[0].admin_url, nodes[0].admin_secret, nodes[0].api_secret) == (
        "http://10.0.0.5:7088/admin",
        "S",
        "A",
    )
    for bad in ("http://no-id:8088", "a=ftp://x", "a=http://x;colour=red", "a=http://x,a=http://y"):
        with pytest.raises(ValueError, match="PARLEY_JANUS_URLS"):
            parse_janus_urls(bad)


def test_media_settings_come_from_the_environment() -> None:
    settings = load_settings(
        {
            "PARLEY_JANUS_URLS": "j1=http://127.0.0.1:8088/janus",
            "PARLEY_MEDIA_MANAGED": "off",
            "PARLEY_TURN_URLS": "turn:t.example:3478",
            "PARLEY_TURN_SECRETS": "a,b",
            "PARLEY_TURN_TTL": "600",
            "PARLEY_ICE_INTERFACES": "eth1",
        }
    )
    assert settings.turn_ttl == 600 and settings.ice_interfaces == "eth1"
    assert not manage_janus(settings) and not manage_coturn(settings)
    # External URLs win over `on`: Parley does not start its own servers then.
    external = Settings(media_managed="on", janus_urls="j=http://x/janus", turn_urls="turn:x")
    assert not manage_janus(external) and not manage_coturn(external)
    assert manage_janus(Settings(media_managed="on"))
    with pytest.raises(ValueError, match="PARLEY_MEDIA_MANAGED"):
        manage_janus(Settings(media_managed="sometimes"))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_generated_janus_config_is_private_and_bare(tmp_path: Path) -> None:
    setup = write_janus_config(tmp_path / "janus", ice_interfaces="v0")
    main = (tmp_path / "janus" / "janus.jcfg").read_text()
    http = (tmp_path / "janus" / "janus.transport.http.jcfg").read_text()
    rooms = (tmp_path / "janus" / "janus.plugin.videoroom.jcfg").read_text()
    for name in ("janus.jcfg", "janus.transport.http.jcfg", "janus.plugin.videoroom.jcfg"):
        assert _mode(tmp_path / "janus" / name) == 0o600
    assert f'api_secret = "{setup.api_secret}"' in main
    assert f'admin_secret = "{setup.admin_secret}"' in main
    assert "janusoverlord" not in main and len(setup.admin_secret) >= 24
    assert setup.api_secret != write_janus_config(tmp_path / "other").api_secret  # random
    assert 'ice_enforce_list = "v0"' in main
    assert 'ip = "127.0.0.1"' in http and 'admin_ip = "127.0.0.1"' in http
    assert "admin_http = true" in http and f"port = {setup.port}" in http
    assert "room-" not in rooms  # no sample rooms
    assert setup.node.url == f"http://127.0.0.1:{setup.port}/janus"


def test_generated_coturn_config_uses_the_shared_secrets(tmp_path: Path) -> None:
    setup = write_coturn_config(
        tmp_path / "turnserver.conf", secrets_=["one", "two"], realm="chat.example", port=3479
    )
    text = setup.config_file.read_text().splitlines()
    assert _mode(setup.config_file) == 0o600
    assert "use-auth-secret" in text
    assert "static-auth-secret=one" in text and "static-auth-secret=two" in text
    assert "no-cli" in text and "realm=chat.example" in text and "listening-port=3479" in text
    assert "allow-loopback-peers" not in text
    assert "denied-peer-ip=10.0.0.0-10.255.255.255" in text
    assert setup.urls("chat.example")[1] == "turn:chat.example:3479?transport=udp"


async def test_a_managed_process_that_dies_is_restarted_then_stopped(tmp_path: Path) -> None:
    process = ManagedProcess(
        "flaky", [sys.executable, "-c", "import sys; sys.exit(3)"], tmp_path / "flaky.log"
    )
    process.start()
    for _ in range(100):
        if process.starts >= 2:
            break
        await asyncio.sleep(0.05)
    assert process.starts >= 2 and process.last_exit == 3
    await process.stop()

    sleeper = ManagedProcess(
        "sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], tmp_path / "s.log"
    )
    sleeper.start()
    await sleeper.wait_started()
    assert sleeper.running
    await sleeper.stop()
    assert not sleeper.running and sleeper.starts == 1


async def test_an_unreachable_node_is_unhealthy_and_refuses_rooms() -> None:
    port = free_port()  # nothing listens there
    engine = JanusEngine(parse_janus_urls(f"gone=http://127.0.0.1:{port}/janus"))
    try:
        assert not await engine.wait_ready(0.5)
        [health] = await engine.nodes()
        assert health.node_id == "gone" and not health.healthy and health.detail
        with pytest.raises(MediaUnavailable):
            await engine.open_room("gone", max_publishers=2, audio_only=True)
        with pytest.raises(MediaUnavailable):
            await engine.open_room("elsewhere", max_publishers=2, audio_only=True)
        await engine.close_room(RoomRef("gone", 1))  # nothing to close there: no error
        await engine.close_room(RoomRef("elsewhere", 1))
    finally:
        await engine.close()


def test_media_kinds_reads_mids_from_sdp() -> None:
    sdp = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\nm=video 9 UDP 96\r\na=mid:1\r\n"
    assert media_kinds(sdp) == {"0": "audio", "1": "video"}


async def test_runtime_without_media_configured(services: Services) -> None:
    engine = engine_for(services)
    assert engine is engine_for(services)  # one engine per server
    assert await engine.nodes() == []
    assert ice_servers_for(services).for_user("U1", now=0) == ([], 0)
    await stop_media(services)


async def test_readyz_reports_media_without_failing(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert body["ok"] is True
    assert body["media"] == {"state": "not_configured", "nodes": [], "turn": False}


async def test_readyz_with_a_dead_media_node_is_still_ready(
    tmp_path: Path, database_url: str
) -> None:
    from parley.main import create_app

    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        janus_urls=f"j1=http://127.0.0.1:{free_port()}/janus",
        turn_urls="turn:turn.example:3478",
        turn_secrets="s",
    )
    app = create_app(settings, migrate=False, start_workers=False)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://parley.test") as client:
            body = (await client.get("/readyz")).json()
    finally:
        await stop_media(app.state.services)
        await app.state.services.db.dispose()
    assert body["ok"] is True
    assert body["media"]["state"] == "unavailable"
    assert body["media"]["nodes"] == [{"id": "j1", "healthy": False}]
    assert body["media"]["turn"] is True
    assert "s" not in str(body["media"].get("problems", ""))
