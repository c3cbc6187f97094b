"""Moving bytes: an upload URL's body into storage, and stored objects out to the client.

Nothing here holds a whole file: the request body is read chunk by chunk (multipart bodies
are spooled to a temporary file by Starlette's parser, never into memory) and written
through `BlobWriter`; downloads stream from storage in `READ_CHUNK` pieces.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.requests import Request

from parley.features.files import actions
from parley.features.files.content import SNIFF_BYTES, Sniffed, sniff
from parley.features.files.storage import BlobStorage, BlobWriter
from parley.platform.services import Services

log = logging.getLogger("parley.features.files")
SPOOL_READ = 1024 * 1024


class UploadTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


class ClientGone(Exception):
    """The client disconnected before the body was complete."""


async def _raw_body(request: Request) -> AsyncIterator[bytes]:
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            return


async def _multipart_file(request: Request) -> AsyncIterator[bytes]:
    """The first file part of a multipart body (Slack's upload URL also accepts these)."""
    async with request.form(max_files=1, max_fields=20) as form:
        part = next((v for v in form.values() if isinstance(v, UploadFile)), None)
        if part is None:
            raise ValueError("multipart body without a file part")
        while chunk := await part.read(SPOOL_READ):
            yield chunk


def body_chunks(request: Request) -> AsyncIterator[bytes]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        return _multipart_file(request)
    return _raw_body(request)


@dataclass
class Received:
    size: int
    sniffed: Sniffed


async def copy_into(
    writer: BlobWriter, chunks: AsyncIterator[bytes], *, limit: int, filename: str
) -> Received:
    """Write `chunks` through `writer`, sniffing the type from the first bytes; refuse more
    than `limit` bytes as soon as they arrive."""
    head = bytearray()
    sniffed: Sniffed | None = None
    async for chunk in chunks:
        if writer.size + len(chunk) > limit:
            raise UploadTooLarge(limit)
        if sniffed is None:
            head += chunk[: SNIFF_BYTES - len(head)]
            if len(head) >= SNIFF_BYTES:
                sniffed = sniff(bytes(head), filename)
        await writer.write(chunk)
    return Received(writer.size, sniffed or sniff(bytes(head), filename))


async def receive_upload(
    services: Services, storage: BlobStorage, token: str, request: Request
) -> int:
    """Store the body posted to an upload URL; returns the byte count.

    Raises `actions.UploadRefused` (unknown, used or expired URL), `UploadTooLarge`,
    `ClientGone` or `ValueError` (malformed multipart); the URL stays usable after a failure.
    """
    async with services.db.write() as uow:
        file = await actions.claim_upload(uow, token)
        target = Target(file.workspace_id, file.id, file.storage_key, file.name, file.size)
    return (await store_upload(services, storage, target, body_chunks(request))).size


@dataclass(frozen=True)
class Target:
    """Where a reserved file's bytes go, and how many it may have."""

    workspace_id: str
    file_id: str
    storage_key: str
    name: str
    length: int


async def store_upload(
    services: Services, storage: BlobStorage, target: Target, chunks: AsyncIterator[bytes]
) -> Received:
    """Write a reserved file's bytes and record them (the upload URL's path and files.upload
    alike); after a failure the reservation may be used again."""
    limit = min(target.length, services.settings.file_max_bytes)
    writer = storage.open_writer(target.storage_key)
    try:
        received = await copy_into(writer, chunks, limit=limit, filename=target.name)
        await writer.commit()
    except Exception:
        await writer.abort()
        async with services.db.write() as uow:
            await actions.do_release_upload(uow, target.workspace_id, target.file_id)
        raise
    async with services.db.write() as uow:
        await actions.do_record_upload(
            uow, target.workspace_id, target.file_id, size=received.size, sniffed=received.sniffed
        )
    return received
