"""Durability: SIGKILL `parley serve` at random moments under a steady posting load.

Three rounds on whichever database the run uses (SQLite, or PostgreSQL when
PARLEY_TEST_DATABASE_URL is set; CI runs both). After a final restart:
- every message answered ok is stored exactly once, with the ts it was answered with;
- nothing else appears except messages whose answer was lost in the crash, and each at most
  once (the sender retries with the same client_msg_id, so a retry never duplicates);
- ts order per channel holds (unique, and each sender's posts in order);
- the outbox is consistent with the messages: an RTM client resuming from the sequence
  number it had before the first crash receives exactly one `message` event per stored
  message and none for a message that is not stored; event numbers have no gap.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from websockets.asyncio.client import connect

from tests.conftest import SyncFactory
from tests.security.server import ServerProcess

ROUNDS = 3
POSTERS = 3
SEED = int(os.environ.get("PARLEY_CRASH_SEED", "20261124"))


@dataclass
class Ledger:
    """What the senders know: answered posts, and posts whose answer never came."""

    acked: dict[str, tuple[str, str]] = field(default_factory=dict)  # text -> (channel, ts)
    uncertain: set[str] = field(default_factory=set)  # in flight at a kill: answer lost
    refused: set[str] = field(default_factory=set)  # never reached a server (it was down)
    order: dict[str, list[str]] = field(default_factory=dict)  # poster -> acked texts in order


async def _poster(
    url: str, token: str, channels: list[str], name: str, ledger: Ledger, stop: asyncio.Event
) -> None:
    n = 0
    async with httpx.AsyncClient(base_url=url, timeout=5) as http:
        while not stop.is_set():
            n += 1
            text = f"{name}-{n}"
            channel = channels[n % len(channels)]
            msg_id = str(uuid.uuid4())
            try:
                response = await http.post(
                    "/api/chat.postMessage",
                    headers={"Authorization": f"Bearer {token}"},
                    json={"channel": channel, "text": text, "client_msg_id": msg_id},
                )
                body = response.json()
            except httpx.ConnectError:
                ledger.refused.add(text)  # the server is down: this post must never appear
                await asyncio.sleep(0.05)
                continue
            except (httpx.HTTPError, OSError, ValueError):
                ledger.uncertain.add(text)  # sent, answer lost: may or may not be stored
                await asyncio.sleep(0.05)
                continue
            if body.get("ok"):
                ledger.acked[text] = (channel, body["ts"])
                ledger.order.setdefault(name, []).append(text)
            else:
                ledger.uncertain.add(text)  # e.g. refused while shutting down
            await asyncio.sleep(0.01)


async def _load_and_kill(
    server: ServerProcess,
    token: str,
    channels: list[str],
    ledger: Ledger,
    round_no: int,
    rng: random.Random,
) -> None:
    stop = asyncio.Event()
    posters = [
        asyncio.create_task(_poster(server.url, token, channels, f"r{round_no}p{i}", ledger, stop))
        for i in range(POSTERS)
    ]
    await asyncio.sleep(rng.uniform(0.5, 2.0))
    server.kill()  # mid-load: some requests are in flight, some transactions open
    await asyncio.sleep(0.2)
    stop.set()
    await asyncio.gather(*posters)


async def _history(http: httpx.AsyncClient, token: str, channel: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    cursor = ""
    while True:
        body = (
            await http.post(
                "/api/conversations.history",
                headers={"Authorization": f"Bearer {token}"},
                data={"channel": channel, "limit": "200", "cursor": cursor},
            )
        ).json()
        assert body["ok"], body
        messages += body["messages"]
        cursor = body.get("response_metadata", {}).get("next_cursor", "")
        if not cursor:
            return messages


async def _rtm_seq(url: str, token: str) -> int:
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        body = (
            await http.post("/api/rtm.connect", headers={"Authorization": f"Bearer {token}"})
        ).json()
    async with connect(body["url"], open_timeout=10) as ws:
        hello = orjson.loads(await ws.recv())
    return int(hello["seq"])


async def _replay(url: str, token: str, since: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Everything an RTM client resuming at `since` is sent before going live."""
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        body = (
            await http.post("/api/rtm.connect", headers={"Authorization": f"Bearer {token}"})
        ).json()
    frames: list[dict[str, Any]] = []
    async with connect(f"{body['url']}&since={since}", open_timeout=10, max_size=None) as ws:
        hello = orjson.loads(await ws.recv())
        while True:
            frame = orjson.loads(await asyncio.wait_for(ws.recv(), 15))
            if frame.get("type") == "reconnect_url":  # the backlog is complete
                return hello, frames
            frames.append(frame)


@pytest.mark.slow
async def test_sigkill_under_load_loses_nothing_acknowledged(
    database_url: str, tmp_path: Path
) -> None:
    factory = SyncFactory(database_url)
    try:
        team = await asyncio.to_thread(factory.workspace)
    finally:
        await asyncio.to_thread(factory.close)
    token = team.owner.token
    rng = random.Random(SEED)
    server = ServerProcess(database_url, tmp_path / "crash")
    ledger = Ledger()
    started = time.monotonic()
    try:
        await asyncio.to_thread(server.start)
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            channels = [
                (
                    await http.post(
                        "/api/conversations.create",
                        headers={"Authorization": f"Bearer {token}"},
                        data={"name": f"durable-{n}"},
                    )
                ).json()["channel"]["id"]
                for n in range(2)
            ]
        since = await _rtm_seq(server.url, token)
        for round_no in range(ROUNDS):
            if round_no:
                await asyncio.to_thread(server.start)
            await _load_and_kill(server, token, channels, ledger, round_no, rng)
        await asyncio.to_thread(server.start)
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            stored = {c: await _history(http, token, c) for c in channels}
        hello, frames = await _replay(server.url, token, since)
    finally:
        server.kill()
    elapsed = time.monotonic() - started
    assert ledger.acked, "no post was acknowledged: the load never ran"
    assert ledger.uncertain, "no post was in flight at a kill: the kills missed the load"
    assert ledger.refused, "no post found the server down: the kills did not happen"

    by_text: dict[str, list[tuple[str, str]]] = {}
    for channel, messages in stored.items():
        ts_list = [m["ts"] for m in messages]
        assert ts_list == sorted(ts_list, reverse=True), "history out of ts order"
        assert len(set(ts_list)) == len(ts_list), "two messages share a ts"
        for message in messages:
            by_text.setdefault(message["text"], []).append((channel, message["ts"]))
    for text, (channel, ts) in ledger.acked.items():
        assert by_text.get(text) == [(channel, ts)], (text, by_text.get(text))
    strangers = set(by_text) - set(ledger.acked) - ledger.uncertain
    assert strangers == set(), strangers
    assert ledger.refused.isdisjoint(by_text)
    duplicates = {t: v for t, v in by_text.items() if len(v) > 1}
    assert duplicates == {}, duplicates
    for texts in ledger.order.values():  # one sender's posts keep their order per channel
        for channel in channels:
            mine = [ledger.acked[t][1] for t in texts if ledger.acked[t][0] == channel]
            assert mine == sorted(mine)

    assert "resync" not in hello, hello  # the whole backlog since the first crash is there
    seqs = [f["seq"] for f in frames if "seq" in f]
    assert seqs == list(range(since + 1, since + 1 + len(seqs))), "a gap in event numbers"
    events: dict[tuple[str, str], int] = {}
    for frame in frames:
        if frame.get("type") == "message" and "subtype" not in frame:
            key = (frame["channel"], frame["ts"])
            events[key] = events.get(key, 0) + 1
    in_history = {(c, m["ts"]) for c, ms in stored.items() for m in ms}
    assert set(events) == in_history, (
        f"events without message: {set(events) - in_history}; "
        f"messages without event: {in_history - set(events)}"
    )
    assert all(count == 1 for count in events.values())
    assert elapsed < 120, f"took {elapsed:.0f}s"
    print(
        f"crash rounds: {len(ledger.acked)} acked, {len(ledger.uncertain)} in flight at a kill "
        f"({len(set(by_text) & ledger.uncertain)} of them stored), {len(ledger.refused)} refused"
    )
