"""files.upload (v1) over raw multipart and form requests: the v2 path underneath."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from parley.features.files.models import File
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.files.helpers import path_of, png_bytes
from tests.features.messages.helpers import make_channel


@pytest.fixture
def backend() -> str:
    return ""


async def _multipart(
    client: httpx.AsyncClient, token: str, content: bytes, name: str, **fields: str
) -> dict[str, Any]:
    response = await client.post(
        "/api/files.upload",
        data=fields,
        files={"file": (name, content, "application/octet-stream")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_multipart_upload_is_shared_and_downloadable(
    client: httpx.AsyncClient, api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner], name="v1")
    got = await _multipart(
        client,
        team.owner.token,
        png_bytes(),
        "pic.png",
        channels=channel,
        initial_comment="look",
        title="A picture",
    )
    assert got["ok"], got
    file = got["file"]
    assert (file["name"], file["title"], file["mimetype"]) == ("pic.png", "A picture", "image/png")
    assert file["channels"] == [channel]
    assert file["shares"]["public"][channel][0]["ts"]
    history = await api("conversations.history", team.owner.token, channel=channel)
    assert history["messages"][0]["text"] == "look"
    assert history["messages"][0]["files"][0]["id"] == file["id"]
    downloaded = await client.get(
        path_of(file["url_private_download"]),
        headers={"Authorization": f"Bearer {team.owner.token}"},
    )
    assert downloaded.content == png_bytes()


async def test_content_upload_with_filetype_into_a_thread(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner], name="snips")
    root = await api("chat.postMessage", team.owner.token, channel=channel, text="root")
    got = await api(
        "files.upload",
        team.owner.token,
        content="print('hi')",
        filename="hi.py",
        filetype="python",
        channels=channel,
        thread_ts=root["ts"],
    )
    assert got["ok"], got
    assert got["file"]["filetype"] == "python" and got["file"]["size"] == 11
    replies = await api("conversations.replies", team.owner.token, channel=channel, ts=root["ts"])
    assert replies["messages"][-1]["files"][0]["id"] == got["file"]["id"]
    private = await api("files.upload", team.owner.token, content="just mine")
    assert private["ok"] and private["file"]["channels"] == []
    assert private["file"]["name"] == "untitled"


async def test_refusals_store_nothing(api: Api, factory: Factory, services: Services) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    theirs = await make_channel(services.db, team, [team.owner], name="owners")
    cases = {
        "no_file_data": {},
        "invalid_channel": {"content": "x", "channels": "C0000000000"},
        "not_in_channel": {"content": "x", "channels": theirs},
        "invalid_arguments": {"content": "x", "filetype": "no such/type"},
    }
    for expected, args in cases.items():
        got = await api("files.upload", bob.token, **args)
        assert got["error"] == expected, (expected, got)
    async with services.db.read() as session:
        query = select(func.count()).select_from(File).where(File.workspace_id == team.team_id)
        assert (await session.execute(query)).scalar_one() == 0  # not even an incomplete row


async def test_uploads_never_cross_workspaces(
    api: Api, factory: Factory, services: Services
) -> None:
    acme = await factory.workspace()
    other = await factory.workspace("Other")
    their_channel = await make_channel(services.db, other, [other.owner], name="theirs")
    got = await api("files.upload", acme.owner.token, content="x", channels=their_channel)
    assert got["error"] == "invalid_channel"
    mine = await api("files.upload", acme.owner.token, content="secret")
    assert mine["ok"]
    seen = await api("files.info", other.owner.token, file=mine["file"]["id"])
    assert seen["error"] == "file_not_found"
    listed = await api("files.list", other.owner.token)
    assert listed["files"] == []
