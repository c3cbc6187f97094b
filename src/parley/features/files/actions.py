"""File writes: reserve an upload, record the bytes, share, delete, public links.

The only writers of `files` and `file_shares`. Bytes move outside any transaction
(`parley.features.files.upload`); these functions only record what happened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from parley.features.files import store
from parley.features.files.content import Sniffed, guess_filetype_from_name, sanitize_filename
from parley.features.files.models import File, FileShare
from parley.features.files.schemas import SharedIn, file_object
from parley.features.messages.interface import (
    access_post_target,
    check_blocks,
    check_can_post,
    do_post_message,
    do_replace_attachments,
    get_message_for_update,
)
from parley.platform.auth.principal import Principal
from parley.platform.clock import as_utc, unix_now, utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import conversation_audience, emit, users_audience
from parley.platform.ids import looks_like, new_id
from parley.platform.security import hash_secret, new_secret
from parley.platform.settings import Settings
from parley.platform.spaces import Conversation
from parley.platform.visibility import Viewer, can_read

UPLOAD_URL_TTL = timedelta(hours=1)
MAX_FILES_PER_COMPLETE = 10
MAX_TITLE = 250
MAX_SHARE_CHANNELS = 10


# --- checks ---------------------------------------------------------------------------------


def check_length(settings: Settings, length: int | None) -> int:
    """`invalid_length` for a missing or non-positive size, `file_too_large` over the limit."""
    if length is None or length <= 0:
        raise ApiError("invalid_length")
    if length > settings.file_max_bytes:
        raise ApiError("file_too_large", limit_bytes=settings.file_max_bytes)
    return length


async def check_quota(uow: UnitOfWork, settings: Settings, workspace_id: str, extra: int) -> None:
    """`storage_limit_reached` when `extra` more bytes would exceed the workspace quota."""
    quota = settings.workspace_quota_bytes
    if quota <= 0:
        return
    used = await store.used_bytes(uow.session, workspace_id, utc_now() - UPLOAD_URL_TTL)
    if used + extra > quota:
        raise ApiError("storage_limit_reached", quota_bytes=quota, used_bytes=used)


def can_view(principal: Principal, file: File, visible_shares: list[SharedIn]) -> bool:
    return file.user_id == principal.user_id or bool(visible_shares)


async def visible_shares(
    uow_or_session: Any, principal: Viewer, shares: list[SharedIn]
) -> list[SharedIn]:
    """The shares of a file in conversations `principal` may see."""
    member_of = await store.member_conversation_ids(
        uow_or_session, principal.user_id, {s.conversation.id for s in shares}
    )
    return [
        s
        for s in shares
        if can_read(principal, s.conversation.kind, s.conversation.id in member_of)
    ]


async def get_file_objects(
    session: Any, principal: Viewer, base_url: str, files: list[File]
) -> list[dict[str, Any]]:
    """Slack file objects, each listing only the shares the caller may see."""
    shares = await store.shared_in(session, [f.id for f in files])
    objects = []
    for file in files:
        visible = await visible_shares(session, principal, shares[file.id])
        objects.append(file_object(base_url, file, visible))
    return objects


async def access_file(session: Any, principal: Principal, file_id: str | None) -> File:
    """A complete file the caller may see, else `file_not_found` (also other workspaces')."""
    file = await _find_complete(session, principal.workspace_id, file_id)
    shares = (await store.shared_in(session, [file.id]))[file.id]
    if not can_view(principal, file, await visible_shares(session, principal, shares)):
        raise ApiError("file_not_found")
    return file


async def _find_complete(session: Any, workspace_id: str, file_id: str | None) -> File:
    if not file_id or not looks_like(file_id, "F"):
        raise ApiError("file_not_found")
    file = await store.get_file(session, workspace_id, file_id)
    if file is None or file.state != "complete":
        raise ApiError("file_not_found")
    return file


# --- upload ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reservation:
    file: File
    upload_token: str


async def do_reserve_upload(
    uow: UnitOfWork,
    settings: Settings,
    principal: Principal,
    *,
    filename: str,
    length: int,
    alt_txt: str | None,
    snippet_type: str | None,
) -> Reservation:
    """A pending file and the secret of its upload URL (files.getUploadURLExternal)."""
    await check_quota(uow, settings, principal.workspace_id, length)
    name = sanitize_filename(filename)
    file_id = new_id("F")
    # The workspace id leads it: the upload URL (no other credential) finds its shard by it.
    token = new_secret(principal.workspace_id + "-", nbytes=32)
    now = utc_now()
    file = File(
        id=file_id,
        workspace_id=principal.workspace_id,
        user_id=principal.user_id,
        bot_id=principal.bot_id if principal.is_bot else None,
        state="pending",
        name=name,
        title=name,
        mimetype="application/octet-stream",
        filetype=guess_filetype_from_name(name),
        size=length,
        alt_txt=alt_txt or None,
        snippet_type=snippet_type or None,
        storage_key=f"{principal.workspace_id}/{file_id}/original",
        upload_token_hash=hash_secret(token),
        public_secret=None,
        preview_state="none",
        preview=None,
        created=now,
        created_unix=int(now.timestamp()),
    )
    uow.session.add(file)
    await uow.session.flush()
    return Reservation(file, token)


class UploadRefused(Exception):
    """The upload URL cannot take bytes now; `status` is the HTTP answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def claim_upload(uow: UnitOfWork, token: str) -> File:
    """Mark the file behind an upload URL as receiving bytes (one upload at a time)."""
    file = await store.get_by_upload_token(uow.session, hash_secret(token))
    if file is None or file.state != "pending":
        raise UploadRefused(404, "upload URL not found or already used")
    if as_utc(file.created) < utc_now() - UPLOAD_URL_TTL:
        raise UploadRefused(410, "upload URL expired")
    file.state = "uploading"
    return file


async def do_release_upload(uow: UnitOfWork, workspace_id: str, file_id: str) -> None:
    """After a failed upload, the URL may be used again."""
    file = await store.get_file(uow.session, workspace_id, file_id, for_update=True)
    if file is not None and file.state == "uploading":
        file.state = "pending"


def wants_preview(sniffed: Sniffed) -> bool:
    return sniffed.is_image or sniffed.is_video or sniffed.is_pdf


async def do_record_upload(
    uow: UnitOfWork, workspace_id: str, file_id: str, *, size: int, sniffed: Sniffed
) -> File:
    """The bytes are stored: record the real size and sniffed type; queue the preview."""
    file = await store.get_file(uow.session, workspace_id, file_id, for_update=True)
    if file is None:
        raise UploadRefused(404, "file was deleted during the upload")
    file.state = "uploaded"
    file.size = size
    file.mimetype = sniffed.mimetype
    file.filetype = sniffed.filetype
    file.upload_token_hash = None
    file.preview_state = "pending" if wants_preview(sniffed) else "none"
    return file


@dataclass(frozen=True)
class CompleteItem:
    file_id: str
    title: str | None


def check_complete_items(raw: Any) -> list[CompleteItem]:
    """`files` of files.completeUploadExternal: a JSON array of {id, title?}."""
    if not isinstance(raw, list) or not raw or len(raw) > MAX_FILES_PER_COMPLETE:
        raise ApiError("invalid_arguments")
    items = []
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ApiError("invalid_arguments")
        title = entry.get("title")
        if title is not None and not isinstance(title, str):
            raise ApiError("invalid_arguments")
        items.append(CompleteItem(entry["id"], title[:MAX_TITLE] if title else None))
    return items


async def do_complete_files(
    uow: UnitOfWork, principal: Principal, items: list[CompleteItem]
) -> list[File]:
    """Finish the caller's uploaded files; `file_not_found` for others' or missing bytes."""
    files = []
    for item in items:
        file = await store.get_file(
            uow.session, principal.workspace_id, item.file_id, for_update=True
        )
        if file is None or file.user_id != principal.user_id:
            raise ApiError("file_not_found", file_id=item.file_id)
        if file.state not in {"uploaded", "complete"}:
            raise ApiError("file_upload_incomplete", file_id=item.file_id)
        if item.title:
            file.title = item.title
        if file.state != "complete":
            file.state = "complete"
            await emit(
                uow,
                file.workspace_id,
                {"type": "file_created", "file_id": file.id, "file": {"id": file.id}},
                users_audience([file.user_id]),
            )
        files.append(file)
    return files


@dataclass(frozen=True)
class CompleteRequest:
    """What files.completeUploadExternal was asked to finish and where to share it, parsed."""

    files: Any
    channels: list[str]
    initial_comment: str | None = None
    blocks: Any = None
    thread_ts: str | None = None


def _share_targets(request: CompleteRequest) -> list[str]:
    """The conversations to share into, once each: at most 10, and one for a thread reply."""
    targets = list(dict.fromkeys(request.channels))
    if len(targets) > MAX_SHARE_CHANNELS:
        raise ApiError("too_many_channels")
    if request.thread_ts and len(targets) > 1:
        raise ApiError("invalid_arguments")  # a thread lives in one conversation
    return targets


async def check_complete_upload(
    uow: UnitOfWork, principal: Principal, base_url: str, request: CompleteRequest
) -> list[File]:
    """Finish the caller's uploads and share them, one message per conversation, into each
    the caller may post to now (chat.postMessage's rules: `channel_not_found`,
    `not_in_channel`, `is_archived`, `restricted_action`). The request's shape is checked
    first: `invalid_arguments`, `too_many_channels`, `invalid_blocks`."""
    items = check_complete_items(request.files)
    targets = _share_targets(request)
    blocks = check_blocks(request.blocks)
    files = await do_complete_files(uow, principal, items)
    for channel in targets:
        conversation = await access_post_target(uow, principal, channel)
        check_can_post(principal, conversation, in_thread=request.thread_ts is not None)
        shared = await get_file_objects(uow.session, principal, base_url, files)
        await do_share_files(
            uow,
            principal,
            conversation,
            files,
            shared,
            text=request.initial_comment or "",
            blocks=blocks,
            thread_ts=request.thread_ts,
        )
    return files


async def do_share_files(
    uow: UnitOfWork,
    principal: Principal,
    conversation: Conversation,
    files: list[File],
    file_objects: list[dict[str, Any]],
    *,
    text: str,
    blocks: list[dict[str, Any]] | None,
    thread_ts: str | None,
) -> str:
    """Post one message carrying the files into `conversation`; record the shares; emit
    `file_shared` per file. Returns the message ts."""
    message = await do_post_message(
        uow,
        conversation,
        user_id=principal.user_id,
        text=text,
        blocks=blocks,
        files=file_objects,
        thread_ts=thread_ts,
        bot_id=principal.bot_id if principal.is_bot else None,
        app_id=principal.app_id if principal.is_bot else None,
    )
    now = unix_now()
    for file in files:
        uow.session.add(
            FileShare(
                file_id=file.id,
                workspace_id=file.workspace_id,
                conversation_id=conversation.id,
                ts=message.ts,
                user_id=principal.user_id,
                created_unix=now,
            )
        )
        await emit(
            uow,
            file.workspace_id,
            {
                "type": "file_shared",
                "file_id": file.id,
                "user_id": principal.user_id,
                "file": {"id": file.id},
                "channel_id": conversation.id,
                "event_ts": message.ts,
            },
            conversation_audience(conversation.id),
        )
    await uow.session.flush()
    return message.ts


# --- delete and public links ----------------------------------------------------------------


def can_delete(principal: Principal, file: File) -> bool:
    """The uploader may delete; so may workspace admins with a user (not bot) token."""
    return file.user_id == principal.user_id or (principal.is_admin and not principal.is_bot)


async def check_delete_file(uow: UnitOfWork, principal: Principal, file_id: str) -> list[str]:
    """files.delete: a file the caller can see (`file_not_found`) and may delete
    (`cant_delete_file`); returns the storage keys to remove once committed."""
    file = await access_file(uow.session, principal, file_id)
    if not can_delete(principal, file):
        raise ApiError("cant_delete_file")
    return await do_delete_file(uow, file)


async def do_delete_file(uow: UnitOfWork, file: File) -> list[str]:
    """Delete the row (shares cascade) and emit `file_deleted`; returns the storage keys the
    caller removes after commit."""
    shares = (await store.shared_in(uow.session, [file.id]))[file.id]
    keys = [file.storage_key, *preview_keys(file)]
    for share in shares:  # messages first: they are locked before the event counter
        await tombstone_in_message(uow, share.conversation, share.share.ts, file.id)
    channel_ids = sorted({s.conversation.id for s in shares})
    payload = {
        "type": "file_deleted",
        "file_id": file.id,
        "channel_ids": channel_ids,
        "event_ts": f"{unix_now()}.000000",
    }
    for channel_id in channel_ids:
        await emit(uow, file.workspace_id, payload, conversation_audience(channel_id))
    await emit(uow, file.workspace_id, payload, users_audience([file.user_id]))
    await uow.session.delete(file)
    await uow.session.flush()
    return keys


async def tombstone_in_message(
    uow: UnitOfWork, conversation: Conversation, ts: str, file_id: str
) -> None:
    """The message that shared the file keeps Slack's tombstone in its place
    (`{"id", "mode": "tombstone"}`); its viewers get `message_changed`."""
    message = await get_message_for_update(uow.session, conversation.id, ts)
    if message is None or message.is_deleted or not message.files:
        return
    files = [
        {"id": file_id, "mode": "tombstone"}
        if isinstance(item, dict) and item.get("id") == file_id
        else item
        for item in message.files
    ]
    if files != message.files:
        await do_replace_attachments(uow, conversation, message, message.attachments, files=files)


def preview_keys(file: File) -> list[str]:
    """Storage keys of the thumbnails, poster and PDF page made for `file`."""
    preview = file.preview or {}
    keys = [info["key"] for info in (preview.get("thumbs") or {}).values() if "key" in info]
    for kind in ("video", "pdf"):
        if preview.get(kind, {}).get("key"):
            keys.append(preview[kind]["key"])
    return keys


async def _access_own_file(uow: UnitOfWork, principal: Principal, file_id: str) -> File:
    """A file the caller can see, locked; only its uploader or an admin changes its public
    link (`not_allowed`)."""
    file = await access_file(uow.session, principal, file_id)
    locked = await store.get_file(uow.session, file.workspace_id, file.id, for_update=True)
    if locked is None:
        raise ApiError("file_not_found")
    if locked.user_id != principal.user_id and not principal.is_admin:
        raise ApiError("not_allowed")
    return locked


async def check_share_public(uow: UnitOfWork, principal: Principal, file_id: str) -> File:
    """files.sharedPublicURL: the uploader (or an admin) turns the public link on."""
    return await do_share_public(uow, await _access_own_file(uow, principal, file_id))


async def check_revoke_public(uow: UnitOfWork, principal: Principal, file_id: str) -> File:
    """files.revokePublicURL: the uploader (or an admin) turns the public link off."""
    return await do_revoke_public(uow, await _access_own_file(uow, principal, file_id))


async def do_share_public(uow: UnitOfWork, file: File) -> File:
    """Create the public link's secret (kept when already shared, as Slack does)."""
    if file.public_secret is None:
        file.public_secret = new_secret(nbytes=24)
        await emit(
            uow,
            file.workspace_id,
            {"type": "file_public", "file_id": file.id, "file": {"id": file.id}},
            users_audience([file.user_id]),
        )
    return file


async def do_revoke_public(uow: UnitOfWork, file: File) -> File:
    """Drop the public link; its URL stops working at once."""
    if file.public_secret is not None:
        file.public_secret = None
        await emit(
            uow,
            file.workspace_id,
            {"type": "file_unshared", "file_id": file.id, "file": {"id": file.id}},
            users_audience([file.user_id]),
        )
    return file


async def do_record_preview(
    uow: UnitOfWork, workspace_id: str, file_id: str, *, state: str, preview: dict[str, Any] | None
) -> File | None:
    """Store what the preview worker made and tell the file's viewers (`file_change`)."""
    file = await store.get_file(uow.session, workspace_id, file_id, for_update=True)
    if file is None:
        return None
    file.preview_state = state
    file.preview = preview
    shares = (await store.shared_in(uow.session, [file.id]))[file.id]
    payload = {"type": "file_change", "file_id": file.id, "file": {"id": file.id}}
    for channel_id in sorted({s.conversation.id for s in shares}):
        await emit(uow, workspace_id, payload, conversation_audience(channel_id))
    await emit(uow, workspace_id, payload, users_audience([file.user_id]))
    return file


# --- files.upload (v1) ----------------------------------------------------------------------

_FILETYPE = re.compile(r"^[a-z0-9_]{1,32}$")


def check_v1_filetype(filetype: str | None) -> str | None:
    """files.upload's `filetype` ("auto" or empty: sniffed from the bytes)."""
    if not filetype or filetype == "auto":
        return None
    if not _FILETYPE.match(filetype):
        raise ApiError("invalid_arguments")
    return filetype


async def check_v1_targets(uow: UnitOfWork, principal: Principal, request: CompleteRequest) -> None:
    """Refuse files.upload before any byte is stored when a conversation cannot take the
    share: v1's names (`invalid_channel` for an unknown one, `not_in_channel`, …)."""
    for channel in _share_targets(request):
        try:
            conversation = await access_post_target(uow, principal, channel)
        except ApiError as error:
            if error.code == "channel_not_found":
                raise ApiError("invalid_channel") from None
            raise
        check_can_post(principal, conversation, in_thread=request.thread_ts is not None)


async def do_label_filetype(
    uow: UnitOfWork, workspace_id: str, file_id: str, filetype: str
) -> None:
    """The caller's `filetype` names the file (the served type stays the sniffed mimetype)."""
    file = await store.get_file(uow.session, workspace_id, file_id, for_update=True)
    if file is not None:
        file.filetype = filetype


async def do_discard_upload(uow: UnitOfWork, workspace_id: str, file_id: str) -> list[str]:
    """Delete a file that never completed (no one saw it: no events); returns the storage
    keys to remove once committed."""
    file = await store.get_file(uow.session, workspace_id, file_id, for_update=True)
    if file is None or file.state == "complete":
        return []
    await uow.session.delete(file)
    await uow.session.flush()
    return [file.storage_key, *preview_keys(file)]
