"""The preview worker: makes thumbnails, posters and PDF pages after uploads, off the
request path (an upload answers as soon as its bytes are stored)."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path
from typing import Any

from parley.features.files import actions, store
from parley.features.files.content import Sniffed
from parley.features.files.models import File
from parley.features.files.previews import PreviewError, Rendered, render_previews
from parley.features.files.storage import BlobNotFound, BlobStorage, storage_for
from parley.platform.services import Services

log = logging.getLogger("parley.features.files.previews")

POLL_SECONDS = 1.0
BATCH = 10
# Originals larger than this are not previewed (the copy to a temporary file costs disk and
# time; Slack also skips previews of very large files).
PREVIEW_MAX_BYTES = 512 * 1024 * 1024


async def _download(storage: BlobStorage, key: str, target: Path) -> None:
    with target.open("wb") as out:
        async for chunk in storage.stream(key):
            await asyncio.to_thread(out.write, chunk)


async def _store_rendered(storage: BlobStorage, file: File, rendered: Rendered) -> dict[str, Any]:
    preview: dict[str, Any] = dict(rendered.facts)
    thumbs: dict[str, Any] = {}
    for variant, (data, width, height) in rendered.images.items():
        key = f"{file.workspace_id}/{file.id}/preview-{variant}.webp"
        await storage.put_bytes(key, data)
        info = {"key": key, "w": width, "h": height, "mimetype": "image/webp"}
        if variant in {"video", "pdf"}:
            preview[variant] = info
        else:
            thumbs[variant] = info
    if thumbs:
        preview["thumbs"] = thumbs
    return preview


async def make_preview(storage: BlobStorage, file: File) -> tuple[str, dict[str, Any] | None]:
    """(`done`, preview) or (`failed`/`none`, None) for one file."""
    if file.size > PREVIEW_MAX_BYTES:
        return "none", None
    with tempfile.TemporaryDirectory(prefix="parley-preview-") as folder:
        original = Path(folder) / "original"
        try:
            await _download(storage, file.storage_key, original)
        except BlobNotFound:
            return "failed", None
        try:
            rendered = await asyncio.to_thread(
                render_previews, original, Sniffed(file.mimetype, file.filetype)
            )
        except PreviewError as error:
            log.info("no preview for %s: %s", file.id, error)
            return "failed", None
    return "done", await _store_rendered(storage, file, rendered)


async def process_pending(services: Services, limit: int = BATCH) -> int:
    """Preview up to `limit` waiting files; returns how many were handled."""
    async with services.db.read() as session:
        files = await store.files_awaiting_preview(session, limit)
    storage = storage_for(services.settings)
    for file in files:
        try:
            state, preview = await make_preview(storage, file)
        except Exception:  # one bad file must not stop the others
            log.exception("preview of %s failed", file.id)
            state, preview = "failed", None
        async with services.db.write() as uow:
            await actions.do_record_preview(
                uow, file.workspace_id, file.id, state=state, preview=preview
            )
    return len(files)


async def run_previews(services: Services) -> None:
    """Worker loop (listed in `parley.platform.workers.WORKERS`)."""
    storage_for(services.settings)  # a bad PARLEY_STORAGE_URL shows in the log at start
    while True:
        handled = await process_pending(services)
        if handled < BATCH:
            await asyncio.sleep(POLL_SECONDS)
