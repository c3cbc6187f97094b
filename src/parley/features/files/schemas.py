"""The Slack file object (SLACK_COMPAT.md §4.1) and Parley's file URLs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from parley.features.files.content import Sniffed
from parley.features.files.models import File, FileShare
from parley.platform.spaces import Conversation

# Thumbnail widths made for images (Slack's names: thumb_64 … thumb_1024).
THUMB_SIZES = (64, 80, 160, 360, 480, 720, 960, 1024)
PRIVATE_PREFIX = "/files-pri/"
PUBLIC_PREFIX = "/files-pub/"
THUMB_PREFIX = "/files-tmb/"
UPLOAD_PREFIX = "/files-upload/"


@dataclass(frozen=True)
class SharedIn:
    share: FileShare
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
        "channels": sorted({i.conversation.id for i in shared if i.conversation.kind == "channel"}),
        "groups": sorted(
            {i.conversation.id for i in shared if i.conversation.kind in {"group", "mpim"}}
        ),
        "ims": sorted({i.conversation.id for i in shared if i.conversation.kind == "im"}),
        "shares": _shares(shared),
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
