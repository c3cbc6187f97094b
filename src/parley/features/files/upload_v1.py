"""files.upload (v1), retired by Slack in 2025 and kept here for older apps: one call that
runs the v2 path (files.getUploadURLExternal, the upload URL, files.completeUploadExternal)
through the same actions and the same storage.

The bytes arrive inside the Web API request, so a v1 upload is bounded by the API's body
limit (`max_body_bytes`); larger files take the v2 path, which streams.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from parley.features.files import actions
from parley.features.files.models import File
from parley.features.files.storage import storage_for
from parley.features.files.transfer import Target, UploadTooLarge, store_upload
from parley.platform.auth.principal import Principal
from parley.platform.errors import ApiError
from parley.platform.services import Services


@dataclass(frozen=True)
class V1Upload:
    data: bytes
    filename: str
    title: str | None
    filetype: str | None
    share: actions.CompleteRequest


async def _one_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def upload_v1(services: Services, principal: Principal, upload: V1Upload) -> File:
    """Store and complete one file, shared as asked; nothing is left behind on a refusal."""
    settings = services.settings
    if not upload.data:
        raise ApiError("no_file_data")
    length = actions.check_length(settings, len(upload.data))
    filetype = actions.check_v1_filetype(upload.filetype)
    async with services.db.write() as uow:
        await actions.check_v1_targets(uow, principal, upload.share)
        reserved = await actions.do_reserve_upload(
            uow,
            settings,
            principal,
            filename=upload.filename,
            length=length,
            alt_txt=None,
            snippet_type=None,
        )
        file = reserved.file
        target = Target(file.workspace_id, file.id, file.storage_key, file.name, length)
    storage = storage_for(settings)
    try:
        await store_upload(services, storage, target, _one_chunk(upload.data))
    except UploadTooLarge:
        await _forget(services, target)
        raise ApiError("file_too_large", limit_bytes=settings.file_max_bytes) from None
    request = actions.CompleteRequest(
        files=[{"id": target.file_id, "title": upload.title or upload.filename}],
        channels=upload.share.channels,
        initial_comment=upload.share.initial_comment,
        thread_ts=upload.share.thread_ts,
    )
    try:
        async with services.db.write() as uow:
            if filetype:
                await actions.do_label_filetype(uow, target.workspace_id, target.file_id, filetype)
            [done] = await actions.check_complete_upload(uow, principal, settings.base_url, request)
    except ApiError as error:  # a conversation changed since the check: undo the upload
        await _forget(services, target)
        raise ApiError("invalid_channel") if error.code == "channel_not_found" else error from None
    return done


async def _forget(services: Services, target: Target) -> None:
    """Drop a v1 upload that will not complete: its row and its stored bytes."""
    async with services.db.write() as uow:
        keys = await actions.do_discard_upload(uow, target.workspace_id, target.file_id)
    await storage_for(services.settings).delete(*keys)
