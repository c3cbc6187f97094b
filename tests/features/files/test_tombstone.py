"""files.delete leaves Slack's tombstone in every message that shared the file, tells the
message's viewers (`message_changed`), and the file's URLs stop answering (local disk)."""

from __future__ import annotations

import httpx
import orjson
import pytest

from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.files.helpers import path_of, upload_bytes
from tests.features.messages.helpers import events, make_channel


@pytest.fixture
def backend() -> str:
    return ""


async def test_deleted_file_becomes_a_tombstone_in_its_messages(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    owner = team.owner
    first = await make_channel(services.db, team, [owner])
    second = await make_channel(services.db, team, [owner])
    kept = await upload_bytes(api, client, owner.token, b"kept", filename="kept.txt")
    doomed = await upload_bytes(api, client, owner.token, b"doomed", filename="doomed.txt")
    files = orjson.dumps([{"id": kept["id"]}, {"id": doomed["id"]}]).decode()
    await api("files.completeUploadExternal", owner.token, files=files, channel_id=first)
    await api(
        "files.completeUploadExternal",
        owner.token,
        files=orjson.dumps([{"id": doomed["id"]}]).decode(),
        channel_id=second,
        initial_comment="again",
    )
    before = await events(services.db, team)
    assert (await api("files.delete", owner.token, file=doomed["id"]))["ok"]

    [in_first] = (await api("conversations.history", owner.token, channel=first))["messages"]
    assert in_first["files"][0]["id"] == kept["id"] and in_first["files"][0]["mode"] == "hosted"
    assert in_first["files"][1] == {"id": doomed["id"], "mode": "tombstone"}
    [in_second] = (await api("conversations.history", owner.token, channel=second))["messages"]
    assert in_second["files"] == [{"id": doomed["id"], "mode": "tombstone"}]
    assert in_second["text"] == "again" and "edited" not in in_second

    new = (await events(services.db, team))[len(before) :]
    changed = [e for e in new if e.payload.get("subtype") == "message_changed"]
    assert {e.audience["id"] for e in changed} == {first, second}
    assert all(
        {"id": doomed["id"], "mode": "tombstone"} in e.payload["message"]["files"] for e in changed
    )
    assert [e.type for e in new].count("file_deleted") == 3  # two channels + the owner
    for url in (doomed["url_private"], doomed["url_private_download"]):
        gone = await client.get(path_of(url), headers={"Authorization": f"Bearer {owner.token}"})
        assert gone.status_code == 404
    assert (await api("files.info", owner.token, file=doomed["id"]))["error"] == "file_not_found"
    still = await client.get(
        path_of(kept["url_private"]), headers={"Authorization": f"Bearer {owner.token}"}
    )
    assert still.status_code == 200 and still.content == b"kept"
