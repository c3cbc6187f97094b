"""Tenant isolation: workspace B, holding every scope, can neither see nor change workspace A.

Generated from the method registry. Every parameter name of every method must be classified
below (as one of A's ids, or as a neutral value); a new method or parameter that is not
fails `test_every_parameter_is_classified`, so isolation is considered for it on day one.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from parley.composition import install
from parley.features.apps.routing import event_context_for
from parley.platform.auth.scopes import BOT_SCOPES
from parley.platform.settings import Settings
from parley.platform.webapi.registry import REGISTRY, Method
from tests.conftest import Api
from tests.factories import Factory
from tests.security.world import (
    Attacker,
    WorkspaceA,
    app_manifest,
    build_workspace_a,
    build_workspace_b,
    find_needles,
    snapshot,
)

install()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Rate limits off: A is snapshotted after every method, far above any tier."""
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        public_url="http://parley.test",
        rate_limits_enabled=False,
    )


Variant = dict[str, str]  # which of A's channels (and its message) this call aims at
CHANNEL_VARIANTS: list[Variant] = [
    {"channel": "public", "ts": "ts"},
    {"channel": "private", "ts": "private_ts"},
    {"channel": "dm", "ts": "dm_ts"},
]

# Parameters that name one of A's objects: the value is A's id for that object.
IdValue = Callable[[WorkspaceA, Variant, str], str]
ID_PARAMS: dict[str, IdValue] = {
    "channel": lambda a, v, m: a.ids[v["channel"]],
    "channel_id": lambda a, v, m: a.ids[v["channel"]],
    "channels": lambda a, v, m: a.ids[v["channel"]],
    "ts": lambda a, v, m: a.ids[v["ts"]],
    "timestamp": lambda a, v, m: a.ids[v["ts"]],
    "message_ts": lambda a, v, m: a.ids[v["ts"]],
    "thread_ts": lambda a, v, m: a.ids[v["ts"]],
    "user": lambda a, v, m: a.ids["member"],
    "users": lambda a, v, m: a.ids["member"],
    "user_id": lambda a, v, m: a.ids["member"],
    "selected_user": lambda a, v, m: a.ids["member"],
    "selected_users": lambda a, v, m: a.ids["member"],
    "selected_channel": lambda a, v, m: a.ids[v["channel"]],
    "selected_channels": lambda a, v, m: a.ids[v["channel"]],
    "selected_conversation": lambda a, v, m: a.ids[v["channel"]],
    "selected_conversations": lambda a, v, m: a.ids[v["channel"]],
    "actor": lambda a, v, m: a.ids["owner"],
    "file": lambda a, v, m: a.ids["file"],
    "files": lambda a, v, m: json.dumps([{"id": a.ids["file"], "title": "stolen"}]),
    "bookmark_id": lambda a, v, m: a.ids["bookmark"],
    "usergroup": lambda a, v, m: a.ids["usergroup"],
    "scheduled_message_id": lambda a, v, m: a.ids["scheduled"],
    "view_id": lambda a, v, m: a.ids["view"],
    "app_id": lambda a, v, m: a.ids["app"],
    "bot": lambda a, v, m: a.ids["bot_id"],
    "team_id": lambda a, v, m: a.ids["team"],
    # Where one of A's events happened, as A's envelopes name it.
    "event_context": lambda a, v, m: event_context_for(a.ids["team"], a.ids[v["channel"]]),
    "client_id": lambda a, v, m: a.ids["client_id"],
    # B cannot know A's client secret; giving it anyway checks the token still decides.
    "client_secret": lambda a, v, m: a.ids["client_secret"],
    "team": lambda a, v, m: a.ids["team"],
    "domain": lambda a, v, m: a.ids["domain"],
    "invite_id": lambda a, v, m: a.ids["invite"],
    "alias_for": lambda a, v, m: a.ids["emoji"],
    "email": lambda a, v, m: (
        a.member.email if m in {"users.lookupByEmail", "auth.signin"} else "b-guest@b.example"
    ),
    "name": lambda a, v, m: (
        "tada"
        if m.startswith("reactions.")
        else a.ids["emoji"]
        if m.startswith("admin.emoji.")
        else f"b-{secrets.token_hex(3)}"
    ),
    # Search for A's secret word: A's messages must not come back (the query is echoed).
    "query": lambda a, v, m: a.secret,
}

# Parameters that carry no reference to another workspace's objects: a harmless value.
NEUTRAL_PARAMS: dict[str, str] = {
    "limit": "10",
    "max_event_age": "5",
    "cursor": "",
    "count": "10",
    "page": "1",
    "before": "",
    "latest": "",
    "oldest": "",
    "inclusive": "true",
    "include_all_metadata": "false",
    "include_num_members": "true",
    "include_locale": "true",
    "include_icon": "true",
    "include_count": "true",
    "include_users": "true",
    "include_disabled": "true",
    "description": "B description",
    "handle": "b-handle",
    "external_url": "https://b.example/doc",
    "filetype": "text",
    "indexable_file_contents": "",
    "preview_image": "",
    "content": "B content",
    "mpim_aware": "true",
    "no_latest": "true",
    "no_unreads": "true",
    "simple_latest": "true",
    "include_labels": "true",
    "include_categories": "false",
    "exclude_archived": "false",
    "types": "public_channel,private_channel,mpim,im",
    "full": "true",
    "text": "B was here",
    "reason": "B was here",
    "title": "B title",
    "topic": "B topic",
    "purpose": "B purpose",
    "link": "https://b.example/",
    "emoji": ":smile:",
    "type": "link",
    "is_private": "false",
    "force": "true",
    "return_im": "true",
    "prevent_creation": "false",
    "blocks": "",
    "attachments": "",
    "reply_broadcast": "false",
    "mrkdwn": "true",
    "parse": "none",
    "link_names": "false",
    "unfurl_links": "false",
    "unfurl_media": "false",
    "username": "",
    "icon_emoji": "",
    "icon_url": "",
    "metadata": "",
    "client_msg_id": "",
    "markdown_text": "",
    "post_at": str(int(time.time()) + 7200),
    "initial_comment": "",
    "filename": "b.txt",
    "length": "3",
    "alt_txt": "",
    "snippet_type": "",
    "ts_from": "",
    "ts_to": "",
    "show_files_hidden_by_limit": "false",
    "sort": "timestamp",
    "sort_dir": "desc",
    "highlight": "false",
    "presence": "away",
    "profile": json.dumps({"real_name": "Owned By B"}),
    "value": "owned",
    "role": "admin",
    "active": "false",
    "expires_in_days": "3",
    "url": "https://img.example/b.gif",
    "test": "",
    "error": "",
    "foo": "",
    "batch_presence_aware": "false",
    "presence_sub": "false",
    "command": "/nothing",
    "action_id": "act",
    "block_id": "blk",
    "selected_option": "",
    "selected_options": "[]",
    "selected_date": "2030-01-01",
    "selected_time": "10:00",
    "selected_date_time": "1893456000",
    "action": "",
    "tab": "home",
    "source": "conversations_history",
    "unfurl_id": "Ux1",
    "unfurls": "{}",
    "user_auth_blocks": "",
    "user_auth_message": "",
    "user_auth_required": "false",
    "user_auth_url": "",
    "grant_type": "authorization_code",
    "redirect_uri": "",
    "refresh_token": "xoxe-1-not-a-real-refresh-token",
    "callback_id": "cb",
    "trigger_id": "12345.98765.abcd",
    "interactivity_pointer": "12345.98765.abcd",
    "external_id": "",
    "hash": "",
    "values": "{}",
    "code": "not-a-real-code",
    "password": "not-the-password",
    "real_name": "B Person",
    "team_name": "B Team",
    "view": json.dumps(
        {"type": "modal", "title": {"type": "plain_text", "text": "B"}, "blocks": []}
    ),
    "manifest": json.dumps(app_manifest("BApp")),
}

# Methods that answer ok:true with A's ids in the body, and why that leaks nothing.
ECHO_ALLOWED: dict[str, str] = {
    "api.test": "echoes its own arguments back (Slack's api.test); reads no data",
}


# A neutral value that depends on the method (the same name means different things).
NEUTRAL_OVERRIDES: dict[tuple[str, str], str] = {
    ("files.list", "types"): "all",
    ("users.conversations", "types"): "public_channel,private_channel,mpim,im",
}


def _params(method: Method) -> list[str]:
    return list(method.params.model_fields)


def test_every_parameter_is_classified() -> None:
    unknown = sorted(
        f"{name}:{param}"
        for name, method in REGISTRY.items()
        for param in _params(method)
        if param not in ID_PARAMS and param not in NEUTRAL_PARAMS
    )
    assert unknown == [], (
        f"classify these parameters in tests/security/test_isolation.py: {unknown}"
    )
    assert set(ECHO_ALLOWED) <= set(REGISTRY)


def _arguments(method: Method, a: WorkspaceA, variant: Variant) -> dict[str, str]:
    args: dict[str, str] = {}
    for param in _params(method):
        if param in ID_PARAMS:
            args[param] = ID_PARAMS[param](a, variant, method.name)
        else:
            args[param] = NEUTRAL_OVERRIDES.get((method.name, param), NEUTRAL_PARAMS[param])
    return {k: v for k, v in args.items() if v != ""}


def _variants(method: Method) -> list[Variant]:
    names = set(_params(method))
    if names & {"channel", "channel_id", "channels", "ts", "timestamp", "message_ts"}:
        return CHANNEL_VARIANTS
    return CHANNEL_VARIANTS[:1]


async def _tokens(method: Method, b: Attacker, factory: Factory) -> list[str]:
    """Tokens of B to try: a fresh owner token (all user scopes; fresh because auth.revoke
    and auth.signout end the caller's own credential) and a bot/app token where allowed
    (B's installed app's bot, holding every bot scope; a fresh plain bot for auth.revoke)."""
    tokens: list[str] = []
    if "user" in method.token_kinds:
        tokens.append(await factory.token(b.team.owner))
    if "bot" in method.token_kinds:
        if method.name == "auth.revoke":
            tokens.append(await factory.token(b.bot, kind="bot", scopes=BOT_SCOPES))
        else:
            tokens.append(b.bot_token)
    if "app" in method.token_kinds:
        tokens.append(b.app_token)
    return tokens


async def _call(client: httpx.AsyncClient, method: str, token: str, args: dict[str, str]) -> Any:
    response = await client.post(
        f"/api/{method}", data=args, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code in (200, 429), (method, response.status_code, response.text)
    return response.json()


@pytest.mark.slow
async def test_workspace_b_cannot_read_or_change_workspace_a(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    a = await build_workspace_a(api, client, factory)
    b = await build_workspace_b(api, factory)
    before = await snapshot(api, a)
    needles = a.needles()
    leaks: list[str] = []
    changed: list[str] = []
    for name in sorted(REGISTRY):
        method = REGISTRY[name]
        for token in await _tokens(method, b, factory):
            for variant in _variants(method):
                args = _arguments(method, a, variant)
                body = await _call(client, name, token, args)
                assert body.get("error") != "internal_error", (name, args, body)
                if not body.get("ok") or name in ECHO_ALLOWED:
                    continue
                look_for = needles - ({a.secret} if "query" in args else set())
                found = find_needles(body, look_for)
                if found:
                    leaks.append(f"{name} {variant['channel']} {token[:5]} -> {found}: {body}")
        after = await snapshot(api, a)
        if after != before:
            diff = {k for k in before if before[k] != after.get(k)}
            changed.append(f"{name} changed A: {sorted(diff)}")
            before = after
    assert leaks == [], "\n".join(leaks)
    assert changed == [], "\n".join(changed)
