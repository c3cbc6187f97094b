"""files.* methods: Slack's external upload flow, info, list, delete and public links."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.files import actions, store
from parley.features.files.listing import unix_seconds
from parley.features.files.models import File
from parley.features.files.remote_api import part_bytes
from parley.features.files.schemas import upload_url
from parley.features.files.storage import storage_for
from parley.features.files.upload_v1 import V1Upload, upload_v1
from parley.features.files.wire import FileResponse, FilesListResponse, UploadUrlResponse
from parley.platform.auth.principal import Principal
from parley.platform.errors import ApiError
from parley.platform.webapi.context import Call
from parley.platform.webapi.pagination import clamp_limit, decode_cursor, page_metadata
from parley.platform.webapi.params import CsvList, JsonList, Params, SlackInt, SlackTs
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method


async def _objects(
    call: Call, session: AsyncSession, principal: Principal, files: list[File]
) -> list[dict[str, Any]]:
    base_url = call.services.settings.base_url
    return await actions.get_file_objects(session, principal, base_url, files)


# --- upload flow ----------------------------------------------------------------------------


class UploadUrlParams(Params):
    filename: str = Field(min_length=1, max_length=1000)
    length: SlackInt | None = None
    alt_txt: str | None = Field(default=None, max_length=1000)
    snippet_type: str | None = Field(default=None, max_length=32)


@api_method(
    "files.getUploadURLExternal",
    params=UploadUrlParams,
    scopes=("files:write",),
    tier=Tier.T4,
    missing_errors={"filename": "invalid_arguments", "length": "invalid_length"},
    errors=("invalid_length", "file_too_large", "storage_limit_reached"),
    response=UploadUrlResponse,
)
async def files_get_upload_url_external(call: Call, params: UploadUrlParams) -> dict[str, Any]:
    """Gets a URL to upload a file's bytes to (then call files.completeUploadExternal)."""
    settings = call.services.settings
    length = actions.check_length(settings, params.length)
    async with call.services.db.write() as uow:
        reservation = await actions.do_reserve_upload(
            uow,
            settings,
            call.principal,
            filename=params.filename,
            length=length,
            alt_txt=params.alt_txt,
            snippet_type=params.snippet_type,
        )
    return {
        "upload_url": upload_url(settings.base_url, reservation.upload_token),
        "file_id": reservation.file.id,
    }


class CompleteParams(Params):
    files: JsonList = None
    channel_id: str | None = Field(default=None, max_length=32)
    channels: CsvList = Field(default_factory=list)
    initial_comment: str | None = Field(default=None, max_length=40_000)
    thread_ts: SlackTs | None = Field(default=None, max_length=32)
    blocks: JsonList = None


@api_method(
    "files.completeUploadExternal",
    params=CompleteParams,
    scopes=("files:write",),
    tier=Tier.T4,
    missing_errors={"files": "invalid_arguments"},
    errors=(
        "file_not_found",
        "file_upload_incomplete",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_blocks",
        "too_many_channels",
    ),
    response=FilesListResponse,
)
async def files_complete_upload_external(call: Call, params: CompleteParams) -> dict[str, Any]:
    """Finishes uploads and shares the files into conversations with an initial comment."""
    request = actions.CompleteRequest(
        files=params.files,
        channels=[*([params.channel_id] if params.channel_id else []), *params.channels],
        initial_comment=params.initial_comment,
        blocks=params.blocks,
        thread_ts=params.thread_ts,
    )
    principal = call.principal
    async with call.services.db.write() as uow:
        files = await actions.check_complete_upload(
            uow, principal, call.services.settings.base_url, request
        )
        objects = await _objects(call, uow.session, principal, files)
    return {"files": objects}


class UploadV1Params(Params):
    file: Any = None  # a multipart file part
    content: str | None = None
    channels: CsvList = Field(default_factory=list)
    initial_comment: str | None = Field(default=None, max_length=40_000)
    thread_ts: SlackTs | None = Field(default=None, max_length=32)
    filename: str | None = Field(default=None, max_length=1000)
    title: str | None = Field(default=None, max_length=1000)
    filetype: str | None = Field(default=None, max_length=64)


def _v1_filename(params: UploadV1Params) -> str:
    if params.filename:
        return params.filename
    part_name = getattr(params.file, "filename", None)
    return part_name if isinstance(part_name, str) and part_name else "untitled"


@api_method(
    "files.upload",
    params=UploadV1Params,
    scopes=("files:write",),
    tier=Tier.T2,
    errors=(
        "no_file_data",
        "invalid_channel",
        "not_in_channel",
        "is_archived",
        "too_many_channels",
        "file_too_large",
        "storage_limit_reached",
    ),
    response=FileResponse,
)
async def files_upload(call: Call, params: UploadV1Params) -> dict[str, Any]:
    """Uploads a file (v1, retired by Slack in 2025): runs the v2 flow in one call."""
    data = await part_bytes(params.file) if params.file is not None else None
    if data is None and params.content:
        data = params.content.encode("utf-8")
    upload = V1Upload(
        data=data or b"",
        filename=_v1_filename(params),
        title=params.title[: actions.MAX_TITLE] if params.title else None,
        filetype=params.filetype,
        share=actions.CompleteRequest(
            files=None,
            channels=params.channels,
            initial_comment=params.initial_comment,
            thread_ts=params.thread_ts,
        ),
    )
    done = await upload_v1(call.services, call.principal, upload)
    async with call.services.db.read() as session:
        [body] = await _objects(call, session, call.principal, [done])
    return {"file": body}


# --- reading --------------------------------------------------------------------------------


class FileParams(Params):
    file: str = Field(max_length=32)


class InfoParams(FileParams):
    count: SlackInt = Field(default=100, ge=0)
    page: SlackInt = Field(default=1, ge=0)
    limit: SlackInt = Field(default=0, ge=0)
    cursor: str | None = None


@api_method(
    "files.info",
    params=InfoParams,
    scopes=("files:read",),
    tier=Tier.T4,
    missing_errors={"file": "file_not_found"},
    errors=("file_not_found",),
    response=FileResponse,
)
async def files_info(call: Call, params: InfoParams) -> dict[str, Any]:
    """Gets information about a file (file comments no longer exist in Slack: always [])."""
    async with call.services.db.read() as session:
        file = await actions.access_file(session, call.principal, params.file)
        [body] = await _objects(call, session, call.principal, [file])
    return {
        "file": body,
        "comments": [],
        "paging": {"count": clamp_limit(params.count), "total": 0, "page": 1, "pages": 0},
        "response_metadata": page_metadata(None),
    }


class ListParams(Params):
    channel: str | None = Field(default=None, max_length=32)
    user: str | None = Field(default=None, max_length=32)
    types: CsvList = Field(default_factory=list)
    ts_from: SlackTs | None = Field(default=None, max_length=32)
    ts_to: SlackTs | None = Field(default=None, max_length=32)
    count: SlackInt = Field(default=100, ge=0)
    page: SlackInt = Field(default=1, ge=0)
    limit: SlackInt = Field(default=0, ge=0)
    cursor: str | None = None
    show_files_hidden_by_limit: str | None = None


def _filetypes(types: list[str]) -> tuple[str, ...]:
    if not types or "all" in types:
        return ()
    found: list[str] = []
    for name in types:
        if name not in store.TYPE_FILTERS:
            raise ApiError("invalid_types")
        found.extend(store.TYPE_FILTERS[name])
    return tuple(found)


def _cursor_position(cursor: str | None) -> tuple[int, str] | None:
    position = decode_cursor(cursor)
    if position is None:
        return None
    created, _, file_id = position.partition(":")
    if not created.isdigit() or not file_id:
        raise ApiError("invalid_cursor")
    return int(created), file_id


@api_method(
    "files.list",
    params=ListParams,
    scopes=("files:read",),
    tier=Tier.T3,
    errors=("invalid_ts", "invalid_types", "invalid_cursor", "channel_not_found"),
    response=FilesListResponse,
)
async def files_list(call: Call, params: ListParams) -> dict[str, Any]:
    """Lists the files the caller can see, newest first (page/count or cursor/limit)."""
    query = store.FileQuery(
        principal=call.principal,
        channel=params.channel,
        user=params.user,
        filetypes=_filetypes(params.types),
        ts_from=unix_seconds(params.ts_from),
        ts_to=unix_seconds(params.ts_to),
    )
    cursor_mode = params.cursor is not None or params.limit > 0
    size = clamp_limit(params.limit if cursor_mode else params.count, default=100, maximum=1000)
    page = max(params.page, 1)
    async with call.services.db.read() as session:
        total = await store.count_files(session, query)
        if cursor_mode:
            rows = await store.list_files(
                session, query, limit=size + 1, before=_cursor_position(params.cursor)
            )
        else:
            rows = await store.list_files(session, query, limit=size + 1, offset=(page - 1) * size)
        shown, more = rows[:size], len(rows) > size
        objects = await _objects(call, session, call.principal, shown)
    last = shown[-1] if shown and more else None
    return {
        "files": objects,
        "paging": {
            "count": size,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // size)) if total else 0,
        },
        "response_metadata": page_metadata(f"{last.created_unix}:{last.id}" if last else None),
    }


# --- delete and public links ----------------------------------------------------------------


@api_method(
    "files.delete",
    params=FileParams,
    scopes=("files:write",),
    tier=Tier.T3,
    missing_errors={"file": "file_not_found"},
    errors=("file_not_found", "cant_delete_file"),
)
async def files_delete(call: Call, params: FileParams) -> dict[str, Any]:
    """Deletes a file: its bytes, previews and shares."""
    principal = call.principal
    async with call.services.db.write() as uow:
        keys = await actions.check_delete_file(uow, principal, params.file)
    await storage_for(call.services.settings).delete(*keys)
    return {}


@api_method(
    "files.sharedPublicURL",
    params=FileParams,
    scopes=("files:write",),
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    missing_errors={"file": "file_not_found"},
    errors=("file_not_found", "not_allowed"),
)
async def files_shared_public_url(call: Call, params: FileParams) -> dict[str, Any]:
    """Enables a public link (permalink_public) to a file."""
    async with call.services.db.write() as uow:
        file = await actions.check_share_public(uow, call.principal, params.file)
        [body] = await _objects(call, uow.session, call.principal, [file])
    return {"file": body}


@api_method(
    "files.revokePublicURL",
    params=FileParams,
    scopes=("files:write",),
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    missing_errors={"file": "file_not_found"},
    errors=("file_not_found", "not_allowed"),
)
async def files_revoke_public_url(call: Call, params: FileParams) -> dict[str, Any]:
    """Disables a file's public link."""
    async with call.services.db.write() as uow:
        file = await actions.check_revoke_public(uow, call.principal, params.file)
        [body] = await _objects(call, uow.session, call.principal, [file])
    return {"file": body}
