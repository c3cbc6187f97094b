"""Serves the built web client (TypeScript/React, built by Vite into `parley/static/app`).

`/` and the client's own routes (`/client/...`, `/signin`, `/invite/<code>`,
`/archives/<channel>/p<ts>`, ...) all answer with the app's `index.html`; the app reads the
path. Hashed assets under `/assets/` are cached for a year and sent gzip-compressed when
the build wrote a `.gz` twin and the browser accepts it. Without a build, `/` shows a
placeholder that points at the Web API.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

APP_DIR = Path(__file__).parent / "static" / "app"

_PLACEHOLDER = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Parley</title></head><body><main><h1>Parley is running</h1>
<p>The web client has not been built. The Web API is at <code>/api/&lt;method&gt;</code>;
its OpenAPI document is at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</main></body></html>"""

# Paths the single-page app routes itself (it shows "not found" for anything else).
CLIENT_ROUTES = (
    "/client",
    "/signin",
    "/signup",
    "/invite/",
    "/archives/",
    "/admin",
    "/forgot-password",
    "/reset-password/",
)
_IMMUTABLE = "public, max-age=31536000, immutable"
_REVALIDATE = "no-cache"


def _accepts_gzip(request: Request) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "").lower()


def _file(request: Request, path: Path, cache_control: str) -> Response:
    """The file, or its pre-compressed `.gz` twin when the browser accepts gzip."""
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = {"cache-control": cache_control, "vary": "accept-encoding"}
    compressed = path.with_name(path.name + ".gz")
    if _accepts_gzip(request) and compressed.is_file():
        headers["content-encoding"] = "gzip"
        return FileResponse(compressed, media_type=media_type, headers=headers)
    return FileResponse(path, media_type=media_type, headers=headers)


def _inside_app(relative: str) -> Path | None:
    """`relative` resolved under the build folder, or None when it escapes it or is absent."""
    root = APP_DIR.resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


async def index(request: Request) -> Response:
    page = APP_DIR / "index.html"
    if not page.is_file():
        return HTMLResponse(_PLACEHOLDER)
    return _file(request, page, _REVALIDATE)


async def asset(request: Request) -> Response:
    found = _inside_app("assets/" + request.path_params["path"])
    if found is None or found.suffix == ".gz":
        return PlainTextResponse("Not Found", status_code=404)
    return _file(request, found, _IMMUTABLE)


async def top_level_file(request: Request) -> Response:
    """Files Vite copies from `web/public` (favicon and the like)."""
    found = _inside_app(request.url.path.lstrip("/"))
    if found is None:
        return PlainTextResponse("Not Found", status_code=404)
    return _file(request, found, "public, max-age=3600")


def web_routes() -> list[BaseRoute]:
    """Routes for `/`, the client's routes and its assets; mounted last so `/api` wins."""
    routes: list[BaseRoute] = [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/assets/{path:path}", asset, methods=["GET", "HEAD"]),
        Route("/favicon.svg", top_level_file, methods=["GET", "HEAD"]),
    ]
    for prefix in CLIENT_ROUTES:
        base = prefix.rstrip("/")
        routes.append(Route(base, index, methods=["GET", "HEAD"]))
        routes.append(Route(base + "/{rest:path}", index, methods=["GET", "HEAD"]))
    return routes
