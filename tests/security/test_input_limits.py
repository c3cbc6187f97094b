"""Hostile input sizes and encodings: clear Slack-style errors, never a 500, bounded memory.

Runs against a real `parley serve` process so the server's resident memory can be read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from tests.conftest import SyncFactory
from tests.factories import Member
from tests.security.server import ServerProcess

MB = 1024 * 1024


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with ServerProcess(database_url, tmp_path_factory.mktemp("limits")) as process:
        yield process


@pytest.fixture(scope="module")
def owner(database_url: str) -> Iterator[tuple[Member, str]]:
    factory = SyncFactory(database_url)
    team = factory.workspace()
    created = factory.factory  # the async factory, driven through SyncFactory
    assert created is not None
    yield team.owner, team.domain
    factory.close()


def _channel(http: httpx.Client, token: str) -> str:
    body = http.post(
        "/api/conversations.create",
        data={"name": "limits"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    if body.get("ok"):
        return str(body["channel"]["id"])
    listed = http.post(
        "/api/conversations.list", headers={"Authorization": f"Bearer {token}"}
    ).json()
    return str(next(c["id"] for c in listed["channels"] if c["name"] == "limits"))


def _answer(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 400, 413), (response.status_code, response.text[:200])
    assert response.status_code < 500
    body: dict[str, Any] = response.json()
    assert body["ok"] is False, body
    assert body["error"] != "internal_error", body
    return body


def _chunks(total: int, size: int = MB) -> Iterator[bytes]:
    sent = 0
    piece = b"a" * size
    while sent < total:
        yield piece
        sent += size


def test_oversized_bodies_are_refused_without_buffering(
    server: ServerProcess, owner: tuple[Member, str]
) -> None:
    member, _domain = owner
    auth = {"Authorization": f"Bearer {member.token}"}
    with httpx.Client(base_url=server.url, timeout=60) as http:
        http.post("/api/auth.test", headers=auth)  # warm up before measuring
        before = server.rss()
        declared = http.post(
            "/api/chat.postMessage",
            content=b"text=" + b"a" * (50 * MB),
            headers={**auth, "content-type": "application/x-www-form-urlencoded"},
        )
        assert _answer(declared)["error"] == "request_too_large"
        # No Content-Length (chunked): the server counts as it reads and stops at the limit.
        chunked = http.post(
            "/api/chat.postMessage",
            content=_chunks(50 * MB),
            headers={**auth, "content-type": "application/json"},
        )
        assert _answer(chunked)["error"] == "request_too_large"
        multipart = http.post(
            "/api/files.getUploadURLExternal",
            files={"file": ("big.bin", b"\x00" * (50 * MB))},
            headers=auth,
        )
        assert _answer(multipart)["error"] == "request_too_large"
        growth = server.rss() - before
    print(f"server RSS growth over 3 x 50 MB refused bodies: {growth / MB:.1f} MB")
    assert growth < 40 * MB, f"RSS grew {growth / MB:.1f} MB for 3 x 50 MB bodies"


def test_hostile_shapes_and_encodings(server: ServerProcess, owner: tuple[Member, str]) -> None:
    member, _domain = owner
    auth = {"Authorization": f"Bearer {member.token}"}
    with httpx.Client(base_url=server.url, timeout=60) as http:
        channel = _channel(http, member.token)

        def post_json(body: bytes) -> dict[str, Any]:
            return _answer(
                http.post(
                    "/api/chat.postMessage",
                    content=body,
                    headers={**auth, "content-type": "application/json"},
                )
            )

        def post_form(data: dict[str, str] | bytes) -> dict[str, Any]:
            if isinstance(data, bytes):
                return _answer(
                    http.post(
                        "/api/chat.postMessage",
                        content=data,
                        headers={**auth, "content-type": "application/x-www-form-urlencoded"},
                    )
                )
            return _answer(http.post("/api/chat.postMessage", data=data, headers=auth))

        deep = b"[" * 10_000 + b"]" * 10_000
        assert (
            post_json(b'{"channel": "' + channel.encode() + b'", "blocks": ' + deep + b"}")["error"]
            == "invalid_json"
        )
        deep_text = "[" * 10_000 + "]" * 10_000
        assert post_form({"channel": channel, "blocks": deep_text})["error"] in {
            "invalid_json",
            "invalid_blocks",
            "invalid_blocks_format",
            "invalid_arguments",
        }
        deep_object = '{"a":' * 10_000 + "1" + "}" * 10_000
        assert post_form({"channel": channel, "text": "x", "metadata": deep_object})["error"]
        many_blocks = orjson.dumps(
            [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}] * 5_000
        ).decode()
        assert post_form({"channel": channel, "blocks": many_blocks})["error"] in {
            "invalid_blocks",
            "invalid_arguments",
            "too_many_blocks",
            "invalid_blocks_format",
        }
        many_attachments = orjson.dumps([{"text": "x"}] * 20_000).decode()
        assert post_form({"channel": channel, "attachments": many_attachments})["error"]
        long_text = "🦜" * 45_000  # more characters than a message holds, 180 kB of UTF-8
        assert (
            post_json(orjson.dumps({"channel": channel, "text": long_text}))["error"]
            == "msg_too_long"
        )
        combining = "e" + "\u0301" * 45_000  # one grapheme, 45k code points
        assert (
            post_json(orjson.dumps({"channel": channel, "text": combining}))["error"]
            == "msg_too_long"
        )
        assert post_form({"channel": channel, "text": "a\x00b"})["error"] == "invalid_arguments"
        assert (
            post_json(orjson.dumps({"channel": channel, "text": "a\x00b"}))["error"]
            == "invalid_arguments"
        )
        assert (
            post_form(b"channel=" + channel.encode() + b"&text=\xff\xfe\xfa")["error"]
            == "invalid_charset"
        )
        assert (
            post_json(b'{"channel": "' + channel.encode() + b'", "text": "\xff\xfe"}')["error"]
            == "invalid_json"
        )
        assert post_json(b'{"channel": "x", "text": "\\ud800"}')["error"]  # lone surrogate
        assert post_json(b"[1, 2, 3]")["error"] == "json_not_object"
        assert post_json(b'{"channel": ' + b'"x", ' * 100_000 + b'"text": "y"}')["error"]
        # Many small fields in a form body are cheap to refuse or accept, never a crash.
        many_fields = "&".join(f"f{n}=v" for n in range(100_000)).encode()
        answer = http.post(
            "/api/auth.test",
            content=many_fields,
            headers={**auth, "content-type": "application/x-www-form-urlencoded"},
        )
        assert answer.status_code == 200 and answer.json().get("error") != "internal_error"
        # The server is still healthy afterwards.
        assert http.post("/api/auth.test", headers=auth).json()["ok"]
    assert "Traceback" not in server.log_path.read_text()
