"""admin.emoji.upload: an image as a custom emoji, shrunk to 128×128, served, announced."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image

from tests.conftest import Api
from tests.factories import Factory
from tests.features.reactions.helpers import events_of


@pytest.fixture
def backend() -> str:
    return ""


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 200, 30)).save(out, format="PNG")
    return out.getvalue()


async def _upload(
    client: httpx.AsyncClient, token: str, name: str, data: bytes | None
) -> dict[str, Any]:
    files = {"image": ("e.png", data, "image/png")} if data is not None else None
    response = await client.post(
        "/api/admin.emoji.upload",
        data={"name": name},
        files=files,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body.get("error") != "internal_error", body
    return body


async def test_upload_shrinks_serves_lists_and_announces(
    client: httpx.AsyncClient, api: Api, factory: Factory
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    body = await _upload(client, team.owner.token, ":party-blob:", _png(400, 200))
    assert body["ok"] and body["emoji"]["name"] == "party-blob"
    url = body["emoji"]["url"]
    assert (await api("emoji.list", member.token))["emoji"] == {"party-blob": url}

    served = await client.get(urlsplit(url).path)
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(served.content)).size == (128, 64)

    (event,) = await events_of(factory.db, team, "emoji_changed")
    assert event["subtype"] == "add" and event["name"] == "party-blob"
    assert event["value"] == url and event["_audience"] == {"kind": "workspace"}
    # A small image is not enlarged.
    small = await _upload(client, team.owner.token, "tiny", _png(20, 30))
    tiny = await client.get(urlsplit(small["emoji"]["url"]).path)
    assert Image.open(io.BytesIO(tiny.content)).size == (20, 30)


async def test_upload_errors(client: httpx.AsyncClient, api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    owner = team.owner.token
    member = await factory.user(team)
    assert (await _upload(client, owner, "blob", _png(10, 10)))["ok"]
    cases: dict[str, tuple[str, bytes | None]] = {
        "error_name_taken": ("blob", _png(10, 10)),
        "error_name_taken_i18n": ("tada", _png(10, 10)),
        "error_missing_name": ("", _png(10, 10)),
        "error_lower_case_names_only": ("Blob", _png(10, 10)),
        "error_bad_name_i18n": ("no spaces", _png(10, 10)),
        "error_bad_name_length": ("a" * 101, _png(10, 10)),
        "bad_image": ("fine", b"not an image"),
    }
    for error, (name, data) in cases.items():
        assert (await _upload(client, owner, name, data))["error"] == error, name
    assert (await _upload(client, owner, "noimage", None))["error"] == "bad_image"
    assert (await _upload(client, member.token, "mine", _png(10, 10)))["error"] == "not_an_admin"
    assert list((await api("emoji.list", owner))["emoji"]) == ["blob"]


async def test_uploads_are_per_workspace(
    client: httpx.AsyncClient, api: Api, factory: Factory
) -> None:
    team = await factory.workspace()
    other = await factory.workspace()
    assert (await _upload(client, team.owner.token, "blob", _png(10, 10)))["ok"]
    assert (await api("emoji.list", other.owner.token))["emoji"] == {}
    # The same name is free in another workspace, and its event stays there.
    assert (await _upload(client, other.owner.token, "blob", _png(10, 10)))["ok"]
    assert len(await events_of(factory.db, team, "emoji_changed")) == 1
    assert len(await events_of(factory.db, other, "emoji_changed")) == 1
