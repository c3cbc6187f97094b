"""Unmodified slack_sdk clients against a live Parley: auth, users, pagination, rate limits."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from parley.platform.webapi.ratelimit import TierLimit
from parley.platform.webapi.registry import Tier
from tests.conftest import LiveServer, SyncFactory
from tests.factories import Factory


def test_sync_client_auth_users_and_pagination(
    live_server: LiveServer, sync_factory: SyncFactory
) -> None:
    team = sync_factory.workspace()
    for _ in range(4):
        sync_factory.user(team)
    client = WebClient(token=team.owner.token, base_url=live_server.api_url)
    auth = client.auth_test()
    assert auth["user_id"] == team.owner.user_id and auth["team_id"] == team.team_id
    assert "users:read" in auth.headers["x-oauth-scopes"]
    ids = [m["id"] for page in client.users_list(limit=2) for m in page["members"]]
    assert len(ids) == len(set(ids)) == 5
    assert client.users_info(user=team.owner.user_id)["user"]["is_owner"] is True
    assert client.users_lookupByEmail(email=team.owner.email)["user"]["id"] == team.owner.user_id
    assert client.team_info()["team"]["id"] == team.team_id
    client.users_profile_set(profile={"status_text": "Focus", "status_emoji": ":dart:"})
    assert client.users_profile_get()["profile"]["status_text"] == "Focus"
    client.users_setPresence(presence="away")
    assert client.users_getPresence(user=team.owner.user_id)["manual_away"] is True
    with pytest.raises(SlackApiError) as raised:
        client.users_info(user="U000NOPE")
    assert raised.value.response["error"] == "user_not_found"


def test_sync_client_bad_token(live_server: LiveServer) -> None:
    client = WebClient(token="xoxp-not-a-real-token", base_url=live_server.api_url)
    with pytest.raises(SlackApiError) as raised:
        client.auth_test()
    assert raised.value.response["error"] == "invalid_auth"


def test_rate_limit_retry_handler_waits_and_succeeds(
    live_server: LiveServer, sync_factory: SyncFactory
) -> None:
    team = sync_factory.workspace()
    live_server.services.rate_limiter.tiers[Tier.T4] = TierLimit(burst=1, per_minute=120)
    plain = WebClient(token=team.owner.token, base_url=live_server.api_url)
    plain.users_info(user=team.owner.user_id)
    with pytest.raises(SlackApiError) as raised:
        plain.users_info(user=team.owner.user_id)
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    patient = WebClient(
        token=team.owner.token,
        base_url=live_server.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3)],
    )
    assert patient.users_info(user=team.owner.user_id)["ok"]


async def test_async_client_sends_query_args(live_server: LiveServer, factory: Factory) -> None:
    team = await factory.workspace()
    await factory.user(team)
    client = AsyncWebClient(token=team.owner.token, base_url=live_server.api_url)
    try:
        assert (await client.auth_test())["user_id"] == team.owner.user_id
        ids = []
        async for page in await client.users_list(limit=1):
            ids += [m["id"] for m in page["members"]]
        assert len(ids) == 2
        info = await client.users_info(user=team.owner.user_id)
        assert info["user"]["id"] == team.owner.user_id
    finally:
        if client.session is not None:
            await client.session.close()
