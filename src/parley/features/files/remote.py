"""Remote files (files.remote.*): references to files stored elsewhere.

A remote file belongs to the app that added it (decision 0016): only that app's tokens find
it by id or `external_id`, change it, remove it or share it. Sharing posts a message carrying
the file object into each conversation, as sharing an uploaded file does. The only writers
of `remote_files` and `remote_file_shares`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.files import store
from parley.features.files.actions import MAX_SHARE_CHANNELS, tombstone_in_message, visible_shares
from parley.features.files.content import sniff
from parley.features.files.models import RemoteFile, RemoteFileShare
from parley.features.files.schemas import remote_file_object
from parley.features.messages.interface import access_post_target, check_can_post, do_post_message
from parley.platform.auth.principal import Principal
from parley.platform.clock import unix_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import conversation_audience, emit
from parley.platform.ids import looks_like, new_id

MAX_TITLE = 255
MAX_EXTERNAL_ID = 255
MAX_URL = 4000
MAX_INDEXABLE_CHARS = 100_000
_FILETYPE = re.compile(r"^[a-z0-9_]{1,32}$")


def owner_app(principal: Principal) -> str:
    """The app acting: remote files are an app's, so a token of no app cannot use them."""
    if principal.app_id is None:
        raise ApiError("not_allowed_token_type")
    return principal.app_id


@dataclass(frozen=True)
class RemoteChanges:
    """What files.remote.add sets or files.remote.update changes (None = unchanged)."""

    title: str | None = None
    external_url: str | None = None
    filetype: str | None = None
    indexable_text: str | None = None
    preview_image: bytes | None = None


def _invalid(why: str) -> ApiError:
    return ApiError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {why}"]})


def check_external_id(external_id: str) -> str:
    if not external_id or len(external_id) > MAX_EXTERNAL_ID:
        raise ApiError("invalid_external_id")
    return external_id


def check_changes(changes: RemoteChanges) -> RemoteChanges:
    """`bad_title` (empty or over 255), `invalid_arguments` for a URL that is not http(s) or a
    malformed filetype, `bad_image` for a preview that is not an image."""
    if changes.title is not None and not (0 < len(changes.title.strip()) <= MAX_TITLE):
        raise ApiError("bad_title")
    url = changes.external_url
    if url is not None and (
        len(url) > MAX_URL or not re.match(r"^https?://[^\s]+$", url, re.IGNORECASE)
    ):
        raise _invalid("external_url must be an http(s) URL")
    if changes.filetype is not None and not _FILETYPE.match(changes.filetype):
        raise _invalid("filetype must be a Slack file type (a-z, 0-9, _)")
    if changes.preview_image is not None and not sniff(changes.preview_image[:4096]).is_image:
        raise ApiError("bad_image")
    return changes


def _apply(remote: RemoteFile, changes: RemoteChanges) -> None:
    if changes.title is not None:
        remote.title = changes.title.strip()
    if changes.external_url is not None:
        remote.external_url = changes.external_url
    if changes.filetype is not None:
        remote.filetype = changes.filetype
    if changes.indexable_text is not None:
        remote.indexable_text = changes.indexable_text[:MAX_INDEXABLE_CHARS]
    if changes.preview_image is not None:
        remote.has_rich_preview = True
    remote.updated_unix = unix_now()


async def check_add_remote(
    uow: UnitOfWork, principal: Principal, external_id: str, changes: RemoteChanges
) -> RemoteFile:
    """files.remote.add: add the app's remote file, or update it when the app already added
    one with this `external_id` (Slack's upsert)."""
    app_id = owner_app(principal)
    check_external_id(external_id)
    check_changes(changes)
    if changes.title is None or changes.external_url is None:
        raise ApiError("invalid_arguments")
    existing = await store.get_remote(
        uow.session, principal.workspace_id, app_id, external_id=external_id, for_update=True
    )
    if existing is not None:
        return await _update(uow, existing, changes)
    now = unix_now()
    remote = RemoteFile(
        id=new_id("F"),
        workspace_id=principal.workspace_id,
        app_id=app_id,
        user_id=principal.user_id,
        external_id=external_id,
        external_url=changes.external_url,
        title=changes.title.strip(),
        filetype="remote",
        indexable_text=None,
        has_rich_preview=False,
        created_unix=now,
        updated_unix=now,
    )
    _apply(remote, changes)
    uow.session.add(remote)
    await uow.session.flush()
    return remote


async def access_remote(
    session: AsyncSession,
    principal: Principal,
    file_id: str | None,
    external_id: str | None,
    *,
    for_update: bool = False,
) -> RemoteFile:
    """The caller's app's remote file named by `file` or `external_id` (both: the same one),
    else `file_not_found`, also for other apps' and other workspaces' files."""
    app_id = owner_app(principal)
    if not file_id and not external_id:
        raise ApiError("file_not_found")
    if file_id and not looks_like(file_id, "F"):
        raise ApiError("file_not_found")
    remote = await store.get_remote(
        session,
        principal.workspace_id,
        app_id,
        file_id=file_id or None,
        external_id=external_id or None,
        for_update=for_update,
    )
    if remote is None:
        raise ApiError("file_not_found")
    return remote


async def remote_objects(
    session: AsyncSession, principal: Principal, base_url: str, remotes: list[RemoteFile]
) -> list[dict[str, Any]]:
    """Slack file objects, each listing only the shares the caller may see."""
    shares = await store.remote_shared_in(session, [r.id for r in remotes])
    objects = []
    for remote in remotes:
        visible = await visible_shares(session, principal, shares[remote.id])
        objects.append(remote_file_object(base_url, remote, visible))
    return objects


async def _update(uow: UnitOfWork, remote: RemoteFile, changes: RemoteChanges) -> RemoteFile:
    _apply(remote, changes)
    shares = (await store.remote_shared_in(uow.session, [remote.id]))[remote.id]
    payload = {"type": "file_change", "file_id": remote.id, "file": {"id": remote.id}}
    for channel_id in sorted({s.conversation.id for s in shares}):
        await emit(uow, remote.workspace_id, payload, conversation_audience(channel_id))
    await uow.session.flush()
    return remote


async def check_update_remote(
    uow: UnitOfWork,
    principal: Principal,
    file_id: str | None,
    external_id: str | None,
    changes: RemoteChanges,
) -> RemoteFile:
    """files.remote.update: change the app's remote file; where it is shared, viewers get
    `file_change`."""
    check_changes(changes)
    remote = await access_remote(uow.session, principal, file_id, external_id, for_update=True)
    return await _update(uow, remote, changes)


async def check_remove_remote(
    uow: UnitOfWork, principal: Principal, file_id: str | None, external_id: str | None
) -> None:
    """files.remote.remove: forget the app's remote file; the messages that shared it keep
    a tombstone and their conversations get `file_deleted`."""
    remote = await access_remote(uow.session, principal, file_id, external_id, for_update=True)
    shares = (await store.remote_shared_in(uow.session, [remote.id]))[remote.id]
    for share in shares:
        await tombstone_in_message(uow, share.conversation, share.share.ts, remote.id)
    payload = {
        "type": "file_deleted",
        "file_id": remote.id,
        "channel_ids": sorted({s.conversation.id for s in shares}),
        "event_ts": f"{unix_now()}.000000",
    }
    for channel_id in payload["channel_ids"]:
        await emit(uow, remote.workspace_id, payload, conversation_audience(channel_id))
    await uow.session.delete(remote)
    await uow.session.flush()


async def check_share_remote(
    uow: UnitOfWork,
    principal: Principal,
    base_url: str,
    file_id: str | None,
    external_id: str | None,
    channels: list[str],
) -> RemoteFile:
    """files.remote.share: post the app's remote file into each conversation (at most 10),
    under chat.postMessage's rules (`channel_not_found`, `not_in_channel`, `is_archived`,
    `restricted_action`); each gets `file_shared`."""
    targets = list(dict.fromkeys(channels))
    if not targets:
        raise ApiError("invalid_channel")
    if len(targets) > MAX_SHARE_CHANNELS:
        raise ApiError("too_many_channels")
    remote = await access_remote(uow.session, principal, file_id, external_id, for_update=True)
    for channel in targets:
        conversation = await access_post_target(uow, principal, channel)
        check_can_post(principal, conversation, in_thread=False)
        [shown] = await remote_objects(uow.session, principal, base_url, [remote])
        message = await do_post_message(
            uow,
            conversation,
            user_id=principal.user_id,
            text="",
            files=[shown],
            bot_id=principal.bot_id if principal.is_bot else None,
            app_id=principal.app_id if principal.is_bot else None,
        )
        uow.session.add(
            RemoteFileShare(
                remote_file_id=remote.id,
                workspace_id=remote.workspace_id,
                conversation_id=conversation.id,
                ts=message.ts,
                user_id=principal.user_id,
                created_unix=unix_now(),
            )
        )
        await emit(
            uow,
            remote.workspace_id,
            {
                "type": "file_shared",
                "file_id": remote.id,
                "user_id": principal.user_id,
                "file": {"id": remote.id},
                "channel_id": conversation.id,
                "event_ts": message.ts,
            },
            conversation_audience(conversation.id),
        )
        await uow.session.flush()
    return remote
