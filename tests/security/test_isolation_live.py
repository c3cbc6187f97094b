"""Tenant isolation beyond the Web API: real-time events and file bytes.

A client of workspace B connected over RTM sees none of A's activity, and A's file URLs give
B nothing, whether B presents a token or a browser session cookie.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect

from parley.features.files.worker import process_pending
from parley.platform.services import Services
from tests.conftest import Api, LiveServer
from tests.factories import PASSWORD, Factory
from tests.features.files.helpers import png_bytes, upload_bytes


async def _rtm(api: Api, token: str) -> ClientConnection:
    body = await api("rtm.connect", token)
    assert body["ok"], body
    ws = await connect(body["url"], open_timeout=5)
    hello = orjson.loads(await ws.recv())
    assert hello["type"] == "hello", hello
    return ws


async def _drain(ws: ClientConnection, into: list[dict[str, Any]], stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            raw = await asyncio.wait_for(ws.recv(), 0.1)
        except TimeoutError:
            continue
        into.append(orjson.loads(raw))


async def test_rtm_client_of_b_sees_none_of_a_events(
    live_server: LiveServer, factory: Factory
) -> None:
    a, b = await factory.workspace(), await factory.workspace()
    a_member = await factory.user(a)
    a_joiner = await factory.user(a)
    async with httpx.AsyncClient(base_url=live_server.url, timeout=10) as http:
        api = Api(http)
        owner = a.owner.token
        channel = (await api("conversations.create", owner, name="busy-room"))["channel"]["id"]
        await api("conversations.invite", owner, channel=channel, users=a_member.user_id)
        watcher = await _rtm(api, a_member.token)  # control: proves A's events flow
        typist = await _rtm(api, owner)
        spies = [await _rtm(api, b.owner.token), await _rtm(api, (await factory.bot(b)).token)]
        seen_by_a: list[dict[str, Any]] = []
        seen_by_b: list[list[dict[str, Any]]] = [[] for _ in spies]
        stop = asyncio.Event()
        tasks = [asyncio.create_task(_drain(watcher, seen_by_a, stop))] + [
            asyncio.create_task(_drain(ws, got, stop))
            for ws, got in zip(spies, seen_by_b, strict=True)
        ]
        try:
            posted = await api("chat.postMessage", owner, channel=channel, text="a-private-plan")
            await api("reactions.add", owner, channel=channel, timestamp=posted["ts"], name="eyes")
            await api("conversations.rename", owner, channel=channel, name="busy-room-2")
            await api("conversations.setTopic", owner, channel=channel, topic="a-private-topic")
            await api("conversations.join", a_joiner.token, channel=channel)
            await typist.send(
                orjson.dumps({"id": 1, "type": "typing", "channel": channel}).decode()
            )
            await upload_bytes(api, http, owner, b"a-private-bytes", channel_id=channel)
            await api("chat.postMessage", owner, channel=channel, text="a-last-event")
            for _ in range(100):  # the control client sees everything, then B has had its chance
                if any(f.get("text") == "a-last-event" for f in seen_by_a):
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)
        finally:
            stop.set()
            await asyncio.gather(*tasks)
            for ws in (watcher, typist, *spies):
                with contextlib.suppress(Exception):
                    await ws.close()
    kinds = {f.get("type") for f in seen_by_a}
    assert {"message", "reaction_added", "channel_rename", "member_joined_channel"} <= kinds, kinds
    assert "user_typing" in kinds, kinds
    needles = {a.team_id, channel, a.owner.user_id, a_member.user_id, "a-private"}
    for frames in seen_by_b:
        text = orjson.dumps(frames).decode()
        assert not [n for n in needles if n in text], frames


async def test_a_file_urls_give_b_nothing(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    a, b = await factory.workspace(), await factory.workspace()
    content = png_bytes(320, 240, "blue")
    file = await upload_bytes(api, client, a.owner.token, content, filename="plan.png")
    assert await process_pending(services) >= 1  # thumbnails come from the preview worker
    shared = (await api("files.sharedPublicURL", a.owner.token, file=file["id"]))["file"]
    private_urls = [shared["url_private"], shared["url_private_download"]]
    private_urls += [v for k, v in shared.items() if k.startswith("thumb_") and k[6:].isdigit()]
    assert len(private_urls) >= 3, shared  # thumbnails were made for the image
    paths = [urlsplit(u).path for u in private_urls]
    for path in paths:  # control: A's own token reads them
        own = await client.get(path, headers={"Authorization": f"Bearer {a.owner.token}"})
        assert own.status_code == 200, (path, own.status_code)

    b_bot = await factory.bot(b)
    signin = await client.post(
        "/api/auth.signin",
        json={"domain": b.domain, "email": b.owner.email, "password": PASSWORD},
    )
    assert signin.json()["ok"]
    b_cookie = signin.cookies.get("parley_session")
    assert b_cookie
    client.cookies.clear()
    for path in paths:
        for headers, cookies in (
            ({"Authorization": f"Bearer {b.owner.token}"}, None),
            ({"Authorization": f"Bearer {b_bot.token}"}, None),
            ({}, {"parley_session": b_cookie}),
            ({}, None),
        ):
            client.cookies.clear()
            for name, value in (cookies or {}).items():
                client.cookies.set(name, value)
            got = await client.get(path, headers=headers)
            assert got.status_code in (401, 403, 404), (path, headers, got.status_code)
            assert content[:64] not in got.content and len(got.content) < 1024
    client.cookies.clear()
    # The public link is public by design (Slack's too) until A revokes it; then it is gone.
    public = urlsplit(shared["permalink_public"]).path
    assert (await api("files.revokePublicURL", a.owner.token, file=file["id"]))["ok"]
    gone = await client.get(public, headers={"Authorization": f"Bearer {b.owner.token}"})
    assert gone.status_code in (403, 404) and content[:64] not in gone.content
