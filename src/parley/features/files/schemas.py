"""The Slack file object (SLACK_COMPAT.md §4.1) and Parley's file URLs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from parley.features.files.content import Sniffed
from parley.features.files.models import File, FileShare, RemoteFile, RemoteFileShare
from parley.platform.spaces import Conversation

# Thumbnail widths made for images (Slack's names: thumb_64 … thumb_1024).
THUMB_SIZES = (64, 80, 160, 360, 480, 720, 960, 1024)
PRIVATE_PREFIX = "/files-pri/"
PUBLIC_PREFIX = "/files-pub/"
THUMB_PREFIX = "/files-tmb/"
UPLOAD_PREFIX = "/files-upload/"


@dataclass(frozen=True)
class SharedIn:
    share: FileShare | RemoteFileShare
    conversation: Conversation


def _name_segment(file: File) -> str:
    return quote(file.name, safe="")


def url_private(base: str, file: File) -> str:
    return f"{base}{PRIVATE_PREFIX}{file.workspace_id}-{file.id}/{_name_segment(file)}"


def url_private_download(base: str, file: File) -> str:
    return f"{base}{PRIVATE_PREFIX}{file.workspace_id}-{file.id}/download/{_name_segment(file)}"


def permalink_public(base: str, file: File) -> str | None:
    if not file.public_secret:
        return None
    return (
        f"{base}{PUBLIC_PREFIX}{file.workspace_id}-{file.id}-{file.public_secret}/"
        f"{_name_segment(file)}"
    )


def thumb_url(base: str, file: File, variant: str) -> str:
    return f"{base}{THUMB_PREFIX}{file.workspace_id}-{file.id}-{variant}/{_name_segment(file)}"


def upload_url(base: str, token: str) -> str:
    return f"{base}{UPLOAD_PREFIX}{token}"


def _shares(shared: list[SharedIn]) -> dict[str, Any]:
    """Slack's `shares`: {"public"|"private": {conversation id: [share, …]}}."""
    public: dict[str, list[dict[str, Any]]] = {}
    private: dict[str, list[dict[str, Any]]] = {}
    for item in shared:
        target = public if item.conversation.kind == "channel" else private
        target.setdefault(item.conversation.id, []).append(
            {
                "ts": item.share.ts,
                "channel_name": item.conversation.name or "",
                "team_id": item.share.workspace_id,
                "share_user_id": item.share.user_id,
                "reply_users": [],
                "reply_users_count": 0,
                "reply_count": 0,
            }
        )
    shares: dict[str, Any] = {}
    if public:
        shares["public"] = public
    if private:
        shares["private"] = private
    return shares


def _preview_fields(base: str, file: File) -> dict[str, Any]:
    """thumb_*, original_w/h, thumb_video, duration_ms, thumb_pdf — whatever exists."""
    preview = file.preview or {}
    fields: dict[str, Any] = {}
    for variant, info in (preview.get("thumbs") or {}).items():
        name = f"thumb_{variant}"
        fields[name] = thumb_url(base, file, variant)
        fields[f"{name}_w"] = info.get("w")
        fields[f"{name}_h"] = info.get("h")
    for key in ("original_w", "original_h", "duration_ms"):
        if key in preview:
            fields[key] = preview[key]
    for kind in ("video", "pdf"):
        info = preview.get(kind)
        if info:
            fields[f"thumb_{kind}"] = thumb_url(base, file, kind)
            fields[f"thumb_{kind}_w"] = info.get("w")
            fields[f"thumb_{kind}_h"] = info.get("h")
    return fields


def _share_fields(shared: list[SharedIn]) -> dict[str, Any]:
    """`channels`, `groups`, `ims` and `shares` of a file object."""
    return {
        "channels": sorted({i.conversation.id for i in shared if i.conversation.kind == "channel"}),
        "groups": sorted(
            {i.conversation.id for i in shared if i.conversation.kind in {"group", "mpim"}}
        ),
        "ims": sorted({i.conversation.id for i in shared if i.conversation.kind == "im"}),
        "shares": _shares(shared),
    }


def file_object(base: str, file: File, shared: list[SharedIn] | None = None) -> dict[str, Any]:
    """The Slack `file` object; `shared` lists only the shares the viewer may see."""
    shared = shared or []
    is_public = any(item.conversation.kind == "channel" for item in shared)
    body: dict[str, Any] = {
        "id": file.id,
        "created": file.created_unix,
        "timestamp": file.created_unix,
        "name": file.name,
        "title": file.title,
        "mimetype": file.mimetype,
        "filetype": file.filetype,
        "pretty_type": Sniffed(file.mimetype, file.filetype).pretty_type,
        "user": file.user_id,
        "user_team": file.workspace_id,
        "editable": False,
        "size": file.size,
        "mode": "hosted",
        "is_external": False,
        "external_type": "",
        "is_public": is_public,
        "public_url_shared": file.public_secret is not None,
        "display_as_bot": False,
        "username": "",
        "url_private": url_private(base, file),
        "url_private_download": url_private_download(base, file),
        "permalink": f"{base}/files/{file.user_id}/{file.id}/{_name_segment(file)}",
        **_share_fields(shared),
        "comments_count": 0,
        "has_rich_preview": False,
        "file_access": "visible",
        "preview_state": file.preview_state,
    }
    public_link = permalink_public(base, file)
    if public_link:
        body["permalink_public"] = public_link
    if file.alt_txt:
        body["alt_txt"] = file.alt_txt
    if file.bot_id:
        body["bot_id"] = file.bot_id
    body.update(_preview_fields(base, file))
    return body


REMOTE_MIMETYPE = "application/vnd.slack-remote"


def remote_file_object(
    base: str, remote: RemoteFile, shared: list[SharedIn] | None = None
) -> dict[str, Any]:
    """Slack's file object for a remote file (`mode: external`); `url_private` is the
    external URL, which may point anywhere (clients send no credentials to it)."""
    shared = shared or []
    return {
        "id": remote.id,
        "created": remote.created_unix,
        "timestamp": remote.created_unix,
        "name": remote.title,
        "title": remote.title,
        "mimetype": REMOTE_MIMETYPE,
        "filetype": remote.filetype,
        "pretty_type": "Remote" if remote.filetype == "remote" else remote.filetype.upper(),
        "user": remote.user_id,
        "user_team": remote.workspace_id,
        "editable": False,
        "size": 0,
        "mode": "external",
        "is_external": True,
        "external_type": "app",
        "is_public": any(item.conversation.kind == "channel" for item in shared),
        "public_url_shared": False,
        "display_as_bot": False,
        "username": "",
        "url_private": remote.external_url,
        "media_display_type": "unknown",
        "permalink": f"{base}/files/{remote.user_id}/{remote.id}/{quote(remote.title, safe='')}",
        "comments_count": 0,
        "is_starred": False,
        **_share_fields(shared),
        "has_more_shares": False,
        "external_id": remote.external_id,
        "external_url": remote.external_url,
        "has_rich_preview": remote.has_rich_preview,
        "file_access": "visible",
    }
