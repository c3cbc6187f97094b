"""File queries: no commits, no events. Every query is scoped by workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from parley.features.files.models import File, FileShare, RemoteFile, RemoteFileShare
from parley.features.files.schemas import SharedIn
from parley.platform.auth.principal import Principal
from parley.platform.spaces import Conversation, ConversationMember
from parley.platform.visibility import Viewer, in_readable_conversation

# Slack's `types` filter for files.list → our filetypes / mimetype prefixes.
TYPE_FILTERS: dict[str, tuple[str, ...]] = {
    "images": ("png", "jpg", "gif", "webp", "bmp", "heic", "svg"),
    "pdfs": ("pdf",),
    "zips": ("zip", "gzip"),
    "snippets": ("text",),
    "spaces": ("post", "space"),
    "gdocs": ("gdoc",),
    "videos": ("mp4", "mov", "webm", "avi"),
}


async def get_file(
    session: AsyncSession, workspace_id: str, file_id: str, *, for_update: bool = False
) -> File | None:
    query = select(File).where(File.workspace_id == workspace_id, File.id == file_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def get_by_upload_token(session: AsyncSession, token_hash: str) -> File | None:
    query = select(File).where(File.upload_token_hash == token_hash).with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def used_bytes(session: AsyncSession, workspace_id: str, pending_since: datetime) -> int:
    """Bytes counted against the quota: stored files plus still-valid upload reservations."""
    query = select(func.coalesce(func.sum(File.size), 0)).where(
        File.workspace_id == workspace_id,
        or_(File.state != "pending", File.created >= pending_since),
    )
    return int((await session.execute(query)).scalar_one())


async def shared_in(session: AsyncSession, file_ids: list[str]) -> dict[str, list[SharedIn]]:
    """Every share of these files with its conversation, oldest first, by file id."""
    if not file_ids:
        return {}
    rows = await session.execute(
        select(FileShare, Conversation)
        .join(Conversation, Conversation.id == FileShare.conversation_id)
        .where(FileShare.file_id.in_(file_ids))
        .order_by(FileShare.id)
    )
    found: dict[str, list[SharedIn]] = {file_id: [] for file_id in file_ids}
    for share, conversation in rows.all():
        found[share.file_id].append(SharedIn(share, conversation))
    return found


async def member_conversation_ids(
    session: AsyncSession, user_id: str, conversation_ids: set[str]
) -> set[str]:
    if not conversation_ids:
        return set()
    rows = await session.execute(
        select(ConversationMember.conversation_id).where(
            ConversationMember.user_id == user_id,
            ConversationMember.conversation_id.in_(conversation_ids),
        )
    )
    return set(rows.scalars())


def visible_to(principal: Viewer) -> ColumnElement[bool]:
    """SQL: the caller uploaded the file, or it is shared in a conversation they may read."""
    shared_where_readable = exists().where(
        FileShare.file_id == File.id,
        in_readable_conversation(principal, FileShare.conversation_id),
    )
    return or_(File.user_id == principal.user_id, shared_where_readable)


@dataclass(frozen=True)
class FileQuery:
    principal: Principal
    channel: str | None = None
    user: str | None = None
    filetypes: tuple[str, ...] = ()
    ts_from: int | None = None
    ts_to: int | None = None


def _older_than(
    created: InstrumentedAttribute[int], row_id: InstrumentedAttribute[str], before: tuple[int, str]
) -> ColumnElement[bool]:
    """Keyset paging, newest first: rows after `before` = (created_unix, id) of the last row
    of the previous page (ties on the second broken by id)."""
    created_at, last_id = before
    return or_(created < created_at, and_(created == created_at, row_id < last_id))


def _filters(q: FileQuery) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = [
        File.workspace_id == q.principal.workspace_id,
        File.state == "complete",
        visible_to(q.principal),
    ]
    if q.channel:
        filters.append(
            exists().where(FileShare.file_id == File.id, FileShare.conversation_id == q.channel)
        )
    if q.user:
        filters.append(File.user_id == q.user)
    if q.filetypes:
        filters.append(File.filetype.in_(q.filetypes))
    if q.ts_from is not None:
        filters.append(File.created_unix >= q.ts_from)
    if q.ts_to is not None:
        filters.append(File.created_unix <= q.ts_to)
    return filters


async def count_files(session: AsyncSession, q: FileQuery) -> int:
    query = select(func.count()).select_from(File).where(*_filters(q))
    return int((await session.execute(query)).scalar_one())


async def list_files(
    session: AsyncSession,
    q: FileQuery,
    *,
    limit: int,
    offset: int = 0,
    before: tuple[int, str] | None = None,
) -> list[File]:
    """Newest first; `before` = (created_unix, id) of the last file of the previous page."""
    filters = _filters(q)
    if before is not None:
        filters.append(_older_than(File.created_unix, File.id, before))
    query = (
        select(File)
        .where(*filters)
        .order_by(File.created_unix.desc(), File.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list((await session.execute(query)).scalars())


async def files_awaiting_preview(session: AsyncSession, limit: int) -> list[File]:
    query = (
        select(File)
        .where(File.preview_state == "pending", File.state != "pending")
        .order_by(File.created_unix)
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


# --- remote files ---------------------------------------------------------------------------


async def get_remote(
    session: AsyncSession,
    workspace_id: str,
    app_id: str,
    *,
    file_id: str | None = None,
    external_id: str | None = None,
    for_update: bool = False,
) -> RemoteFile | None:
    """The app's own remote file by id or external id (never another app's)."""
    query = select(RemoteFile).where(
        RemoteFile.workspace_id == workspace_id, RemoteFile.app_id == app_id
    )
    if file_id is not None:
        query = query.where(RemoteFile.id == file_id)
    if external_id is not None:
        query = query.where(RemoteFile.external_id == external_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def remote_shared_in(
    session: AsyncSession, remote_ids: list[str]
) -> dict[str, list[SharedIn]]:
    """Every share of these remote files with its conversation, oldest first, by file id."""
    if not remote_ids:
        return {}
    rows = await session.execute(
        select(RemoteFileShare, Conversation)
        .join(Conversation, Conversation.id == RemoteFileShare.conversation_id)
        .where(RemoteFileShare.remote_file_id.in_(remote_ids))
        .order_by(RemoteFileShare.id)
    )
    found: dict[str, list[SharedIn]] = {remote_id: [] for remote_id in remote_ids}
    for share, conversation in rows.all():
        found[share.remote_file_id].append(SharedIn(share, conversation))
    return found


@dataclass(frozen=True)
class RemoteQuery:
    workspace_id: str
    app_id: str
    channel: str | None = None
    ts_from: int | None = None
    ts_to: int | None = None


async def list_remote(
    session: AsyncSession, q: RemoteQuery, *, limit: int, before: tuple[int, str] | None
) -> list[RemoteFile]:
    """The app's remote files, newest first; `before` = (created_unix, id) of the last one
    of the previous page."""
    filters: list[ColumnElement[bool]] = [
        RemoteFile.workspace_id == q.workspace_id,
        RemoteFile.app_id == q.app_id,
    ]
    if q.channel:
        filters.append(
            exists().where(
                RemoteFileShare.remote_file_id == RemoteFile.id,
                RemoteFileShare.conversation_id == q.channel,
            )
        )
    if q.ts_from is not None:
        filters.append(RemoteFile.created_unix >= q.ts_from)
    if q.ts_to is not None:
        filters.append(RemoteFile.created_unix <= q.ts_to)
    if before is not None:
        filters.append(_older_than(RemoteFile.created_unix, RemoteFile.id, before))
    query = (
        select(RemoteFile)
        .where(*filters)
        .order_by(RemoteFile.created_unix.desc(), RemoteFile.id.desc())
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())
