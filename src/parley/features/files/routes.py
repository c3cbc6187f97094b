"""HTTP routes for file bytes: the upload URL, authenticated downloads, thumbnails, public
links. Everything else about files is Web API methods (`parley.features.files.api`).

Files are served so that nothing can run script in Parley's origin: the type is the sniffed
one, only images, audio, video and plain text are ever `inline`, everything else (SVG and
HTML included) is an `attachment` typed `application/octet-stream`, and every answer
carries `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from parley.features.files import actions, store
from parley.features.files.content import is_inline_safe
from parley.features.files.models import File
from parley.features.files.schemas import (
    PRIVATE_PREFIX,
    PUBLIC_PREFIX,
    THUMB_PREFIX,
    UPLOAD_PREFIX,
    url_private,
)
from parley.features.files.storage import BlobNotFound, storage_for
from parley.features.files.transfer import ClientGone, UploadTooLarge, receive_upload
from parley.platform.auth.principal import Principal
from parley.platform.errors import ApiError
from parley.platform.ids import looks_like
from parley.platform.security import secrets_equal
from parley.platform.services import Services
from parley.platform.webapi.http import json_response, viewer_of_get

log = logging.getLogger("parley.features.files")

FILE_HEADERS = {
    "x-content-type-options": "nosniff",
    # A file opened directly runs in a sandbox with no script and no subresources.
    "content-security-policy": "default-src 'none'; img-src 'self'; media-src 'self'; sandbox",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "private, max-age=3600",
}


def _error(status: int, code: str) -> Response:
    return json_response({"ok": False, "error": code}, status=status)


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


# --- upload ---------------------------------------------------------------------------------


async def upload(request: Request) -> Response:
    """`POST` the file's bytes to the URL files.getUploadURLExternal returned.

    The URL's secret is the only credential (slack_sdk sends no Authorization header); the
    body is raw bytes with any content type, or multipart/form-data."""
    services = _services(request)
    token = request.path_params["token"]
    await services.db.bind_workspace_of_secret(token)  # the URL's secret names its workspace
    try:
        size = await receive_upload(services, storage_for(services.settings), token, request)
    except actions.UploadRefused as refused:
        return Response(refused.reason, status_code=refused.status, media_type="text/plain")
    except UploadTooLarge as too_large:
        return Response(
            f"file_too_large: more than {too_large.limit} bytes",
            status_code=413,
            media_type="text/plain",
        )
    except ValueError:
        return Response("invalid multipart body", status_code=400, media_type="text/plain")
    except ClientGone:
        return Response("upload aborted", status_code=400, media_type="text/plain")
    return Response(f"OK - {size}", media_type="text/plain")


# --- who is asking --------------------------------------------------------------------------


def _split(segment: str, parts: int) -> list[str] | None:
    pieces = segment.split("-", parts - 1)
    return pieces if len(pieces) == parts else None


async def _visible_file(
    session: AsyncSession, principal: Principal, team_id: str, file_id: str
) -> File | None:
    if team_id != principal.workspace_id or not looks_like(file_id, "F"):
        return None
    try:
        return await actions.access_file(session, principal, file_id)
    except ApiError:
        return None


async def _authorised_file(request: Request, segment: str) -> File | Response:
    pieces = _split(segment, 2)
    principal = await viewer_of_get(_services(request), request)
    if principal is None:
        return _error(401, "not_authed")
    if principal.token_kind != "session" and not principal.has_scope("files:read"):
        return _error(403, "missing_scope")
    if pieces is None:
        return _error(404, "file_not_found")
    async with _services(request).db.read() as session:
        file = await _visible_file(session, principal, pieces[0], pieces[1])
    return file if file is not None else _error(404, "file_not_found")


# --- serving --------------------------------------------------------------------------------


def content_disposition(disposition: str, filename: str) -> str:
    """`inline`/`attachment` with an ASCII fallback name and the exact UTF-8 name."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def _stream(request: Request, key: str) -> AsyncIterator[bytes]:
    async for chunk in storage_for(_services(request).settings).stream(key):
        yield chunk


async def _first_then_rest(stream: AsyncIterator[bytes]) -> AsyncIterator[bytes] | None:
    """Open the stream before the response starts, so a missing object is a clean 404."""
    try:
        first = await anext(stream)
    except StopAsyncIteration:
        first = b""
    except BlobNotFound:
        return None

    async def chained() -> AsyncIterator[bytes]:
        if first:
            yield first
        async for chunk in stream:
            yield chunk

    return chained()


async def _serve(
    request: Request, key: str, *, mimetype: str, filename: str, download: bool, size: int | None
) -> Response:
    body = await _first_then_rest(_stream(request, key))
    if body is None:
        return _error(404, "file_not_found")
    inline = not download and is_inline_safe(mimetype)
    headers: dict[str, Any] = {
        **FILE_HEADERS,
        "content-disposition": content_disposition("inline" if inline else "attachment", filename),
    }
    if size is not None:
        headers["content-length"] = str(size)
    media_type = mimetype if inline else "application/octet-stream"
    return StreamingResponse(body, media_type=media_type, headers=headers)


async def _private(request: Request, *, download: bool) -> Response:
    found = await _authorised_file(request, request.path_params["ref"])
    if isinstance(found, Response):
        return found
    return await _serve(
        request,
        found.storage_key,
        mimetype=found.mimetype,
        filename=found.name,
        download=download,
        size=found.size,
    )


async def private_file(request: Request) -> Response:
    """`url_private`: the file, inline when its type is safe to show."""
    return await _private(request, download=False)


async def private_download(request: Request) -> Response:
    """`url_private_download`: always an attachment."""
    return await _private(request, download=True)


async def thumbnail(request: Request) -> Response:
    """A preview image (thumb_360, thumb_video poster, thumb_pdf first page)."""
    ref = request.path_params["ref"]
    head, _, variant = ref.rpartition("-")
    found = await _authorised_file(request, head)
    if isinstance(found, Response):
        return found
    info = _preview_info(found, variant)
    if info is None:
        return _error(404, "file_not_found")
    return await _serve(
        request,
        info["key"],
        mimetype=info.get("mimetype", "image/webp"),
        filename=f"{found.name}.{variant}.webp",
        download=False,
        size=None,
    )


def _preview_info(file: File, variant: str) -> dict[str, Any] | None:
    preview = file.preview or {}
    if variant in {"video", "pdf"}:
        info = preview.get(variant)
    else:
        info = (preview.get("thumbs") or {}).get(variant)
    return info if isinstance(info, dict) and "key" in info else None


async def public_file(request: Request) -> Response:
    """A file whose public link is shared (files.sharedPublicURL); gone once revoked."""
    pieces = _split(request.path_params["ref"], 3)
    if pieces is None:
        return _error(404, "file_not_found")
    team_id, file_id, secret = pieces
    if not looks_like(file_id, "F"):
        return _error(404, "file_not_found")
    db = _services(request).db
    async with db.workspace(team_id), db.read() as session:
        file = await store.get_file(session, team_id, file_id)
    if (
        file is None
        or file.state != "complete"
        or file.public_secret is None
        or not secrets_equal(file.public_secret, secret)
    ):
        return _error(404, "file_not_found")
    return await _serve(
        request,
        file.storage_key,
        mimetype=file.mimetype,
        filename=file.name,
        download=False,
        size=file.size,
    )


async def permalink(request: Request) -> Response:
    """Slack's `permalink` (`/files/U…/F…/name`): sends a signed-in viewer to the file."""
    file_id = request.path_params["file_id"]
    principal = await viewer_of_get(_services(request), request)
    if principal is None or not looks_like(file_id, "F"):
        return _error(404, "file_not_found")
    async with _services(request).db.read() as session:
        file = await _visible_file(session, principal, principal.workspace_id, file_id)
    if file is None:
        return _error(404, "file_not_found")
    return RedirectResponse(url_private("", file), status_code=302)


def file_routes() -> list[BaseRoute]:
    return [
        Route(UPLOAD_PREFIX + "{token:str}", upload, methods=["POST", "PUT"]),
        Route(PRIVATE_PREFIX + "{ref:str}/download/{name:path}", private_download, methods=["GET"]),
        Route(PRIVATE_PREFIX + "{ref:str}/{name:path}", private_file, methods=["GET"]),
        Route(THUMB_PREFIX + "{ref:str}/{name:path}", thumbnail, methods=["GET"]),
        Route(PUBLIC_PREFIX + "{ref:str}/{name:path}", public_file, methods=["GET"]),
        Route("/files/{user_id:str}/{file_id:str}/{name:path}", permalink, methods=["GET"]),
    ]
