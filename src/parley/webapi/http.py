"""`/api/<method>`: merge arguments, authenticate, authorise, rate-limit, run, serialise.

Everything Slack's clients need on the wire is decided here, once (see SLACK_COMPAT.md):
HTTP 200 + `application/json` for success and failure alike, 429 + integer `Retry-After`,
arguments merged from query string, form, multipart and JSON bodies, and the
`x-oauth-scopes` header Bolt reads.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl

import orjson
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from parley.auth.principal import Principal
from parley.auth.store import principal_for_session, principal_for_token
from parley.core.errors import ApiError, RateLimited
from parley.services import Services
from parley.webapi.context import Call
from parley.webapi.registry import REGISTRY, Auth, Method

log = logging.getLogger("parley.webapi")

SESSION_COOKIE = "parley_session"
CSRF_COOKIE = "parley_csrf"
CSRF_HEADER = "x-parley-csrf"
_JSON_TYPE = "application/json; charset=utf-8"


def json_response(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=_JSON_TYPE, headers=headers)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise ApiError("request_too_large", limit_bytes=limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError("request_too_large", limit_bytes=limit)
        chunks.append(chunk)
    return b"".join(chunks)


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


async def _decode_multipart(request: Request) -> dict[str, Any]:
    try:
        form = await request.form(max_files=10, max_fields=200)
    except Exception:  # python-multipart raises several unrelated types on bad input
        raise ApiError("invalid_form_data") from None
    return dict(form.multi_items())


async def collect_arguments(request: Request, limit: int) -> dict[str, Any]:
    """Query string, then body (form, multipart or JSON); body values win on conflicts."""
    args: dict[str, Any] = dict(request.query_params)
    if request.method != "POST":
        return args
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        await _read_body(request, limit)
        args.update(await _decode_multipart(request))
        return args
    body = await _read_body(request, limit)
    if content_type == "application/json":
        args.update(_decode_json_body(body))
    elif body:
        if body.lstrip().startswith(b"{") and content_type in {"", "text/plain"}:
            args.update(_decode_json_body(body))
        else:
            args.update(_decode_form(body))
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
    async with services.db.read() as session:
        if token is not None:
            return await principal_for_token(session, token)
        assert cookie is not None
        principal, csrf = await principal_for_session(session, cookie)
    # A cookie rides along on cross-site requests; the CSRF header proves same-origin script.
    if request.headers.get(CSRF_HEADER) != csrf:
        raise ApiError("invalid_csrf")
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


def _scope_headers(principal: Principal | None, method: Method) -> dict[str, str]:
    if principal is None:
        return {}
    return {
        "x-oauth-scopes": ",".join(sorted(principal.scopes)),
        "x-accepted-oauth-scopes": ",".join(method.scopes),
    }


def _finish(call: Call | None, body: dict[str, Any], headers: dict[str, str]) -> Response:
    response = json_response(body, headers=headers)
    if call is not None:
        for name, value in call.response_headers.items():
            response.headers[name] = value
        for cookie in call.set_cookies:
            response.set_cookie(**cookie)
    return response


async def handle_api_call(request: Request) -> Response:
    services: Services = request.app.state.services
    name = request.path_params["method"]
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
        result = await method.handler(call, params)
        return _finish(call, {"ok": True, **result}, _scope_headers(principal, method))
    except RateLimited as limited:
        return json_response(
            limited.to_body(), status=429, headers={"Retry-After": str(limited.retry_after)}
        )
    except ApiError as error:
        return _finish(call, error.to_body(), _scope_headers(principal, method))
    except Exception:
        log.exception("unhandled error in %s", name)
        return json_response({"ok": False, "error": "internal_error"})
