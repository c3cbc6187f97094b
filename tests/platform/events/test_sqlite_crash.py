"""Embedded SQLite: every message acknowledged with `ok` survives the server being SIGKILLed.

Guards docs/decisions/0005 (WAL with synchronous=NORMAL): a commit is in the WAL file, in
the operating system's hands, before the answer goes out, so killing the process loses
nothing that was acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from parley.composition import upgrade_to_head_async
from parley.features.messages.models import Message
from parley.platform.db import Database
from tests.conftest import POSTGRES_URL, free_port
from tests.factories import Factory

pytestmark = pytest.mark.skipif(bool(POSTGRES_URL), reason="the embedded SQLite default only")
PARLEY = str(Path(sys.executable).with_name("parley"))


def start_server(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [PARLEY, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        time.sleep(0.1)


async def test_acknowledged_messages_survive_sigkill(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'crash.db'}"
    await upgrade_to_head_async(url)
    db = Database(url)
    try:
        team = await Factory(db).workspace()
    finally:
        await db.dispose()
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PARLEY_") or k == "PARLEY_SQLITE_SYNCHRONOUS"
    }
    env |= {
        "PARLEY_DATABASE_URL": url,
        "PARLEY_DATA_DIR": str(tmp_path),
        "PARLEY_HOST": "127.0.0.1",
        "PARLEY_PORT": str(port),
        "PARLEY_RATE_LIMITS_ENABLED": "false",
        "PARLEY_LOG_LEVEL": "warning",
    }
    server = start_server(env)
    base = f"http://127.0.0.1:{port}"
    acked: list[str] = []
    try:
        await asyncio.to_thread(wait_ready, base)
        headers = {"Authorization": f"Bearer {team.owner.token}"}
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=10) as http:
            created = await http.post("/api/conversations.create", json={"name": "crash"})
            channel = created.json()["channel"]["id"]

            async def sender(tag: str) -> None:
                for n in range(400):  # bounded; the kill ends it sooner
                    text = f"{tag}-{n}"
                    try:
                        response = await http.post(
                            "/api/chat.postMessage", json={"channel": channel, "text": text}
                        )
                    except httpx.HTTPError:
                        return
                    if response.json().get("ok"):
                        acked.append(text)

            senders = [asyncio.create_task(sender(f"s{k}")) for k in range(4)]
            while len(acked) < 60 and not all(s.done() for s in senders):  # noqa: ASYNC110
                await asyncio.sleep(0.02)
            server.send_signal(signal.SIGKILL)  # mid-load: requests are in flight
            await asyncio.gather(*senders)
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
    assert len(acked) >= 60
    db = Database(url)
    try:
        async with db.read() as session:
            stored = list((await session.scalars(select(Message.text))).all())
    finally:
        await db.dispose()
    for text in acked:
        assert stored.count(text) == 1, text
