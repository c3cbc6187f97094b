"""Upload helpers and small media files made on the spot (no binary fixtures)."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
from PIL import Image

from tests.conftest import Api


async def upload_bytes(
    api: Api,
    client: httpx.AsyncClient,
    token: str,
    content: bytes,
    *,
    filename: str = "notes.txt",
    complete: bool = True,
    **share: Any,
) -> dict[str, Any]:
    """The whole files_upload_v2 flow; returns the completed file object (or the URL answer
    when `complete` is false)."""
    got = await api("files.getUploadURLExternal", token, filename=filename, length=len(content))
    assert got["ok"], got
    # slack_sdk's sync client labels the raw bytes as a form; the URL must not care.
    response = await client.post(
        urlsplit(got["upload_url"]).path,
        content=content,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text
    assert response.text == f"OK - {len(content)}"
    if not complete:
        return got
    done = await api(
        "files.completeUploadExternal",
        token,
        files=orjson.dumps([{"id": got["file_id"], "title": filename}]).decode(),
        **share,
    )
    assert done["ok"], done
    file: dict[str, Any] = done["files"][0]
    return file


def path_of(url: str) -> str:
    return urlsplit(url).path


def png_bytes(width: int = 400, height: int = 300, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def jpeg_rotated(width: int = 400, height: int = 200) -> bytes:
    """A landscape JPEG whose EXIF says "rotate 90°" (orientation 6): shown as portrait."""
    image = Image.new("RGB", (width, height), "blue")
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (120, 80), c) for c in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    return out.getvalue()


def pdf_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(out, format="PDF")
    return out.getvalue()


def mp4_bytes(seconds: int = 2) -> bytes:
    import av

    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height = 64, 48
        stream.pix_fmt = "yuv420p"
        for index in range(seconds * 10):
            image = Image.new("RGB", (64, 48), (index * 10 % 255, 0, 0))
            for packet in stream.encode(av.VideoFrame.from_image(image)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()
