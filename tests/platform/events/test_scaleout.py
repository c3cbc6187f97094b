"""Two `parley serve` nodes over PostgreSQL + Redis behave as one, and survive losing one.

Runs only when PARLEY_TEST_DATABASE_URL is PostgreSQL and PARLEY_TEST_REDIS_URL is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from parley.platform.events.models import EventLog
from tests.conftest import POSTGRES_URL, free_port
from tests.factories import Factory, Member

REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL", "")
pytestmark = pytest.mark.skipif(
    not (POSTGRES_URL.startswith("postgresql") and REDIS_URL),
    reason="needs PARLEY_TEST_DATABASE_URL=postgresql… and PARLEY_TEST_REDIS_URL",
)
PARLEY = str(Path(sys.executable).with_name("parley"))


class Node:
    """One `parley serve` process on loopback."""

    def __init__(self, database_url: str, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PARLEY_DATABASE_URL": database_url,
            "PARLEY_REDIS_URL": REDIS_URL,
            "PARLEY_HOST": "127.0.0.1",
            "PARLEY_PORT": str(self.port),
            "PARLEY_DATA_DIR": str(data_dir),
            "PARLEY_RATE_LIMITS_ENABLED": "false",
            "PARLEY_LOG_LEVEL": "warning",
        }
        self.process = subprocess.Popen(
            [PARLEY, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"node exited: {self.process.stderr.read()!r}")  # type: ignore[union-attr]
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("node did not become ready")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def nodes(database_url: str, tmp_path: Path) -> Iterator[tuple[Node, Node]]:
    pair = (Node(database_url, tmp_path / "a"), Node(database_url, tmp_path / "b"))
    try:
        deadline = time.monotonic() + 90  # a busy (shared) machine starts slowly
        for node in pair:
            node.wait_ready(deadline)
        yield pair
    finally:
        for node in pair:
            node.kill()


async def call(node: Node, method: str, token: str, **args: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=node.url, timeout=5) as http:
        response = await http.post(
            f"/api/{method}", headers={"Authorization": f"Bearer {token}"}, json=args
        )
    body: dict[str, Any] = response.json()
    return body


class Receiver:
    """An RTM client that reconnects to whichever node is up and resumes by seq."""

    def __init__(self, member: Member, nodes: list[Node]) -> None:
        self.member = member
        self.nodes = nodes
        self.seqs: list[int] = []
        self.texts: list[str] = []
        self.reconnects = 0
        self.last_seq: int | None = None
        self.ws: ClientConnection | None = None

    async def connect(self) -> None:
        for node in self.nodes:
            with contextlib.suppress(httpx.HTTPError, OSError):
                body = await call(node, "rtm.connect", self.member.token)
                url = body["url"] + (f"&since={self.last_seq}" if self.last_seq else "")
                self.ws = await connect(url, open_timeout=5)
                hello = orjson.loads(await self.ws.recv())
                assert hello["type"] == "hello" and "resync" not in hello, hello
                if self.last_seq is None:
                    self.last_seq = hello["seq"]
                return
        raise RuntimeError("no node accepted the connection")

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            assert self.ws is not None
            try:
                raw = await asyncio.wait_for(self.ws.recv(), 0.2)
            except TimeoutError:
                continue
            except ConnectionClosed:
                self.reconnects += 1
                await self.connect()
                continue
            frame = orjson.loads(raw)
            if "seq" in frame:
                self.seqs.append(frame["seq"])
                self.last_seq = frame["seq"]
                if frame["type"] == "message":
                    self.texts.append(frame["text"])


async def eventually(condition: Callable[[], bool], limit: float) -> None:
    """Poll `condition` until true or `limit` seconds pass (the assertions follow)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and not condition():  # noqa: ASYNC110 - polling others' state
        await asyncio.sleep(0.05)


async def send_all(
    sender: Member, channel: str, nodes: list[Node], count: int, acked: list[str], tag: str
) -> None:
    """Post `count` messages, alternating nodes; retry on the other node with the same
    client_msg_id when a node fails (so a retry never makes a second message)."""
    for n in range(count):
        text = f"{tag}-{n}"
        for attempt in range(4):
            node = nodes[(n + attempt) % len(nodes)]
            try:
                body = await call(
                    node,
                    "chat.postMessage",
                    sender.token,
                    channel=channel,
                    text=text,
                    client_msg_id=f"00000000-0000-4000-8000-{abs(hash(text)) % 10**12:012d}",
                )
            except (httpx.HTTPError, OSError):
                continue
            if body.get("ok"):
                acked.append(text)
                break


async def test_two_nodes_share_events_and_survive_a_sigkill(
    nodes: tuple[Node, Node], factory: Factory
) -> None:
    node_a, node_b = nodes
    team = await factory.workspace()
    people = [await factory.user(team) for _ in range(4)]
    created = await call(node_a, "conversations.create", team.owner.token, name="scale-out")
    assert created["ok"], created
    channel = created["channel"]["id"]
    invited = await call(
        node_a,
        "conversations.invite",
        team.owner.token,
        channel=channel,
        users=",".join(p.user_id for p in people),
    )
    assert invited["ok"], invited

    # A message posted through node A reaches a client connected to node B.
    on_b = Receiver(people[0], [node_b])
    await on_b.connect()
    posted = await call(node_a, "chat.postMessage", team.owner.token, channel=channel, text="hi")
    assert posted["ok"]
    while True:
        frame = orjson.loads(await asyncio.wait_for(on_b.ws.recv(), 5))  # type: ignore[union-attr]
        if frame.get("type") == "message":
            assert frame["text"] == "hi"
            break
    await on_b.ws.close()  # type: ignore[union-attr]

    # Under load, node A dies; its clients move to B and resume with no gap.
    receivers = [
        Receiver(people[0], [node_a, node_b]),
        Receiver(people[1], [node_a, node_b]),
        Receiver(people[2], [node_b, node_a]),
        Receiver(people[3], [node_b, node_a]),
    ]
    for receiver in receivers:
        await receiver.connect()
    stop = asyncio.Event()
    readers = [asyncio.create_task(r.run(stop)) for r in receivers]
    acked: list[str] = []
    senders = [
        asyncio.create_task(send_all(team.owner, channel, [node_a, node_b], 60, acked, "s1")),
        asyncio.create_task(send_all(people[3], channel, [node_b, node_a], 60, acked, "s2")),
    ]
    await eventually(lambda: len(acked) >= 40, 20)
    node_a.kill()
    await asyncio.wait_for(asyncio.gather(*senders), 30)
    await eventually(lambda: all(set(acked) <= set(r.texts) for r in receivers), 20)
    stop.set()
    await asyncio.gather(*readers)

    history = await call(
        node_b, "conversations.history", team.owner.token, channel=channel, limit=1000
    )
    stored = [m["text"] for m in history["messages"] if m.get("text", "").startswith("s")]
    for text in acked:
        assert stored.count(text) == 1, text  # every acknowledged message stored exactly once
    assert receivers[0].reconnects >= 1 and receivers[1].reconnects >= 1
    for receiver in receivers:
        assert receiver.seqs == sorted(set(receiver.seqs))  # in order, no duplicate
        assert sorted(receiver.texts) == sorted(stored)  # every stored message, no gap
    for receiver in receivers:
        if receiver.ws is not None:
            await receiver.ws.close()


async def test_presence_is_shared_by_the_nodes(nodes: tuple[Node, Node], factory: Factory) -> None:
    node_a, node_b = nodes
    team = await factory.workspace()
    watcher, traveller = await factory.user(team), await factory.user(team)

    async def presence(node: Node) -> str:
        body = await call(node, "users.getPresence", watcher.token, user=traveller.user_id)
        assert body["ok"], body
        return str(body["presence"])

    async def next_presence(ws: ClientConnection) -> str:
        while True:
            frame = orjson.loads(await asyncio.wait_for(ws.recv(), 5))
            if frame.get("type") == "presence_change" and frame["user"] == traveller.user_id:
                return str(frame["presence"])

    on_a = await connect((await call(node_a, "rtm.connect", watcher.token))["url"])
    assert orjson.loads(await on_a.recv())["type"] == "hello"
    # The traveller connects to node B only (its rtm.connect too: node A saw no activity).
    on_b = await connect((await call(node_b, "rtm.connect", traveller.token))["url"])
    assert orjson.loads(await on_b.recv())["type"] == "hello"
    assert await next_presence(on_a) == "active"  # announced by B, delivered by A
    assert await presence(node_a) == "active"
    assert await presence(node_b) == "active"
    own = await call(node_a, "users.getPresence", traveller.token)
    assert own["connection_count"] == 1 and own["online"] is True
    await on_b.close()
    assert await next_presence(on_a) == "away"
    await on_a.close()


async def test_a_revocation_on_one_node_closes_sockets_on_the_other(
    nodes: tuple[Node, Node], factory: Factory
) -> None:
    node_a, node_b = nodes
    team = await factory.workspace()
    alice = await factory.user(team)
    on_b = await connect((await call(node_b, "rtm.connect", alice.token))["url"])
    assert orjson.loads(await on_b.recv())["type"] == "hello"
    assert (await call(node_a, "auth.revoke", alice.token))["revoked"] is True
    close = None
    while close is None:
        try:
            await asyncio.wait_for(on_b.recv(), 10)
        except ConnectionClosed as closed:
            close = closed.rcvd
    assert close is not None and (close.code, close.reason) == (4003, "token_revoked")


class MessageLog:
    """A socket's view of one channel's messages: (seq, ts, text) in arrival order."""

    def __init__(self) -> None:
        self.seqs: list[int] = []
        self.messages: list[tuple[int, str, str]] = []

    async def read(self, ws: ClientConnection, channel: str, until: Callable[[], bool]) -> None:
        while not until():
            try:
                frame = orjson.loads(await asyncio.wait_for(ws.recv(), 0.2))
            except TimeoutError:
                continue
            if "seq" in frame:
                self.seqs.append(frame["seq"])
                if frame["type"] == "message" and frame.get("channel") == channel:
                    self.messages.append((frame["seq"], frame["ts"], frame["text"]))


async def post_many(
    node: Node, poster: Member, channel: str, tag: str, count: int, acked: list[tuple[str, str]]
) -> None:
    """`count` posts one after another (a closed loop, like a busy client); (ts, text) of
    each acknowledged one."""
    async with httpx.AsyncClient(base_url=node.url, timeout=30) as http:
        for n in range(count):
            text = f"{tag}-{n}"
            response = await http.post(
                "/api/chat.postMessage",
                headers={"Authorization": f"Bearer {poster.token}"},
                json={"channel": channel, "text": text},
            )
            body = response.json()
            assert body["ok"], body  # no lock conflict ever reaches a caller
            acked.append((body["ts"], text))


async def test_two_nodes_hammering_one_channel_keep_ts_and_seq_dense_and_ordered(
    nodes: tuple[Node, Node], factory: Factory
) -> None:
    """Four posters per node post concurrently into one channel (group commit on both
    nodes, their groups competing for the channel's row): every acknowledged message is
    stored once, ts strictly increase in the channel, the workspace's event sequence has no
    gap or duplicate, and a live socket and a `since` replay each see every message once,
    in order."""
    per_node, count = 4, 40
    team = await factory.workspace()
    posters = [await factory.user(team) for _ in range(2 * per_node)]
    created = await call(nodes[0], "conversations.create", team.owner.token, name="hammer")
    assert created["ok"], created
    channel = created["channel"]["id"]
    invited = await call(
        nodes[0],
        "conversations.invite",
        team.owner.token,
        channel=channel,
        users=",".join(p.user_id for p in posters),
    )
    assert invited["ok"], invited

    live_url = (await call(nodes[1], "rtm.connect", team.owner.token))["url"]
    live = await connect(live_url)
    hello = orjson.loads(await live.recv())
    before_seq = hello["seq"]
    acked: list[tuple[str, str]] = []
    seen_live = MessageLog()
    total = 2 * per_node * count
    reader = asyncio.create_task(
        seen_live.read(live, channel, lambda: len(seen_live.messages) >= total)
    )
    await asyncio.wait_for(
        asyncio.gather(
            *(
                post_many(nodes[k % 2], poster, channel, f"p{k}", count, acked)
                for k, poster in enumerate(posters)
            )
        ),
        180,
    )
    await asyncio.wait_for(reader, 30)
    await live.close()

    # Stored: each acknowledged message once, under the ts its poster was given.
    history = await call(
        nodes[0], "conversations.history", team.owner.token, channel=channel, limit=1000
    )
    stored = [(m["ts"], m["text"]) for m in history["messages"] if m.get("subtype") is None]
    assert len(acked) == total
    assert sorted(stored) == sorted(acked)
    ts_order = [ts for ts, _ in sorted(stored)]
    assert len(set(ts_order)) == total  # no ts handed out twice

    # The workspace's event sequence: dense, and in the channel's ts order.
    async with factory.db.read() as session:
        logged = (
            await session.execute(
                select(EventLog.seq, EventLog.type, EventLog.payload)
                .where(EventLog.workspace_id == team.team_id)
                .order_by(EventLog.seq)
            )
        ).all()
    seqs = [seq for seq, _, _ in logged]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # no gap, no duplicate
    message_ts = [
        payload["ts"]
        for _, kind, payload in logged
        if kind == "message" and payload.get("channel") == channel and "subtype" not in payload
    ]
    assert message_ts == ts_order  # numbered in the order the channel's ts were taken

    # The live socket (on the other node than half the posters) and a replay since before.
    assert seen_live.seqs == sorted(set(seen_live.seqs))
    assert [ts for _, ts, _ in seen_live.messages] == ts_order
    replay_url = (await call(nodes[0], "rtm.connect", team.owner.token))["url"]
    replay = await connect(f"{replay_url}&since={before_seq}")
    assert "resync" not in orjson.loads(await replay.recv())
    replayed = MessageLog()
    await asyncio.wait_for(
        replayed.read(replay, channel, lambda: len(replayed.messages) >= total), 30
    )
    await replay.close()
    assert replayed.seqs == sorted(set(replayed.seqs))
    assert [ts for _, ts, _ in replayed.messages] == ts_order
