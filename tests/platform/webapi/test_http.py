"""The Web API spine: argument merging, errors, limits, headers, OpenAPI."""

from __future__ import annotations

import httpx
import orjson

from parley.platform.services import Services
from parley.platform.webapi.ratelimit import TierLimit
from parley.platform.webapi.registry import REGISTRY, Tier
from tests.conftest import Api
from tests.factories import Factory


async def test_unknown_method_is_a_slack_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/nope.nothing")
    assert response.status_code == 200
    assert response.json() == {"ok": False, "error": "unknown_method"}


async def test_api_test_echoes_and_fails_on_request(api: Api) -> None:
    assert await api("api.test", foo="bar") == {"ok": True, "args": {"foo": "bar"}}
    assert await api("api.test", error="my_error") == {"ok": False, "error": "my_error"}


async def test_missing_and_bad_tokens(api: Api) -> None:
    assert (await api("auth.test"))["error"] == "not_authed"
    assert (await api("auth.test", token="xoxp-nope"))["error"] == "invalid_auth"
    assert (await api("auth.test", token="garbage"))["error"] == "invalid_auth"


async def test_token_from_argument_header_query_and_json(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    token = team.owner.token
    by_form = await client.post("/api/auth.test", data={"token": token})
    by_query = await client.get("/api/auth.test", params={"token": token})
    by_json = await client.post("/api/auth.test", json={"token": token})
    by_header = await client.post(
        "/api/auth.test",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json;charset=utf-8",
        },
    )
    for response in (by_form, by_query, by_json, by_header):
        assert response.json()["user_id"] == team.owner.user_id
        assert "users:read" in response.headers["x-oauth-scopes"]


async def test_query_and_body_arguments_merge(client: httpx.AsyncClient, factory: Factory) -> None:
    team = await factory.workspace()
    response = await client.post(
        "/api/users.info",
        params={"user": team.owner.user_id},
        headers={"Authorization": f"Bearer {team.owner.token}"},
        data={"include_locale": "1", "team_id": team.team_id},
    )
    assert response.json()["user"]["id"] == team.owner.user_id


async def test_malformed_bodies_give_clear_errors(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    headers = {"Authorization": f"Bearer {team.owner.token}", "Content-Type": "application/json"}
    cases = {
        b"{not json": "invalid_json",
        b"[1, 2]": "json_not_object",
        b'{"user": {"nested": [1]}}': "invalid_arguments",
    }
    for body, error in cases.items():
        response = await client.post("/api/users.info", content=body, headers=headers)
        assert response.status_code == 200
        assert response.json()["error"] == error, body
    bad_utf8 = await client.post(
        "/api/users.info",
        content=b"user=\xff\xfe",
        headers={
            "Authorization": f"Bearer {team.owner.token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert bad_utf8.json()["error"] == "invalid_charset"


async def test_deeply_nested_json_is_rejected_cleanly(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    body = b'{"profile": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    response = await client.post(
        "/api/users.profile.set",
        content=body,
        headers={"Authorization": f"Bearer {team.owner.token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert response.json()["ok"] is False


async def test_oversized_body_is_refused(client: httpx.AsyncClient, services: Services) -> None:
    limit = services.settings.max_body_bytes
    response = await client.post(
        "/api/api.test",
        content=b"x=" + b"a" * (limit + 10),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    assert response.json()["error"] == "request_too_large"


async def test_rate_limit_answers_429_with_integer_retry_after(
    client: httpx.AsyncClient, services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    services.rate_limiter.tiers[Tier.T4] = TierLimit(burst=2, per_minute=60)
    headers = {"Authorization": f"Bearer {team.owner.token}"}
    statuses = []
    for _ in range(3):
        response = await client.post(
            "/api/users.info", data={"user": team.owner.user_id}, headers=headers
        )
        statuses.append(response.status_code)
    assert statuses == [200, 200, 429]
    assert response.json() == {"ok": False, "error": "ratelimited"}
    assert response.headers["retry-after"].isdigit()
    # Another token is not affected by the first one's flood.
    other = await factory.user(team)
    ok = await client.post(
        "/api/users.info",
        data={"user": other.user_id},
        headers={"Authorization": f"Bearer {other.token}"},
    )
    assert ok.status_code == 200


async def test_missing_scope_reports_needed_and_provided(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    narrow = await factory.token(team.owner, scopes=("team:read",))
    body = await api("users.list", narrow)
    assert body == {
        "ok": False,
        "error": "missing_scope",
        "needed": "users:read",
        "provided": "team:read",
    }


async def test_openapi_lists_every_registered_method(client: httpx.AsyncClient) -> None:
    document = orjson.loads((await client.get("/api/openapi.json")).content)
    assert set(document["paths"]) == {f"/api/{name}" for name in REGISTRY}
    assert document["paths"]["/api/users.info"]["post"]["x-parley-scopes"] == ["users:read"]


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"ok": True}
    ready = (await client.get("/readyz")).json()
    assert ready["ok"] is True  # and how calls' media stands, which never fails readiness
    assert ready["media"]["state"] == "not_configured"


async def test_security_headers_on_pages(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_multipart_arguments(client: httpx.AsyncClient, factory: Factory) -> None:
    team = await factory.workspace()
    response = await client.post(
        "/api/users.info",
        headers={"Authorization": f"Bearer {team.owner.token}"},
        files={"user": (None, team.owner.user_id)},
    )
    assert response.json()["user"]["id"] == team.owner.user_id
    broken = await client.post(
        "/api/users.info",
        headers={
            "Authorization": f"Bearer {team.owner.token}",
            "Content-Type": "multipart/form-data; boundary=zzz",
        },
        content=b"--zzz\r\nnot a part",
    )
    assert broken.json()["ok"] is False


async def test_nul_characters_are_refused_everywhere(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    auth = {"Authorization": f"Bearer {team.owner.token}"}
    attempts = [
        client.post(
            "/api/users.profile.set", data={"name": "title", "value": "a\x00b"}, headers=auth
        ),
        client.post(
            "/api/users.profile.set", params={"name": "title", "value": "a\x00b"}, headers=auth
        ),
        client.post("/api/users.profile.set", json={"profile": {"title": "a\x00b"}}, headers=auth),
    ]
    for attempt in attempts:
        body = (await attempt).json()
        assert body["ok"] is False
        assert body["error"] == "invalid_arguments"
