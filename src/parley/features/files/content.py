"""What a file is: sanitised names, content types sniffed from the bytes, Slack filetypes.

The client's claimed type is never trusted: the type comes from the first bytes, and only a
short list of types that cannot run script is ever served inline.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

SNIFF_BYTES = 4096
MAX_NAME = 200

# (magic prefix, offset, mimetype, filetype) — checked in order.
_MAGIC: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", "png"),
    (b"\xff\xd8\xff", 0, "image/jpeg", "jpg"),
    (b"GIF87a", 0, "image/gif", "gif"),
    (b"GIF89a", 0, "image/gif", "gif"),
    (b"%PDF-", 0, "application/pdf", "pdf"),
    (b"\x1aE\xdf\xa3", 0, "video/webm", "webm"),
    (b"OggS", 0, "audio/ogg", "ogg"),
    (b"ID3", 0, "audio/mpeg", "mp3"),
    (b"PK\x03\x04", 0, "application/zip", "zip"),
    (b"\x1f\x8b", 0, "application/gzip", "gzip"),
    (b"BM", 0, "image/bmp", "bmp"),
)
# Types that are safe to render in a browser tab of Parley's origin (no script can run).
INLINE_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "video/mp4",
        "video/webm",
        "video/quicktime",
        "audio/ogg",
        "audio/mpeg",
        "audio/wav",
        "text/plain",
    }
)
_PRETTY = {
    "png": "PNG",
    "jpg": "JPEG",
    "gif": "GIF",
    "webp": "WebP",
    "pdf": "PDF",
    "mp4": "MPEG 4 Video",
    "mov": "QuickTime Movie",
    "webm": "WebM",
    "zip": "Zip",
    "text": "Plain Text",
    "html": "HTML",
    "svg": "SVG",
    "binary": "Binary",
}
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


@dataclass(frozen=True)
class Sniffed:
    mimetype: str
    filetype: str

    @property
    def pretty_type(self) -> str:
        return _PRETTY.get(self.filetype, self.filetype.upper())

    @property
    def is_image(self) -> bool:
        return self.filetype in {"png", "jpg", "gif", "webp", "bmp"}

    @property
    def is_video(self) -> bool:
        return self.mimetype.startswith("video/")

    @property
    def is_pdf(self) -> bool:
        return self.filetype == "pdf"


def sanitize_filename(name: str | None) -> str:
    """A file name safe in a path segment and a Content-Disposition header.

    Keeps the last path component, drops control and path characters, leading dots and
    trailing spaces, and caps the length while keeping the extension."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _UNSAFE_NAME.sub("_", text).strip().lstrip(".").strip()
    if not text:
        return "file"
    if len(text) > MAX_NAME:
        suffix = PurePosixPath(text).suffix[:16]
        text = text[: MAX_NAME - len(suffix)] + suffix
    return text


def _iso_media(head: bytes) -> Sniffed | None:
    """MP4/QuickTime/HEIC family: `ftyp` box at offset 4."""
    if head[4:8] != b"ftyp":
        return None
    brand = head[8:12]
    if brand == b"qt  ":
        return Sniffed("video/quicktime", "mov")
    if brand in {b"heic", b"heix", b"mif1", b"msf1"}:
        return Sniffed("image/heic", "heic")
    return Sniffed("video/mp4", "mp4")


def _riff(head: bytes) -> Sniffed | None:
    if head[:4] != b"RIFF":
        return None
    kind = head[8:12]
    if kind == b"WEBP":
        return Sniffed("image/webp", "webp")
    if kind == b"WAVE":
        return Sniffed("audio/wav", "wav")
    if kind == b"AVI ":
        return Sniffed("video/x-msvideo", "avi")
    return None


def _markup(head: bytes) -> Sniffed | None:
    """HTML, SVG and XML: recognised so that they are never served inline."""
    start = head.lstrip()[:512].lower()
    if b"<svg" in start or (start.startswith(b"<?xml") and b"<svg" in head.lower()):
        return Sniffed("image/svg+xml", "svg")
    for marker in (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe"):
        if marker in start:
            return Sniffed("text/html", "html")
    if start.startswith(b"<?xml"):
        return Sniffed("application/xml", "xml")
    return None


def _is_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return not head
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the sniff window is still text.
        return error.start >= len(head) - 3
    return True


def sniff(head: bytes, filename: str = "") -> Sniffed:
    """The content type of a file from its first bytes (`SNIFF_BYTES` is enough)."""
    for magic, offset, mimetype, filetype in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return Sniffed(mimetype, filetype)
    for detector in (_iso_media, _riff, _markup):
        found = detector(head)
        if found is not None:
            return found
    if _is_text(head):
        return Sniffed("text/plain", "text")
    return Sniffed("application/octet-stream", "binary")


def guess_filetype_from_name(filename: str) -> str:
    """A provisional filetype before any byte has arrived (from the extension only)."""
    suffix = PurePosixPath(filename).suffix.lower().lstrip(".")
    return {"jpeg": "jpg", "txt": "text", "htm": "html"}.get(suffix, suffix or "binary")[:32]


def is_inline_safe(mimetype: str) -> bool:
    return mimetype in INLINE_TYPES
