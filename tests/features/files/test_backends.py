"""The file lifecycle on every storage backend (local disk, S3 via moto, Azure via Azurite):
upload, share, download, previews, permissions, public links, delete."""

from __future__ import annotations

from typing import Any

import httpx

from parley.features.files.storage import storage_for
from parley.features.files.worker import process_pending
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.files.helpers import (
    animated_gif,
    jpeg_rotated,
    mp4_bytes,
    path_of,
    pdf_bytes,
    png_bytes,
    upload_bytes,
)
from tests.features.messages.helpers import make_channel


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_upload_share_and_download(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    owner = team.owner
    channel = await make_channel(services.db, team, [owner], name="general-files")
    content = b"hello, files\n" * 1000
    file = await upload_bytes(
        api, client, owner.token, content, channel_id=channel, initial_comment="see attached"
    )
    assert file["id"].startswith("F")
    assert file["mimetype"] == "text/plain" and file["size"] == len(content)
    assert file["channels"] == [channel]

    history = await api("conversations.history", owner.token, channel=channel)
    [message] = history["messages"]
    assert message["text"] == "see attached"
    assert message["files"][0]["id"] == file["id"]

    response = await client.get(path_of(file["url_private"]), headers=bearer(owner.token))
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["content-disposition"].startswith("inline;")
    assert "sandbox" in response.headers["content-security-policy"]

    download = await client.get(path_of(file["url_private_download"]), headers=bearer(owner.token))
    assert download.content == content
    assert download.headers["content-disposition"].startswith("attachment;")


async def test_private_file_is_hidden_from_non_members_and_other_workspaces(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    outsider = await factory.user(team)
    stranger = (await factory.workspace()).owner
    group = await make_channel(services.db, team, [team.owner, member], kind="group", name="sec")
    file = await upload_bytes(api, client, team.owner.token, b"secret plans", channel_id=group)

    seen = await api("files.info", member.token, file=file["id"])
    assert seen["ok"] and seen["file"]["groups"] == [group]
    got = await client.get(path_of(file["url_private"]), headers=bearer(member.token))
    assert got.status_code == 200 and got.content == b"secret plans"

    for token in (outsider.token, stranger.token):
        assert (await api("files.info", token, file=file["id"]))["error"] == "file_not_found"
        denied = await client.get(path_of(file["url_private"]), headers=bearer(token))
        assert denied.status_code == 404
        assert denied.json()["error"] == "file_not_found"
    anonymous = await client.get(path_of(file["url_private"]))
    assert anonymous.status_code == 401


async def test_public_link_works_until_revoked(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    file = await upload_bytes(api, client, team.owner.token, png_bytes(), filename="pic.png")
    shared = await api("files.sharedPublicURL", team.owner.token, file=file["id"])
    assert shared["ok"] and shared["file"]["public_url_shared"] is True
    public = path_of(shared["file"]["permalink_public"])
    opened = await client.get(public)
    assert opened.status_code == 200 and opened.headers["content-type"] == "image/png"

    revoked = await api("files.revokePublicURL", team.owner.token, file=file["id"])
    assert revoked["file"]["public_url_shared"] is False
    assert "permalink_public" not in revoked["file"]
    assert (await client.get(public)).status_code == 404


async def test_delete_removes_bytes_and_access(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    other = await factory.user(team)
    file = await upload_bytes(api, client, team.owner.token, png_bytes(), filename="x.png")
    await process_pending(services)
    info = (await api("files.info", team.owner.token, file=file["id"]))["file"]
    assert "thumb_360" in info

    denied = await api("files.delete", other.token, file=file["id"])
    assert denied["error"] == "file_not_found"  # not shared with them: cannot even see it
    assert (await api("files.delete", team.owner.token, file=file["id"]))["ok"]

    assert (await api("files.info", team.owner.token, file=file["id"]))["error"] == (
        "file_not_found"
    )
    gone = await client.get(path_of(file["url_private"]), headers=bearer(team.owner.token))
    assert gone.status_code == 404
    storage = storage_for(services.settings)
    key = f"{team.team_id}/{file['id']}/original"
    assert await storage.size(key) is None
    assert await storage.size(f"{team.team_id}/{file['id']}/preview-360.webp") is None


async def _preview(api: Api, token: str, file_id: str) -> dict[str, Any]:
    info: dict[str, Any] = (await api("files.info", token, file=file_id))["file"]
    return info


async def test_previews_are_made_after_upload(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    token = team.owner.token
    uploads = {
        "png": await upload_bytes(api, client, token, png_bytes(400, 300), filename="a.png"),
        "jpg": await upload_bytes(api, client, token, jpeg_rotated(), filename="b.jpg"),
        "gif": await upload_bytes(api, client, token, animated_gif(), filename="c.gif"),
        "pdf": await upload_bytes(api, client, token, pdf_bytes(), filename="d.pdf"),
        "mp4": await upload_bytes(api, client, token, mp4_bytes(), filename="e.mp4"),
    }
    # The upload answered before any preview existed: previews come from the worker.
    assert all(f["preview_state"] == "pending" for f in uploads.values())
    assert await process_pending(services) == 5

    png = await _preview(api, token, uploads["png"]["id"])
    assert png["preview_state"] == "done"
    assert (png["original_w"], png["original_h"]) == (400, 300)
    assert (png["thumb_360_w"], png["thumb_360_h"]) == (360, 270)
    assert "thumb_480" not in png  # never larger than the original
    thumb = await client.get(path_of(png["thumb_360"]), headers=bearer(token))
    assert thumb.status_code == 200 and thumb.content[8:12] == b"WEBP"

    jpg = await _preview(api, token, uploads["jpg"]["id"])
    assert (jpg["original_w"], jpg["original_h"]) == (200, 400)  # EXIF orientation applied

    gif = await _preview(api, token, uploads["gif"]["id"])
    assert gif["preview_state"] == "done" and gif["thumb_80_w"] == 80

    pdf = await _preview(api, token, uploads["pdf"]["id"])
    assert pdf["mimetype"] == "application/pdf" and pdf["thumb_pdf_w"] > 0

    mp4 = await _preview(api, token, uploads["mp4"]["id"])
    assert mp4["mimetype"] == "video/mp4"
    assert 1900 <= mp4["duration_ms"] <= 2100
    poster = await client.get(path_of(mp4["thumb_video"]), headers=bearer(token))
    assert poster.status_code == 200 and poster.content[:4] == b"RIFF"
