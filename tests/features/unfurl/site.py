"""A small loopback web site for unfurl tests: pages with Open Graph, Twitter cards, plain
`<title>`, oEmbed discovery, an image, redirects and a slow page; it counts every hit."""

from __future__ import annotations

import io
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

PORTS = range(18200, 18300)  # this feature's test port range


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "green").save(out, format="PNG")
    return out.getvalue()


def pages(base: str) -> dict[str, tuple[int, dict[str, str], bytes]]:
    html = {"content-type": "text/html; charset=utf-8"}
    return {
        "/og": (
            200,
            html,
            f"""<!doctype html><html><head>
            <meta property="og:title" content="Release 2.0 &amp; more">
            <meta property="og:description" content="Everything new in <!channel> 2.0">
            <meta property="og:image" content="/img/cover.png">
            <meta property="og:site_name" content="Example News">
            <link rel="icon" href="{base}/favicon.png">
            <title>ignored title</title></head><body><p>hi</p></body></html>""".encode(),
        ),
        "/twitter": (
            200,
            html,
            b"""<html><head><meta name="twitter:title" content="Tweet-ish">
            <meta name="twitter:description" content="from twitter tags">
            <meta name="twitter:image" content="https://cdn.example.org/t.png"></head></html>""",
        ),
        "/plain": (
            200,
            {"content-type": "text/html"},
            """<html><head><meta charset="iso-8859-1"><title> Plain   page </title>
            <meta name="description" content="Caf\xe9 description"></head></html>""".encode(
                "latin-1"
            ),
        ),
        "/embed": (
            200,
            html,
            f"""<html><head><link rel="alternate" type="application/json+oembed"
            href="{base}/oembed.json?u=1"></head><body></body></html>""".encode(),
        ),
        "/oembed.json": (
            200,
            {"content-type": "application/json"},
            b'{"type": "video", "title": "A video", "author_name": "Ann", '
            b'"provider_name": "Vidz", "thumbnail_url": "https://cdn.example.org/v.jpg"}',
        ),
        "/img/cover.png": (200, {"content-type": "image/png"}, png()),
        "/nothing": (200, html, b"<html><body>no facts here</body></html>"),
        "/missing": (404, html, b"<html><head><title>Not found</title></head></html>"),
        "/binary": (200, {"content-type": "application/octet-stream"}, b"\x00" * 100),
    }


class Site:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.redirects: dict[str, str] = {}
        self.server: ThreadingHTTPServer | None = None
        self.delay = 0.0

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                site.hits[path] += 1
                if path == "/slow":
                    time.sleep(site.delay)
                if path in site.redirects:
                    self.send_response(302)
                    self.send_header("location", site.redirects[path])
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                status, headers, body = pages(site.base).get(
                    path if path != "/slow" else "/og", (404, {}, b"")
                )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def start(self) -> None:
        for port in PORTS:
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
                break
            except OSError:
                continue
        else:
            raise RuntimeError("no free port in the unfurl test range")
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@contextmanager
def running_site() -> Iterator[Site]:
    site = Site()
    site.start()
    try:
        yield site
    finally:
        site.stop()
