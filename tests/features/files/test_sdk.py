"""slack_sdk's files_upload_v2 (sync and async clients), unchanged, against a live Parley."""

from __future__ import annotations

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.web.async_client import AsyncWebClient

from parley.platform.services import Services
from tests.conftest import LiveServer, SyncFactory
from tests.factories import Factory
from tests.features.messages.helpers import make_channel


@pytest.fixture
def backend() -> str:
    return ""


def test_sync_files_upload_v2_shares_into_a_thread(
    live_server: LiveServer, sync_factory: SyncFactory
) -> None:
    team = sync_factory.workspace()
    run = sync_factory.loop.run_until_complete
    channel = run(make_channel(sync_factory.db, team, [team.owner], name="sdk-files"))
    client = WebClient(token=team.owner.token, base_url=live_server.api_url)
    root = client.chat_postMessage(channel=channel, text="thread root")

    response = client.files_upload_v2(
        channel=channel,
        content="hello from the sdk",
        filename="hello.txt",
        title="Hello",
        initial_comment="here it is",
        thread_ts=root["ts"],
    )
    file = response["file"]
    assert file["title"] == "Hello" and file["name"] == "hello.txt"

    replies = client.conversations_replies(channel=channel, ts=root["ts"])["messages"]
    assert replies[-1]["text"] == "here it is"
    assert replies[-1]["files"][0]["id"] == file["id"]

    info = client.files_info(file=file["id"])["file"]
    downloaded = httpx.get(
        info["url_private_download"].replace("http://parley.test", live_server.url),
        headers={"Authorization": f"Bearer {team.owner.token}"},
    )
    assert downloaded.content == b"hello from the sdk"

    several = client.files_upload_v2(
        file_uploads=[
            {"content": b"one", "filename": "1.txt"},
            {"content": b"two", "filename": "2.txt"},
        ],
        channel=channel,
    )
    assert len(several["files"]) == 2
    client.files_delete(file=file["id"])
    listed = client.files_list(channel=channel)["files"]
    assert {f["name"] for f in listed} == {"1.txt", "2.txt"}


async def test_async_files_upload_v2(
    live_server: LiveServer, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner], name="async")
    client = AsyncWebClient(token=team.owner.token, base_url=live_server.api_url)
    response = await client.files_upload_v2(
        channel=channel, content=b"\x89PNG\r\n\x1a\n async", filename="a.png"
    )
    assert response["file"]["name"] == "a.png"
    assert response["file"]["mimetype"] == "image/png"
