"""Preview making: image thumbnails (Pillow), video poster and duration (PyAV), PDF first
page (pypdfium2, PDFium bundled in the wheel: no system service).

Pure functions over a local file path, run on a worker thread; `parley.features.files.worker`
fetches the original from storage and stores what these return.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from parley.features.files.content import Sniffed
from parley.features.files.schemas import THUMB_SIZES

POSTER_SIZE = 720
PDF_SIZE = 720
# Refuse images whose pixel count would make decoding itself a denial of service.
MAX_PIXELS = 64_000_000
WEBP_QUALITY = 80


@dataclass
class Rendered:
    """Encoded preview images by variant (`"360"`, `"video"`, `"pdf"`) plus facts."""

    images: dict[str, tuple[bytes, int, int]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


class PreviewError(Exception):
    """The file could not be previewed (corrupt, too large, unsupported)."""


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    if image.mode not in {"RGB", "RGBA"}:
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    image.save(out, format="WEBP", quality=WEBP_QUALITY)
    return out.getvalue()


def _fit(image: Image.Image, size: int) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((size, size))
    return copy


def image_previews(path: Path) -> Rendered:
    """Thumbnails at Slack's sizes (never larger than the original), upright per EXIF;
    an animated GIF is previewed by its first frame."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise PreviewError("image too large to preview")
                opened.seek(0)
                image = ImageOps.exif_transpose(opened)
                image.load()
        except (
            OSError,
            ValueError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ) as error:
            raise PreviewError(str(error)) from None
    rendered = Rendered(facts={"original_w": image.width, "original_h": image.height})
    longest = max(image.width, image.height)
    for size in THUMB_SIZES:
        if size > longest and size != THUMB_SIZES[0]:
            break
        thumb = _fit(image, size)
        rendered.images[str(size)] = (_encode(thumb), thumb.width, thumb.height)
    return rendered


def video_previews(path: Path) -> Rendered:
    """A poster from the first decodable frame and the duration in milliseconds."""
    import av
    import av.error

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise PreviewError("no video stream")
            stream = container.streams.video[0]
            duration = container.duration
            frame = next(container.decode(stream), None)
            if frame is None:
                raise PreviewError("no decodable frame")
            image = frame.to_image()  # type: ignore[no-untyped-call]
    except (av.error.FFmpegError, OSError, StopIteration) as error:
        raise PreviewError(str(error)) from None
    rendered = Rendered(facts={"original_w": image.width, "original_h": image.height})
    if duration is not None:
        rendered.facts["duration_ms"] = int(duration * 1000 / av.time_base)
    poster = _fit(image, POSTER_SIZE)
    rendered.images["video"] = (_encode(poster), poster.width, poster.height)
    return rendered


def pdf_previews(path: Path) -> Rendered:
    """The first page, rendered to an image (the PDF's script and links are never run)."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as error:
        raise PreviewError(str(error)) from None
    try:
        if len(document) == 0:
            raise PreviewError("empty PDF")
        page = document[0]
        width, height = page.get_size()
        scale = min(4.0, PDF_SIZE / max(width, height, 1.0))
        image = page.render(scale=scale).to_pil()
        page.close()
    finally:
        document.close()
    rendered = Rendered(facts={"original_w": int(width), "original_h": int(height)})
    rendered.images["pdf"] = (_encode(image), image.width, image.height)
    return rendered


def render_previews(path: Path, sniffed: Sniffed) -> Rendered:
    """Dispatch on the sniffed type; `PreviewError` when nothing can be made."""
    if sniffed.is_image:
        return image_previews(path)
    if sniffed.is_video:
        return video_previews(path)
    if sniffed.is_pdf:
        return pdf_previews(path)
    raise PreviewError(f"no preview for {sniffed.mimetype}")
