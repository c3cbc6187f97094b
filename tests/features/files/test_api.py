"""files.* argument checks, listing, content safety and limits (on local disk only: the
storage-specific paths run on every backend in test_backends.py)."""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson
import pytest

from parley.features.files.content import sanitize_filename, sniff
from parley.platform.services import Services
from parley.platform.settings import Settings
from tests.conftest import Api
from tests.factories import Factory
from tests.features.files.helpers import path_of, png_bytes, upload_bytes
from tests.features.messages.helpers import make_channel


@pytest.fixture
def backend() -> str:
    return ""


def _files(*ids: str) -> str:
    return orjson.dumps([{"id": file_id} for file_id in ids]).decode()


async def test_upload_url_argument_errors(api: Api, factory: Factory) -> None:
    token = (await factory.workspace()).owner.token
    assert (await api("files.getUploadURLExternal", token, filename="a.txt"))["error"] == (
        "invalid_length"
    )
    zero = await api("files.getUploadURLExternal", token, filename="a.txt", length=0)
    assert zero["error"] == "invalid_length"
    huge = await api("files.getUploadURLExternal", token, filename="a", length=2**40)
    assert huge["error"] == "file_too_large" and huge["limit_bytes"] == 1024**3
    no_name = await api("files.getUploadURLExternal", token, length=5)
    assert no_name["error"] == "invalid_arguments"


async def test_complete_checks_ownership_and_upload(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    other = await factory.user(team)
    pending = await api("files.getUploadURLExternal", team.owner.token, filename="a", length=3)
    early = await api(
        "files.completeUploadExternal", team.owner.token, files=_files(pending["file_id"])
    )
    assert early["error"] == "file_upload_incomplete"
    await client.post(path_of(pending["upload_url"]), content=b"abc")
    stolen = await api(
        "files.completeUploadExternal", other.token, files=_files(pending["file_id"])
    )
    assert stolen["error"] == "file_not_found"
    bad = await api("files.completeUploadExternal", team.owner.token, files="not json")
    assert bad["error"] == "invalid_json"
    done = await api(
        "files.completeUploadExternal", team.owner.token, files=_files(pending["file_id"])
    )
    assert done["ok"] and done["files"][0]["size"] == 3


async def test_upload_url_is_single_use_and_bounded(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    token = (await factory.workspace()).owner.token
    got = await api("files.getUploadURLExternal", token, filename="a.bin", length=10)
    path = path_of(got["upload_url"])
    too_big = await client.post(path, content=b"x" * 11)
    assert too_big.status_code == 413
    assert (await client.post(path, content=b"x" * 10)).status_code == 200  # still usable
    assert (await client.post(path, content=b"x" * 10)).status_code == 404  # used
    assert (await client.post("/files-upload/not-a-token", content=b"x")).status_code == 404


async def test_multipart_upload(api: Api, client: httpx.AsyncClient, factory: Factory) -> None:
    token = (await factory.workspace()).owner.token
    got = await api("files.getUploadURLExternal", token, filename="m.png", length=5000)
    image = png_bytes(20, 20)
    sent = await client.post(path_of(got["upload_url"]), files={"file": ("m.png", image)})
    assert sent.status_code == 200 and sent.text == f"OK - {len(image)}"
    done = await api("files.completeUploadExternal", token, files=_files(got["file_id"]))
    assert done["files"][0]["mimetype"] == "image/png"


async def test_markup_is_never_served_inline(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    token = (await factory.workspace()).owner.token
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
    html = b"<!DOCTYPE html><script>alert(1)</script>"
    for content, name, mimetype in (
        (svg, "cat.png", "image/svg+xml"),
        (html, "a.txt", "text/html"),
    ):
        file = await upload_bytes(api, client, token, content, filename=name)
        assert file["mimetype"] == mimetype  # sniffed, whatever the name claims
        served = await client.get(
            path_of(file["url_private"]), headers={"Authorization": f"Bearer {token}"}
        )
        assert served.headers["content-type"] == "application/octet-stream"
        assert served.headers["content-disposition"].startswith("attachment;")
        assert served.headers["x-content-type-options"] == "nosniff"


async def test_filenames_are_sanitised(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    token = (await factory.workspace()).owner.token
    file = await upload_bytes(api, client, token, b"x", filename='../../etc/pa"ss\r\nwd.txt')
    assert file["name"] == "pa_ss_wd.txt"
    assert "/" not in file["name"]


def test_sanitize_and_sniff_units() -> None:
    assert sanitize_filename("..\\..\\boot.ini") == "boot.ini"
    assert sanitize_filename("") == "file"
    assert sanitize_filename(".hidden") == "hidden"
    assert len(sanitize_filename("a" * 500 + ".pdf")) == 200
    assert sanitize_filename("a" * 500 + ".pdf").endswith(".pdf")
    assert sniff(b"\x89PNG\r\n\x1a\n....").mimetype == "image/png"
    assert sniff(b"\x00\x00\x00\x18ftypmp42").mimetype == "video/mp4"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ").mimetype == "image/webp"
    assert sniff("héllo".encode()).mimetype == "text/plain"
    assert sniff(b"\x00\x01\x02").mimetype == "application/octet-stream"


async def test_files_list_filters_and_pages(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    owner, member = team.owner, await factory.user(team)
    channel = await make_channel(services.db, team, [owner, member], name="shared")
    texts = [
        await upload_bytes(api, client, owner.token, f"t{i}".encode(), channel_id=channel)
        for i in range(3)
    ]
    image = await upload_bytes(api, client, owner.token, png_bytes(), filename="p.png")

    everything = await api("files.list", owner.token)
    assert {f["id"] for f in everything["files"]} == {f["id"] for f in [*texts, image]}
    assert everything["paging"]["total"] == 4

    images = await api("files.list", owner.token, types="images")
    assert [f["id"] for f in images["files"]] == [image["id"]]
    in_channel = await api("files.list", member.token, channel=channel)
    assert {f["id"] for f in in_channel["files"]} == {f["id"] for f in texts}
    # The member sees only what is shared where they are: not the owner's unshared image.
    assert image["id"] not in {f["id"] for f in (await api("files.list", member.token))["files"]}

    first = await api("files.list", owner.token, limit=3)
    cursor = first["response_metadata"]["next_cursor"]
    second = await api("files.list", owner.token, limit=3, cursor=cursor)
    assert len(first["files"]) == 3 and len(second["files"]) == 1
    assert second["response_metadata"]["next_cursor"] == ""
    paged = await api("files.list", owner.token, count=2, page=2)
    assert len(paged["files"]) == 2 and paged["paging"]["pages"] == 2
    assert (await api("files.list", owner.token, types="bogus"))["error"] == "invalid_types"
    assert (await api("files.list", owner.token, cursor="zzz"))["error"] == "invalid_cursor"


async def test_only_uploader_or_admin_deletes(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    channel = await make_channel(services.db, team, [team.owner, member], name="del")
    file = await upload_bytes(api, client, team.owner.token, b"x", channel_id=channel)
    assert (await api("files.delete", member.token, file=file["id"]))["error"] == (
        "cant_delete_file"
    )
    mine = await upload_bytes(api, client, member.token, b"y", channel_id=channel)
    assert (await api("files.delete", team.owner.token, file=mine["id"]))["ok"]  # admin


async def test_bot_token_needs_files_read_to_download(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team, scopes=("chat:write",))
    channel = await make_channel(services.db, team, [team.owner, bot], name="bots")
    file = await upload_bytes(api, client, team.owner.token, b"x", channel_id=channel)
    denied = await client.get(
        path_of(file["url_private"]), headers={"Authorization": f"Bearer {bot.token}"}
    )
    assert denied.status_code == 403


class TestQuota:
    @pytest.fixture
    def settings(self, database_url: str, tmp_path: Path) -> Settings:
        return Settings(
            data_dir=tmp_path,
            database_url=database_url,
            public_url="http://parley.test",
            workspace_quota_bytes=100,
            file_max_bytes=80,
        )

    async def test_quota_and_size_limit(
        self, api: Api, client: httpx.AsyncClient, factory: Factory
    ) -> None:
        token = (await factory.workspace()).owner.token
        too_big = await api("files.getUploadURLExternal", token, filename="a", length=81)
        assert too_big["error"] == "file_too_large" and too_big["limit_bytes"] == 80
        await upload_bytes(api, client, token, b"x" * 60)
        # 60 used; another 50 would pass 100. Reservations count too, not just stored bytes.
        over = await api("files.getUploadURLExternal", token, filename="b", length=50)
        assert over["error"] == "storage_limit_reached"
        assert (over["quota_bytes"], over["used_bytes"]) == (100, 60)
        assert (await api("files.getUploadURLExternal", token, filename="c", length=40))["ok"]
        full = await api("files.getUploadURLExternal", token, filename="d", length=1)
        assert full["error"] == "storage_limit_reached"
        # Another workspace has its own quota.
        other = (await factory.workspace()).owner.token
        assert (await api("files.getUploadURLExternal", other, filename="e", length=80))["ok"]
