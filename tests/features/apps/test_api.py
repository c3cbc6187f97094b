"""apps.manifest.* and apps.connections.open over the Web API."""

from __future__ import annotations

import json

import yaml

from tests.features.apps.helpers import manifest


async def test_validate_accepts_json_and_yaml(api, factory):
    team = await factory.workspace()
    spec = manifest(request_url="https://example.com/slack/events")
    assert (await api("apps.manifest.validate", team.owner.token, manifest=json.dumps(spec)))["ok"]
    assert (await api("apps.manifest.validate", team.owner.token, manifest=yaml.dump(spec)))["ok"]


async def test_validate_lists_every_problem_with_pointers(api, factory):
    team = await factory.workspace()
    spec = manifest(events=("app_mention", "no_such_event"), bot_scopes=("chat:write",))
    spec["display_information"]["name"] = ""
    spec["features"]["shortcuts"] = [{"name": "Go", "type": "sideways", "callback_id": "go"}]
    body = await api("apps.manifest.validate", team.owner.token, manifest=json.dumps(spec))
    assert body["error"] == "invalid_manifest"
    pointers = {e["pointer"] for e in body["errors"]}
    assert "/display_information/name" in pointers
    assert "/settings/event_subscriptions/bot_events/0" in pointers  # needs app_mentions:read
    assert "/settings/event_subscriptions/bot_events/1" in pointers  # unknown event
    assert "/settings/event_subscriptions/request_url" in pointers  # events need a URL
    assert "/features/shortcuts/0" in pointers  # neither global nor message
    not_object = await api("apps.manifest.validate", team.owner.token, manifest="[1, 2]")
    assert not_object["error"] == "invalid_manifest"


async def test_create_installs_bot_with_manifest_scopes(api, factory):
    team = await factory.workspace()
    spec = manifest(socket_mode=True, events=("app_mention",), commands=("/deploy",))
    created = await api("apps.manifest.create", team.owner.token, manifest=json.dumps(spec))
    assert created["ok"], created
    assert created["app_id"].startswith("A")
    assert set(created["credentials"]) >= {
        "client_id",
        "client_secret",
        "verification_token",
        "signing_secret",
    }
    assert created["bot_token"].startswith("xoxb-")
    assert created["app_token"].startswith("xapp-")
    response = await api.client.post(
        "/api/auth.test", headers={"Authorization": f"Bearer {created['bot_token']}"}
    )
    me = response.json()
    assert me["user_id"] == created["bot_user_id"]
    assert me["bot_id"] == created["bot_id"]
    assert set(response.headers["x-oauth-scopes"].split(",")) == set(
        spec["oauth_config"]["scopes"]["bot"]
    )
    # A scope the manifest did not ask for is missing, Slack-style.
    denied = await api("users.profile.set", created["bot_token"], name="x", value="y")
    assert denied["error"] in {"missing_scope", "not_allowed_token_type"}
    search = await api("emoji.list", created["bot_token"])
    assert search["error"] == "missing_scope"
    assert search["needed"] == "emoji:read"
    assert "chat:write" in search["provided"]
    commands = await api("commands.list", team.owner.token)
    assert [c["command"] for c in commands["commands"]] == ["/deploy"]


async def test_only_admins_create_apps(api, factory):
    team = await factory.workspace()
    member = await factory.user(team)
    body = await api(
        "apps.manifest.create", member.token, manifest=json.dumps(manifest(socket_mode=True))
    )
    assert body["error"] == "no_permission"


async def test_update_export_delete(api, factory):
    team = await factory.workspace()
    other = await factory.workspace()
    spec = manifest(socket_mode=True)
    created = await api("apps.manifest.create", team.owner.token, manifest=json.dumps(spec))
    app_id = created["app_id"]
    spec["oauth_config"]["scopes"]["bot"].append("emoji:read")
    updated = await api(
        "apps.manifest.update", team.owner.token, app_id=app_id, manifest=json.dumps(spec)
    )
    assert updated == {"ok": True, "app_id": app_id, "permissions_updated": True}
    assert (await api("emoji.list", created["bot_token"]))["ok"]
    exported = await api("apps.manifest.export", team.owner.token, app_id=app_id)
    assert "emoji:read" in exported["manifest"]["oauth_config"]["scopes"]["bot"]
    # Another workspace's app looks exactly like an unknown one.
    assert (await api("apps.manifest.export", other.owner.token, app_id=app_id))[
        "error"
    ] == "app_not_found"
    assert (await api("apps.manifest.delete", team.owner.token, app_id=app_id))["ok"]
    gone = await api("auth.test", created["bot_token"])
    assert gone["ok"] is False
    assert (await api("apps.manifest.export", team.owner.token, app_id=app_id))[
        "error"
    ] == "app_not_found"


async def test_connections_open_needs_an_app_token(api, factory):
    team = await factory.workspace()
    created = await api(
        "apps.manifest.create", team.owner.token, manifest=json.dumps(manifest(socket_mode=True))
    )
    opened = await api("apps.connections.open", created["app_token"])
    assert opened["ok"], opened
    assert opened["url"].startswith("ws://parley.test/apps/socket?ticket=")
    assert (await api("apps.connections.open", created["bot_token"]))[
        "error"
    ] == "not_allowed_token_type"


async def test_apps_uninstall_checks_client_credentials(api, factory):
    team = await factory.workspace()
    other = await factory.workspace()
    created = await api(
        "apps.manifest.create", team.owner.token, manifest=json.dumps(manifest(socket_mode=True))
    )
    creds = created["credentials"]
    wrong = await api(
        "apps.uninstall", created["bot_token"], client_id=creds["client_id"], client_secret="nope"
    )
    assert wrong["error"] == "bad_client_secret"
    elsewhere = await api(
        "apps.uninstall",
        other.owner.token,
        client_id=creds["client_id"],
        client_secret=creds["client_secret"],
    )
    assert elsewhere["error"] == "invalid_client_id"
    done = await api(
        "apps.uninstall",
        created["bot_token"],
        client_id=creds["client_id"],
        client_secret=creds["client_secret"],
    )
    assert done == {"ok": True}
    assert (await api("auth.test", created["bot_token"]))["ok"] is False
    assert (await api("auth.test", created["app_token"]))["ok"] is False
