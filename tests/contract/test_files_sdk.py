"""slack_sdk's deprecated files_upload (v1) and files_remote_* calls, unchanged, against a
live Parley."""

from __future__ import annotations

import warnings

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.conftest import LiveServer, SyncFactory
from tests.features.messages.helpers import make_channel


@pytest.fixture
def backend() -> str:
    return ""


def test_files_upload_v1(live_server: LiveServer, sync_factory: SyncFactory) -> None:
    team = sync_factory.workspace()
    run = sync_factory.loop.run_until_complete
    channel = run(make_channel(sync_factory.db, team, [team.owner], name="sdk-v1"))
    client = WebClient(token=team.owner.token, base_url=live_server.api_url)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # slack_sdk warns that v1 is retired
        uploaded = client.files_upload(
            channels=channel, file=b"v1 bytes", filename="v1.txt", initial_comment="old app"
        )
        text = client.files_upload(content="a snippet", channels=channel, title="Snippet")
        with pytest.raises(SlackApiError) as refused:
            client.files_upload(content="x", channels="C0000000000")
    assert uploaded["file"]["name"] == "v1.txt" and uploaded["file"]["channels"] == [channel]
    assert text["file"]["title"] == "Snippet"
    assert refused.value.response["error"] == "invalid_channel"
    history = client.conversations_history(channel=channel)["messages"]
    assert {m["files"][0]["id"] for m in history} == {uploaded["file"]["id"], text["file"]["id"]}


def test_files_remote(live_server: LiveServer, sync_factory: SyncFactory) -> None:
    team = sync_factory.workspace()
    run = sync_factory.loop.run_until_complete
    bot = sync_factory.bot(team)
    channel = run(make_channel(sync_factory.db, team, [team.owner, bot], name="sdk-remote"))
    client = WebClient(token=bot.token, base_url=live_server.api_url)
    url = "https://docs.example.com/d/9"
    added = client.files_remote_add(external_id="ext-9", external_url=url, title="Doc")
    file_id = added["file"]["id"]
    assert client.files_remote_info(external_id="ext-9")["file"]["id"] == file_id
    client.files_remote_update(file=file_id, title="Doc 2")
    shared = client.files_remote_share(file=file_id, channels=channel)
    assert shared["file"]["channels"] == [channel]
    listed = client.files_remote_list(channel=channel)["files"]
    assert [(f["id"], f["title"]) for f in listed] == [(file_id, "Doc 2")]
    client.files_remote_remove(external_id="ext-9")
    with pytest.raises(SlackApiError) as gone:
        client.files_remote_info(file=file_id)
    assert gone.value.response["error"] == "file_not_found"
