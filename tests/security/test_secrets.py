"""No credential in logs, and credentials at rest only as hashes.

A realistic flow (sign-up, sign-in, a wrong password, tokens in headers and in the query
string, an app with its secrets, an incoming webhook, a file upload and its public link, an
RTM connection) runs with every logger at DEBUG, in process (caplog) and in a real
`parley serve` whose access log is on; then every database table is scanned.
"""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import String, Text, select

from parley.platform.db import Base
from parley.platform.redact import redact
from parley.platform.services import Services
from parley.platform.settings import Settings
from tests.conftest import LiveServer
from tests.security.server import ServerProcess
from tests.security.world import app_manifest


def _flow(http: httpx.Client) -> dict[str, str]:
    """Run the flow with a sync client; returns every secret it handled."""
    found: dict[str, str] = {}
    password = f"pw-{secrets.token_hex(8)}"
    domain = f"sec-{secrets.token_hex(4)}"
    found["password"] = password
    signup = http.post(
        "/api/auth.signup",
        json={
            "team_name": "Secretive",
            "domain": domain,
            "email": f"o@{domain}.example",
            "password": password,
            "real_name": "Olga",
        },
    ).json()
    assert signup["ok"], signup
    assert (
        http.post(
            "/api/auth.signin",
            json={"domain": domain, "email": f"o@{domain}.example", "password": password + "x"},
        ).json()["error"]
        == "invalid_credentials"
    )
    signin = http.post(
        "/api/auth.signin",
        json={"domain": domain, "email": f"o@{domain}.example", "password": password},
    )
    found["session"] = signin.cookies["parley_session"]
    found["csrf"] = signin.json()["csrf_token"]
    http.cookies.clear()
    headers = {"X-Parley-CSRF": found["csrf"]}
    http.cookies.set("parley_session", found["session"])
    app = http.post(
        "/api/apps.manifest.create",
        headers=headers,
        data={"manifest": json.dumps(app_manifest("Leaky"))},
    ).json()
    http.cookies.clear()
    assert app["ok"], app
    found["bot_token"] = app["bot_token"]
    found["app_token"] = app["app_token"]
    found["client_secret"] = app["credentials"]["client_secret"]
    found["verification_token"] = app["credentials"]["verification_token"]
    found["signing_secret"] = app["credentials"]["signing_secret"]
    bot = {"Authorization": f"Bearer {app['bot_token']}"}
    # Legacy clients put the token in the query string: it must not reach the access log.
    assert http.post(f"/api/auth.test?token={app['bot_token']}").json()["ok"]
    assert http.get(f"/api/auth.test?token={app['bot_token']}").json()["ok"]
    channel = http.post("/api/conversations.create", headers=bot, data={"name": "ops"}).json()
    assert channel["ok"], channel
    hook = http.post(
        "/api/incomingWebhooks.create", headers=bot, data={"channel": channel["channel"]["id"]}
    ).json()
    if hook.get("ok"):
        url = hook["incoming_webhook"]["url"]
        found["webhook_secret"] = url.rsplit("/", 1)[-1]
        assert http.post(urlsplit(url).path, json={"text": "from a hook"}).text == "ok"
    got = http.post(
        "/api/files.getUploadURLExternal", headers=bot, data={"filename": "a.txt", "length": "5"}
    ).json()
    upload_path = urlsplit(got["upload_url"]).path
    found["upload_secret"] = upload_path.rstrip("/").rsplit("/", 1)[-1]
    assert http.post(upload_path, content=b"hello").status_code == 200
    done = http.post(
        "/api/files.completeUploadExternal",
        headers=bot,
        data={
            "files": json.dumps([{"id": got["file_id"]}]),
            "channel_id": channel["channel"]["id"],
        },
    ).json()
    assert done["ok"], done
    rtm = http.post("/api/rtm.connect", headers=bot).json()
    found["rtm_ticket"] = rtm["url"].split("ticket=", 1)[1].split("&", 1)[0]
    return found


def test_redact_patterns() -> None:
    line = (
        '127.0.0.1:1 - "POST /api/auth.test?token=xoxp-T1-abcdefgh&x=1 HTTP/1.1" 200 '
        "/services/T1/B2/s3cr3tvalue /files-upload/upl0adsecret/ "
        "/files-pub/T1-F2-pubsecret/a.png /rtm?ticket=tick3t xapp-1-A1-aaaaaaaa"
    )
    clean = redact(line)
    for secret in ("abcdefgh", "s3cr3tvalue", "upl0adsecret", "pubsecret", "tick3t", "aaaaaaaa"):
        assert secret not in clean, clean
    assert "/api/auth.test?token=[redacted]&x=1" in clean
    assert "/services/T1/B2/[redacted]" in clean and "/files-pub/T1-F2-[redacted]" in clean


# The test's own HTTP client logs the URLs it calls (those are not the server's logs); the
# SQLite driver's DEBUG trace prints bound SQL parameters (see docs/security.md: drivers stay
# at WARNING, which is what `parley serve` leaves them at, whatever PARLEY_LOG_LEVEL says).
CLIENT_SIDE_LOGGERS = ("httpx", "httpcore", "aiosqlite", "asyncpg", "sqlalchemy")


def _assert_clean(text: str, found: dict[str, str], where: str) -> None:
    leaked = {name for name, value in found.items() if value and value in text}
    assert leaked == set(), f"{where} contains {sorted(leaked)}"


def test_no_secrets_in_logs_in_process(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """Every logger at DEBUG (Parley's, uvicorn's incl. its access log, libraries'), in
    process: a uvicorn server on a thread, its records captured by caplog."""
    with LiveServer(settings) as server:
        caplog.set_level(logging.DEBUG)
        names = ("uvicorn", "uvicorn.access", "uvicorn.error", "parley")
        levels = {name: logging.getLogger(name).level for name in names}
        for name in names:
            logger = logging.getLogger(name)
            logger.setLevel(logging.DEBUG)
            if caplog.handler not in logger.handlers:  # uvicorn's loggers do not propagate
                logger.addHandler(caplog.handler)
        try:
            with httpx.Client(base_url=server.url, timeout=30) as http:
                found = _flow(http)
        finally:
            for name in names:
                logging.getLogger(name).removeHandler(caplog.handler)
                logging.getLogger(name).setLevel(levels[name])
    assert any("POST /api/auth.test" in r.getMessage() for r in caplog.records), "no access log"
    server_side = [r for r in caplog.records if not r.name.startswith(CLIENT_SIDE_LOGGERS)]
    assert {r.name.split(".")[0] for r in server_side} >= {"uvicorn"}
    for record in server_side:
        _assert_clean(record.getMessage(), found, f"log record {record.name}")


@pytest.mark.slow
def test_no_secrets_in_server_logs_or_database_at_rest(database_url: str, tmp_path: Path) -> None:
    server = ServerProcess(database_url, tmp_path / "srv", extra_env={"PARLEY_LOG_LEVEL": "debug"})
    with server, httpx.Client(base_url=server.url, timeout=30) as http:
        found = _flow(http)
    log = server.log_path.read_text()
    assert "POST /api/auth.test" in log  # the access log is on and was read
    assert "[redacted]" in log
    _assert_clean(log, found, "the server log")
    # Stored in plaintext on purpose, because Parley must produce them, not just compare:
    # the signing secret (HMAC of every request to the app), the legacy verification token
    # (sent inside payloads), and the CSRF token (echoed to the page; useless without the
    # session cookie, which is stored hashed).
    plaintext_by_design = {"signing_secret", "verification_token", "csrf"}
    at_rest = {k: v for k, v in found.items() if k not in plaintext_by_design}
    import asyncio

    asyncio.run(_scan_database(database_url, at_rest))


async def _scan_database(database_url: str, found: dict[str, str]) -> None:
    from parley.platform.db import Database

    db = Database(database_url)
    try:
        async with db.read() as session:
            for table in Base.metadata.sorted_tables:
                columns = [c for c in table.columns if isinstance(c.type, String | Text)]
                if not columns:
                    continue
                rows = (await session.execute(select(*columns))).all()
                text = "\n".join("\t".join(str(v) for v in row if v) for row in rows)
                _assert_clean(text, found, f"table {table.name}")
    finally:
        await db.dispose()


async def test_tokens_table_holds_hashes_only(services: Services) -> None:
    from parley.features.auth.models import Token

    async with services.db.read() as session:
        hashes = (await session.execute(select(Token.token_hash))).scalars().all()
    assert hashes and all(len(h) == 64 and set(h) <= set("0123456789abcdef") for h in hashes)
