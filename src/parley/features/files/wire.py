"""The Slack file object and file events as documented types (permissive: never filters)."""

from __future__ import annotations

from parley.platform.webapi.openapi import Opt, ResponseMetadata, WireModel


class File(WireModel):
    """Slack's file object; `thumb_64` … `thumb_1024` (and `_w`/`_h`) come as extra keys."""

    id: str
    mode: Opt[str] = None
    """"hosted"; "tombstone" once deleted (then most other fields are gone)."""
    created: Opt[int] = None
    timestamp: Opt[int] = None
    name: Opt[str] = None
    title: Opt[str] = None
    mimetype: Opt[str] = None
    filetype: Opt[str] = None
    pretty_type: Opt[str] = None
    user: Opt[str] = None
    size: Opt[int] = None
    url_private: Opt[str] = None
    url_private_download: Opt[str] = None
    permalink: Opt[str] = None
    preview_state: Opt[str] = None
    original_w: Opt[int] = None
    original_h: Opt[int] = None
    alt_txt: Opt[str] = None
    thumb_video: Opt[str] = None
    thumb_pdf: Opt[str] = None
    duration_ms: Opt[int] = None
    channels: Opt[list[str]] = None
    groups: Opt[list[str]] = None
    ims: Opt[list[str]] = None
    is_external: Opt[bool] = None
    external_id: Opt[str] = None
    """Remote files (`mode: external`): the adding app's own id for the file."""
    external_url: Opt[str] = None
    has_rich_preview: Opt[bool] = None


class Paging(WireModel):
    count: Opt[int] = None
    total: Opt[int] = None
    page: Opt[int] = None
    pages: Opt[int] = None


class FilesListResponse(WireModel):
    files: list[File]
    paging: Opt[Paging] = None
    response_metadata: Opt[ResponseMetadata] = None


class RemoteFilesListResponse(WireModel):
    files: list[File]
    response_metadata: Opt[ResponseMetadata] = None


class FileResponse(WireModel):
    file: File


class UploadUrlResponse(WireModel):
    upload_url: str
    file_id: str


class FileRef(WireModel):
    id: str


class FileEvent(WireModel):
    """`file_created`, `file_shared`, `file_unshared`, `file_public`, `file_change`,
    `file_deleted`."""

    type: str
    file_id: str
    file: Opt[FileRef] = None
    user_id: Opt[str] = None
    channel_id: Opt[str] = None
    channel_ids: Opt[list[str]] = None
