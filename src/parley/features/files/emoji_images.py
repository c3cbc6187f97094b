"""Custom emoji images (admin.emoji.upload): the uploaded image checked like a profile photo,
shrunk to fit 128×128, stored through the file storage and served at
`/emoji-images/<token>.png`.

As with profile photos the token is random (the URL is unguessable and served without a
session: apps show custom emoji too) and never reused, so the image is cached for good.
"""

from __future__ import annotations

import io
import secrets

from PIL import Image
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from parley.features.files.photos import PHOTO_HEADERS, _open
from parley.features.files.storage import BlobNotFound, BlobStorage, storage_for
from parley.platform.services import Services

EMOJI_SIDE = 128  # Slack shows custom emoji at most this big


def render_emoji(data: bytes) -> bytes:
    """PNG bytes of the image shrunk (never enlarged) to fit EMOJI_SIDE², aspect kept; an
    animation keeps its first frame. `ApiError` (bad_image, too_large, too_many_frames) when it
    is not an image. CPU-bound: run it in a thread."""
    image = _open(data)
    image.thumbnail((EMOJI_SIDE, EMOJI_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def new_emoji_token() -> str:
    return secrets.token_urlsafe(24)


def _key(token: str) -> str:
    return f"emoji/{token}.png"


def emoji_image_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/emoji-images/{token}.png"


async def store_emoji_image(storage: BlobStorage, token: str, png: bytes) -> None:
    await storage.put_bytes(_key(token), png)


async def delete_emoji_image(storage: BlobStorage, token: str) -> None:
    await storage.delete(_key(token))


async def serve_emoji_image(request: Request) -> Response:
    token = request.path_params["token"]
    if not token.replace("-", "").replace("_", "").isalnum():
        return Response(status_code=404)
    services: Services = request.app.state.services
    try:
        data = await storage_for(services.settings).read(_key(token))
    except BlobNotFound:
        return Response(status_code=404)
    return Response(data, media_type="image/png", headers=PHOTO_HEADERS)


def emoji_image_routes() -> list[BaseRoute]:
    return [Route("/emoji-images/{token:str}.png", serve_emoji_image, methods=["GET"])]
