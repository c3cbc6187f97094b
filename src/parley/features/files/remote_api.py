"""files.remote.* methods: files stored elsewhere, added, shared and removed by their app."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from starlette.datastructures import UploadFile

from parley.features.files import remote, store
from parley.features.files.listing import unix_seconds
from parley.features.files.wire import FileResponse, RemoteFilesListResponse
from parley.platform.errors import ApiError
from parley.platform.webapi.context import Call
from parley.platform.webapi.pagination import clamp_limit, decode_cursor, page_metadata
from parley.platform.webapi.params import CsvList, Params, SlackInt, SlackTs
from parley.platform.webapi.registry import Tier, api_method

APP_TOKEN_KINDS = frozenset({"bot", "user"})
MAX_PART_BYTES = 1_000_000


async def part_bytes(value: Any) -> bytes | None:
    """A multipart file part's bytes, or a text field's (None when absent)."""
    if value is None or value == "":
        return None
    if isinstance(value, UploadFile):
        return await value.read(MAX_PART_BYTES)
    if isinstance(value, str):
        return value.encode("utf-8")
    raise ApiError("invalid_arguments")


async def _changes(params: RemoteParams) -> remote.RemoteChanges:
    indexable = await part_bytes(params.indexable_file_contents)
    return remote.RemoteChanges(
        title=params.title,
        external_url=params.external_url,
        filetype=params.filetype.lower() if params.filetype else None,
        indexable_text=indexable.decode("utf-8", errors="replace") if indexable else None,
        preview_image=await part_bytes(params.preview_image),
    )


async def _one(call: Call, found: Any) -> dict[str, Any]:
    async with call.services.db.read() as session:
        [body] = await remote.remote_objects(
            session, call.principal, call.services.settings.base_url, [found]
        )
    return {"file": body}


class RemoteParams(Params):
    external_id: str | None = Field(default=None, max_length=1000)
    external_url: str | None = Field(default=None, max_length=8000)
    title: str | None = Field(default=None, max_length=1000)
    filetype: str | None = Field(default=None, max_length=64)
    # Text or a multipart file part; preview_image: an image part.
    indexable_file_contents: Any = None
    preview_image: Any = None


@api_method(
    "files.remote.add",
    params=RemoteParams,
    scopes=("remote_files:write",),
    tier=Tier.T2,
    token_kinds=APP_TOKEN_KINDS,
    errors=("invalid_external_id", "bad_title", "bad_image", "invalid_arguments"),
    response=FileResponse,
)
async def files_remote_add(call: Call, params: RemoteParams) -> dict[str, Any]:
    """Adds a file from a remote service (an upsert by `external_id`); does not share it."""
    changes = await _changes(params)
    async with call.services.db.write() as uow:
        added = await remote.check_add_remote(
            uow, call.principal, params.external_id or "", changes
        )
    return await _one(call, added)


class RemoteFileParams(Params):
    file: str | None = Field(default=None, max_length=32)
    external_id: str | None = Field(default=None, max_length=1000)


@api_method(
    "files.remote.info",
    params=RemoteFileParams,
    scopes=("remote_files:read",),
    tier=Tier.T2,
    token_kinds=APP_TOKEN_KINDS,
    errors=("file_not_found",),
    response=FileResponse,
)
async def files_remote_info(call: Call, params: RemoteFileParams) -> dict[str, Any]:
    """Retrieves a remote file the app added, by `file` or `external_id`."""
    async with call.services.db.read() as session:
        found = await remote.access_remote(session, call.principal, params.file, params.external_id)
    return await _one(call, found)


class RemoteListParams(Params):
    channel: str | None = Field(default=None, max_length=32)
    ts_from: SlackTs | None = Field(default=None, max_length=32)
    ts_to: SlackTs | None = Field(default=None, max_length=32)
    limit: SlackInt = Field(default=0, ge=0)
    cursor: str | None = None


def _cursor_position(cursor: str | None) -> tuple[int, str] | None:
    position = decode_cursor(cursor)
    if position is None:
        return None
    created, _, remote_id = position.partition(":")
    if not created.isdigit() or not remote_id:
        raise ApiError("invalid_cursor")
    return int(created), remote_id


@api_method(
    "files.remote.list",
    params=RemoteListParams,
    scopes=("remote_files:read",),
    tier=Tier.T2,
    token_kinds=APP_TOKEN_KINDS,
    errors=("invalid_cursor",),
    response=RemoteFilesListResponse,
)
async def files_remote_list(call: Call, params: RemoteListParams) -> dict[str, Any]:
    """Lists the app's remote files, newest first (cursor pagination)."""
    principal = call.principal
    query = store.RemoteQuery(
        workspace_id=principal.workspace_id,
        app_id=remote.owner_app(principal),
        channel=params.channel,
        ts_from=unix_seconds(params.ts_from),
        ts_to=unix_seconds(params.ts_to),
    )
    size = clamp_limit(params.limit, default=100, maximum=1000)
    async with call.services.db.read() as session:
        rows = await store.list_remote(
            session, query, limit=size + 1, before=_cursor_position(params.cursor)
        )
        shown, more = rows[:size], len(rows) > size
        objects = await remote.remote_objects(
            session, principal, call.services.settings.base_url, shown
        )
    last = shown[-1] if shown and more else None
    return {
        "files": objects,
        "response_metadata": page_metadata(f"{last.created_unix}:{last.id}" if last else None),
    }


@api_method(
    "files.remote.remove",
    params=RemoteFileParams,
    scopes=("remote_files:write",),
    tier=Tier.T2,
    token_kinds=APP_TOKEN_KINDS,
    errors=("file_not_found",),
)
async def files_remote_remove(call: Call, params: RemoteFileParams) -> dict[str, Any]:
    """Removes a remote file the app added; messages that shared it keep a tombstone."""
    async with call.services.db.write() as uow:
        await remote.check_remove_remote(uow, call.principal, params.file, params.external_id)
    return {}


class RemoteShareParams(RemoteFileParams):
    channels: CsvList = Field(default_factory=list)


@api_method(
    "files.remote.share",
    params=RemoteShareParams,
    scopes=("remote_files:share",),
    tier=Tier.T2,
    token_kinds=APP_TOKEN_KINDS,
    errors=(
        "file_not_found",
        "invalid_channel",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "too_many_channels",
    ),
    response=FileResponse,
)
async def files_remote_share(call: Call, params: RemoteShareParams) -> dict[str, Any]:
    """Shares a remote file the app added into channels (one message each)."""
    async with call.services.db.write() as uow:
        shared = await remote.check_share_remote(
            uow,
            call.principal,
            call.services.settings.base_url,
            params.file,
            params.external_id,
            params.channels,
        )
    return await _one(call, shared)


class RemoteUpdateParams(RemoteParams):
    file: str | None = Field(default=None, max_length=32)


@api_method(
    "files.remote.update",
    params=RemoteUpdateParams,
    scopes=("remote_files:write",),
    tier=Tier.T2,
    token_kinds=APP_TOKEN_KINDS,
    errors=("file_not_found", "bad_title", "bad_image", "invalid_arguments"),
    response=FileResponse,
)
async def files_remote_update(call: Call, params: RemoteUpdateParams) -> dict[str, Any]:
    """Updates a remote file the app added (its `external_id` and id never change)."""
    changes = await _changes(params)
    async with call.services.db.write() as uow:
        updated = await remote.check_update_remote(
            uow, call.principal, params.file, params.external_id, changes
        )
    return await _one(call, updated)
