"""users.setPhoto / users.deletePhoto: square sizes stored and served, `user_change`."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image

from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.conversations.helpers import events_of


@pytest.fixture
def backend() -> str:
    return ""


def _image(width: int, height: int, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


async def _set_photo(
    client: httpx.AsyncClient, token: str, data: bytes, **crop: int
) -> dict[str, Any]:
    response = await client.post(
        "/api/users.setPhoto",
        data={k: str(v) for k, v in crop.items()},
        files={"image": ("me.png", data, "image/png")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body.get("error") != "internal_error", body
    return body


async def _fetch_image(client: httpx.AsyncClient, url: str) -> Image.Image:
    response = await client.get(urlsplit(url).path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    return Image.open(io.BytesIO(response.content))


async def test_set_photo_crops_to_squares_and_announces(
    client: httpx.AsyncClient, api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    other = await factory.user(team)
    # Left half red, right half blue: a crop of the right half must come out blue.
    source = Image.new("RGB", (600, 300), (255, 0, 0))
    source.paste((0, 0, 255), (300, 0, 600, 300))
    out = io.BytesIO()
    source.save(out, format="PNG")
    body = await _set_photo(client, member.token, out.getvalue(), crop_x=300, crop_y=0, crop_w=300)
    assert body["ok"], body
    for size in (24, 32, 48, 72, 192, 512):
        image = await _fetch_image(client, body["profile"][f"image_{size}"])
        assert image.size == (size, size)
        assert image.convert("RGB").getpixel((size // 2, size // 2)) == (0, 0, 255)
    original = await _fetch_image(client, body["profile"]["image_original"])
    assert original.size == (300, 300)

    # Everyone sees the new URLs: users.info, and a user_change event to the workspace.
    info = await api("users.info", other.token, user=member.user_id)
    assert info["user"]["profile"]["image_48"] == body["profile"]["image_48"]
    change = (await events_of(services.db, team, "user_change"))[-1]
    assert change.payload["user"]["profile"]["image_72"] == body["profile"]["image_72"]
    assert change.audience == {"kind": "workspace"}


async def test_new_photo_replaces_old_and_delete_removes_it(
    client: httpx.AsyncClient, api: Api, factory: Factory
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    first = await _set_photo(client, member.token, _image(64, 64))
    second = await _set_photo(client, member.token, _image(100, 40, (0, 200, 0)))
    assert second["ok"]
    gone = await client.get(urlsplit(first["profile"]["image_48"]).path)
    assert gone.status_code == 404
    # No crop box: the whole image is letterboxed (transparent bands above and below).
    letterboxed = await _fetch_image(client, second["profile"]["image_original"])
    assert letterboxed.size == (100, 100)
    assert letterboxed.getpixel((50, 2))[3] == 0
    assert letterboxed.getpixel((50, 50)) == (0, 200, 0, 255)

    assert await api("users.deletePhoto", member.token) == {"ok": True}
    profile = (await api("users.profile.get", member.token))["profile"]
    assert profile["image_48"] == "" and profile["image_original"] == ""
    removed = await client.get(urlsplit(second["profile"]["image_512"]).path)
    assert removed.status_code == 404


async def test_set_photo_errors(client: httpx.AsyncClient, api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    assert (await _set_photo(client, member.token, b"not an image"))["error"] == "bad_image"
    assert (await api("users.setPhoto", member.token))["error"] == "bad_image"
    too_far = await _set_photo(client, member.token, _image(50, 50), crop_x=10, crop_y=0, crop_w=50)
    assert too_far["error"] == "invalid_crop"
    partial = await _set_photo(client, member.token, _image(50, 50), crop_x=0, crop_w=10)
    assert partial["error"] == "invalid_crop"
    assert (await _set_photo(client, member.token, _image(10_001, 1)))["error"] == "too_large"
    info = await api("users.info", member.token, user=member.user_id)
    assert info["user"]["profile"]["image_48"] == ""  # nothing half-set


async def test_unknown_photo_paths_are_not_found(client: httpx.AsyncClient) -> None:
    assert (await client.get("/avatars/abcdefghijklmnopqrstuvwxyz/48")).status_code == 404
    assert (await client.get("/avatars/abcdefghijklmnopqrstuvwxyz/49")).status_code == 404
    assert (await client.get("/avatars/..%2F..%2Fetc/48")).status_code == 404
