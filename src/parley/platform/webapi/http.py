"""`/api/<method>`: merge arguments, authenticate, authorise, rate-limit, run, serialise.

Everything Slack's clients need on the wire is decided here, once (see SLACK_COMPAT.md):
HTTP 200 + `application/json` for success and failure alike, 429 + integer `Retry-After`,
arguments merged from query string, form, multipart and JSON bodies, and the
`x-oauth-scopes` header Bolt reads.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from contextlib import AbstractAsyncContextManager
from typing import Any
from urllib.parse import parse_qsl

import orjson
from pydantic import ValidationError
from starlette.formparsers import MultiPartParser
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from parley.platform.auth.principal import Principal
from parley.platform.errors import ApiError, RateLimited
from parley.platform.plugins import PLATFORM
from parley.platform.rendering import CLIENT_FIELDS, RENDER_HEADER, wants_rendering
from parley.platform.security import hash_secret, secrets_equal
from parley.platform.services import Services
from parley.platform.webapi.context import Call
from parley.platform.webapi.registry import REGISTRY, Auth, Method

log = logging.getLogger("parley.platform.webapi")

SESSION_COOKIE = "parley_session"
CSRF_COOKIE = "parley_csrf"
CSRF_HEADER = "x-parley-csrf"
_JSON_TYPE = "application/json; charset=utf-8"
_BASE_HEADERS = {"x-content-type-options": "nosniff", "cache-control": "no-store"}


async def viewer_of_get(services: Services, request: Request) -> Principal | None:
    """Who is asking for a file, thumbnail or card image: a bearer token or the session
    cookie. A GET changes nothing, so the cookie alone suffices (an <img> cannot send a CSRF
    header) and SameSite keeps it first-party. None for no or bad credentials. With shards,
    the rest of the request then reads the viewer's workspace's shard (`ParleyApp` undoes
    the binding when the request ends)."""
    principal = await _viewer(services, request)
    if principal is not None:
        await services.db.bind_workspace(principal.workspace_id)
    return principal


async def bearer_principal(services: Services, request: Request) -> Principal | None:
    """Who a bearer token names (no cookie: an API outside `/api`, such as SCIM, that
    browsers must not reach with a session); None for none or a bad one. With shards, the
    rest of the request reads the token's workspace's shard."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() != "bearer ":
        return None
    token = header[7:].strip()
    try:
        async with _on_shard_of(services, token), services.db.read() as session:
            principal = await PLATFORM.credentials.principal_for_token(session, token)
    except ApiError:
        return None
    await services.db.bind_workspace(principal.workspace_id)
    return principal


async def _viewer(services: Services, request: Request) -> Principal | None:
    header = request.headers.get("authorization", "")
    try:
        if header[:7].lower() == "bearer ":
            token = header[7:].strip()
            async with _on_shard_of(services, token), services.db.read() as session:
                return await PLATFORM.credentials.principal_for_token(session, token)
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            async with _on_shard_of(services, cookie), services.db.read() as session:
                principal, _csrf = await PLATFORM.credentials.principal_for_session(session, cookie)
            return principal
    except ApiError:
        return None
    return None


def _on_shard_of(services: Services, secret: str) -> AbstractAsyncContextManager[None]:
    """Look a credential up on the shard of the workspace it names (the primary when it
    names none, or unsharded): it is resolved before the workspace is known."""
    workspace_id = PLATFORM.credentials.workspace_hint(secret) if services.db.sharded else None
    return services.db.workspace(workspace_id)


def json_response(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type=_JSON_TYPE,
        headers={**_BASE_HEADERS, **headers} if headers else _BASE_HEADERS,
    )


async def _read_body(request: Request, limit: int) -> bytes:
    """The whole request body, refusing more than `limit` bytes before reading them all."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise ApiError("request_too_large", limit_bytes=limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ApiError("request_aborted")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise ApiError("request_too_large", limit_bytes=limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks) if len(chunks) != 1 else chunks[0]


def _decode_json_body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}  # the sync SDK sends an empty body labelled application/json
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ApiError("invalid_json") from None
    if not isinstance(value, dict):
        raise ApiError("json_not_object")
    return value


def _decode_form(body: bytes) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError("invalid_charset") from None
    return dict(parse_qsl(text, keep_blank_values=True))


async def _decode_multipart(request: Request, body: bytes) -> dict[str, Any]:
    async def chunks() -> AsyncGenerator[bytes, None]:
        yield body

    parser = MultiPartParser(request.headers, chunks(), max_files=10, max_fields=200)
    try:
        form = await parser.parse()
    except Exception:  # python-multipart raises several unrelated types on bad input
        raise ApiError("invalid_form_data") from None
    return dict(form.multi_items())


def _decode_query(raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


def _reject_nul(values: dict[str, Any]) -> None:
    """NUL characters are never meaningful in Slack arguments and PostgreSQL cannot store
    them in text: refuse them up front rather than fail half-way through a write."""
    for value in values.values():
        if isinstance(value, str) and "\x00" in value:
            raise ApiError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] NUL characters are not allowed"]},
            )


async def collect_arguments(request: Request, limit: int) -> dict[str, Any]:
    """Query string, then body (form, multipart or JSON); body values win on conflicts."""
    args = _decode_query(request.scope.get("query_string", b""))
    _reject_nul(args)
    if request.scope["method"] != "POST":
        return args
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await _read_body(request, limit)
    if content_type == "multipart/form-data":
        fields = await _decode_multipart(request, body)
        _reject_nul(fields)  # text fields only; uploaded file parts may hold any bytes
        args.update(fields)
        return args
    if b"\x00" in body or b"\\u0000" in body:  # raw, or JSON-escaped anywhere in the tree
        _reject_nul({"body": "\x00"})
    if content_type == "application/json":
        args.update(_decode_json_body(body))
    elif body:
        if body.lstrip().startswith(b"{") and content_type in {"", "text/plain"}:
            args.update(_decode_json_body(body))
        else:
            form = _decode_form(body)
            _reject_nul(form)
            args.update(form)
    return args


def _bearer_token(request: Request, args: dict[str, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    token = args.pop("token", None)
    return token if isinstance(token, str) and token else None


async def authenticate(
    services: Services, request: Request, args: dict[str, Any]
) -> Principal | None:
    """Bearer token or `token` argument first; otherwise the browser session cookie + CSRF."""
    token = _bearer_token(request, args)
    cookie = request.cookies.get(SESSION_COOKIE)
    if token is None and cookie is None:
        return None
    cache = services.credentials
    if token is not None:
        key = "t:" + hash_secret(token)
        cached = cache.get(key)
        if cached is not None:
            return cached.principal
        return await cache.single_flight(key, lambda: _load_token(services, key, token))
    assert cookie is not None
    key = "s:" + hash_secret(cookie)
    cached = cache.get(key)
    if cached is not None:
        principal, csrf = cached.principal, cached.csrf_token
    else:
        async with _on_shard_of(services, cookie), services.db.read() as session:
            principal, csrf = await PLATFORM.credentials.principal_for_session(session, cookie)
        cache.put(key, principal, csrf)
    # A cookie rides along on cross-site requests; the CSRF header proves same-origin script.
    if not csrf or not secrets_equal(request.headers.get(CSRF_HEADER, ""), csrf):
        raise ApiError("invalid_csrf")
    return principal


async def _load_token(services: Services, key: str, token: str) -> Principal:
    async with _on_shard_of(services, token), services.db.read() as session:
        principal = await PLATFORM.credentials.principal_for_token(session, token)
    services.credentials.put(key, principal)
    return principal


def _check_access(method: Method, principal: Principal | None) -> None:
    if method.auth is not Auth.TOKEN:
        return
    if principal is None:
        raise ApiError("not_authed")
    if principal.token_kind not in method.token_kinds:
        raise ApiError("not_allowed_token_type")
    if method.scopes and not any(principal.has_scope(s) for s in method.scopes):
        raise ApiError(
            "missing_scope",
            needed=",".join(method.scopes),
            provided=",".join(sorted(principal.scopes)),
        )


def _validation_error(method: Method, error: ValidationError) -> ApiError:
    messages = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"])
        if item["type"] == "missing" and field in method.missing_errors:
            return ApiError(method.missing_errors[field])
        messages.append(f"[ERROR] {item['msg'].lower()} [json-pointer:/{field}]")
    return ApiError("invalid_arguments", response_metadata={"messages": messages})


def _rate_key(principal: Principal | None, request: Request) -> str:
    if principal is None:
        return "ip:" + (request.client.host if request.client else "?")
    if principal.token_id is not None:
        return f"t:{principal.token_id}"
    return f"s:{principal.session_id}"


class ApiResponse:
    """A JSON answer written straight to ASGI with pre-encoded headers (the hot path)."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, body: bytes, headers: list[tuple[bytes, bytes]], status: int = 200) -> None:
        self.body = body
        self.headers = headers
        self.status = status

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})


_RAW_BASE_HEADERS = [
    (b"content-type", _JSON_TYPE.encode()),
    *((k.encode(), v.encode()) for k, v in _BASE_HEADERS.items()),
]


def _scope_headers(principal: Principal | None, method: Method) -> list[tuple[bytes, bytes]]:
    if principal is None:
        return []
    return [
        (b"x-oauth-scopes", principal.scopes_header.encode()),
        (b"x-accepted-oauth-scopes", ",".join(method.scopes).encode()),
    ]


def _encode_for(request: Request, principal: Principal | None, body: dict[str, Any]) -> bytes:
    """The answer; without Parley's web-client fields unless that client asked for them."""
    encoded = orjson.dumps(body)
    if not CLIENT_FIELDS.mentioned_in(encoded) or wants_rendering(
        principal, request.headers.get(RENDER_HEADER)
    ):
        return encoded
    return orjson.dumps(CLIENT_FIELDS.strip(body))


def _finish(
    call: Call | None, encoded: bytes, extra: list[tuple[bytes, bytes]]
) -> ApiResponse | Response:
    if call is None or not (call.response_headers or call.set_cookies):
        headers = [*_RAW_BASE_HEADERS, (b"content-length", str(len(encoded)).encode()), *extra]
        return ApiResponse(encoded, headers)
    response = Response(encoded, media_type=_JSON_TYPE, headers=_BASE_HEADERS)
    response.raw_headers.extend(extra)
    for name, value in call.response_headers.items():
        response.headers[name] = value
    for cookie in call.set_cookies:
        response.set_cookie(**cookie)
    return response


API_PREFIX = "/api/"


def api_fast_path(app: ASGIApp, services: Services) -> ASGIApp:
    """Serve `/api/<method>` directly, in front of Starlette's middleware and router.

    Every Web API call pays for each ASGI layer it crosses; the API needs none of them
    (it sets its own headers and never raises), so it skips them. Measured in
    docs/benchmarks.md.
    """

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] == "http"
            and path.startswith(API_PREFIX)
            and path != "/api/openapi.json"
            and scope["method"] in ("GET", "POST")
        ):
            request = Request(scope, receive)
            response = await dispatch(services, request, path[len(API_PREFIX) :])
            await response(scope, receive, send)
            return
        await app(scope, receive, send)

    return asgi


async def handle_api_call(request: Request) -> ApiResponse | Response:
    services: Services = request.app.state.services
    return await dispatch(services, request, request.path_params["method"])


async def dispatch(services: Services, request: Request, name: str) -> ApiResponse | Response:
    method = REGISTRY.get(name)
    if method is None:
        return json_response({"ok": False, "error": "unknown_method"})
    principal: Principal | None = None
    call: Call | None = None
    try:
        args = await collect_arguments(request, services.settings.max_body_bytes)
        try:
            principal = await authenticate(services, request, args)
        except ApiError:
            if method.auth is not Auth.NONE:
                raise
        _check_access(method, principal)
        services.rate_limiter.check(_rate_key(principal, request), name, method.tier)
        try:
            params = method.params.model_validate(args)
        except ValidationError as error:
            raise _validation_error(method, error) from None
        call = Call(services=services, request=request, principal_or_none=principal)
        if principal is not None and principal.token_kind in {"user", "session"}:
            services.presence.touch(principal.user_id)
        # Once the caller is known, the handler's database work goes to its workspace's
        # shard (nothing happens unsharded); unbound after, as the task may go on.
        bound = (
            None if principal is None else await services.db.bind_workspace(principal.workspace_id)
        )
        try:
            result = await method.handler(call, params)
        finally:
            services.db.unbind(bound)
        encoded = _encode_for(request, principal, {"ok": True, **result})
        return _finish(call, encoded, _scope_headers(principal, method))
    except RateLimited as limited:
        return json_response(
            limited.to_body(), status=429, headers={"Retry-After": str(limited.retry_after)}
        )
    except ApiError as error:
        return _finish(call, orjson.dumps(error.to_body()), _scope_headers(principal, method))
    except Exception:
        log.exception("unhandled error in %s", name)
        return json_response({"ok": False, "error": "internal_error"})
