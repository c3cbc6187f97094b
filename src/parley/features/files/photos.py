"""Profile photos (users.setPhoto): a square crop of the uploaded image, stored through the
file storage at Slack's sizes, and served at `/avatars/<token>/<size>`.

The token is random and changes with every upload, so a photo's URL is unguessable (as a
Slack avatar's CDN URL is, it is served without a session: apps and e-mails show it) and
never needs revalidating.
"""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from parley.features.files.previews import MAX_PIXELS
from parley.features.files.storage import BlobNotFound, BlobStorage, storage_for
from parley.features.users.interface import PHOTO_SIZES
from parley.platform.errors import ApiError
from parley.platform.services import Services

ORIGINAL_MAX = 1024  # image_original is at most this square
MAX_SIDE = 10_000  # "too_large": Slack's error for excessive dimensions
MAX_FRAMES = 100  # "too_many_frames": an animation is reduced to its first frame anyway
SIZES = (*(str(size) for size in PHOTO_SIZES), "original")
PHOTO_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    "cache-control": "public, max-age=31536000, immutable",
}


@dataclass(frozen=True)
class Crop:
    """Slack's square crop box, in the source image's pixels."""

    x: int
    y: int
    w: int


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            opened = Image.open(io.BytesIO(data))
            if opened.width > MAX_SIDE or opened.height > MAX_SIDE:
                raise ApiError("too_large")
            if opened.width * opened.height > MAX_PIXELS:
                raise ApiError("too_large")
            if getattr(opened, "n_frames", 1) > MAX_FRAMES:
                raise ApiError("too_many_frames")
            opened.seek(0)
            image = ImageOps.exif_transpose(opened)
            image.load()
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise ApiError("bad_image") from None
        except Image.DecompressionBombWarning:
            raise ApiError("too_large") from None
    return image.convert("RGBA")


def _square(image: Image.Image, crop: Crop | None) -> Image.Image:
    """The crop box, or the whole image letterboxed onto a transparent square (Slack's
    rule when no box is given)."""
    if crop is not None:
        if crop.w <= 0 or crop.x < 0 or crop.y < 0:
            raise ApiError("invalid_crop")
        if crop.x + crop.w > image.width or crop.y + crop.w > image.height:
            raise ApiError("invalid_crop")
        return image.crop((crop.x, crop.y, crop.x + crop.w, crop.y + crop.w))
    side = max(image.width, image.height)
    canvas = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    canvas.paste(image, ((side - image.width) // 2, (side - image.height) // 2))
    return canvas


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_photo(data: bytes, crop: Crop | None) -> dict[str, bytes]:
    """PNG bytes by size name ("24" … "512", "original"); `ApiError` (bad_image, too_large,
    too_many_frames, invalid_crop) when the image cannot be a photo. CPU-bound: run it in
    a thread."""
    square = _square(_open(data), crop)
    original = square.resize((min(square.width, ORIGINAL_MAX),) * 2, Image.Resampling.LANCZOS)
    sizes = {"original": _png(original)}
    for size in PHOTO_SIZES:
        sizes[str(size)] = _png(original.resize((size, size), Image.Resampling.LANCZOS))
    return sizes


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _key(token: str, size: str) -> str:
    return f"avatars/{token}/{size}.png"


async def store_photo(storage: BlobStorage, token: str, sizes: dict[str, bytes]) -> None:
    for size, data in sizes.items():
        await storage.put_bytes(_key(token, size), data)


async def delete_photo(storage: BlobStorage, token: str) -> None:
    await storage.delete(*(_key(token, size) for size in SIZES))


async def serve_photo(request: Request) -> Response:
    token = request.path_params["token"]
    size = request.path_params["size"]
    if size not in SIZES or not token.replace("-", "").replace("_", "").isalnum():
        return Response(status_code=404)
    services: Services = request.app.state.services
    try:
        data = await storage_for(services.settings).read(_key(token, size))
    except BlobNotFound:
        return Response(status_code=404)
    return Response(data, media_type="image/png", headers=PHOTO_HEADERS)


def photo_routes() -> list[BaseRoute]:
    return [Route("/avatars/{token:str}/{size:str}", serve_photo, methods=["GET"])]
