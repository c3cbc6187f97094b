"""`parley serve` serves the built client: index for client routes, gzip assets, placeholder."""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx
import pytest

from parley import webclient


@pytest.fixture
def fake_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny stand-in for Vite's output, so these tests do not depend on npm."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><script src="/assets/app.js"></script>')
    (tmp_path / "assets" / "app.js").write_text("console.log('app')")
    (tmp_path / "assets" / "app.js.gz").write_bytes(gzip.compress(b"console.log('app')"))
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("not for you")
    monkeypatch.setattr(webclient, "APP_DIR", tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "path",
    ["/", "/client", "/client/T1/C1", "/signin", "/invite/abc", "/archives/C1/p1700000000000100"],
)
async def test_client_routes_get_the_app(client: httpx.AsyncClient, fake_build: Path, path: str):
    response = await client.get(path)
    assert response.status_code == 200
    assert "/assets/app.js" in response.text
    assert response.headers["cache-control"] == "no-cache"
    assert "script-src 'self'" in response.headers["content-security-policy"]


async def test_assets_are_gzipped_and_cached(client: httpx.AsyncClient, fake_build: Path):
    response = await client.get("/assets/app.js", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == "console.log('app')"  # httpx decodes it
    assert "immutable" in response.headers["cache-control"]
    assert response.headers["content-type"].split(";")[0].endswith("javascript")

    plain = await client.get("/assets/app.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.text == "console.log('app')"


@pytest.mark.parametrize(
    "path", ["/assets/missing.js", "/assets/app.js.gz", "/assets/..%2f..%2fsecret.txt"]
)
async def test_unknown_or_escaping_assets_are_404(
    client: httpx.AsyncClient, fake_build: Path, path: str
):
    assert (await client.get(path)).status_code == 404


async def test_api_still_wins_over_the_client(client: httpx.AsyncClient, fake_build: Path):
    body = (await client.post("/api/api.test")).json()
    assert body == {"ok": True}


async def test_placeholder_without_a_build(
    client: httpx.AsyncClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(webclient, "APP_DIR", tmp_path / "nothing-here")
    response = await client.get("/")
    assert response.status_code == 200
    assert "has not been built" in response.text
