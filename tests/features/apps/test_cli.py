"""`parley app create --manifest FILE --workspace T…` (JSON and YAML manifests)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from slack_sdk import WebClient
from typer.testing import CliRunner

from parley.cli.main import app
from tests.conftest import LiveServer
from tests.features.apps.helpers import manifest

runner = CliRunner()


def _workspace(database_url: str, domain: str) -> str:
    made = runner.invoke(
        app,
        [
            "workspace",
            "create",
            "--name",
            "Acme",
            "--domain",
            domain,
            "--owner-email",
            f"boss@{domain}.example",
            "--owner-password",
            "long-enough",
            "--database-url",
            database_url,
            "--json",
        ],
    )
    assert made.exit_code == 0, made.output
    team_id: str = json.loads(made.output)["team_id"]
    return team_id


def test_app_create_prints_credentials_that_work(
    database_url: str, tmp_path: Path, live_server: LiveServer
) -> None:
    import secrets

    team_id = _workspace(database_url, f"cli-{secrets.token_hex(3)}")
    path = tmp_path / "manifest.yaml"
    path.write_text(yaml.dump(manifest(name="Deploy Bot", socket_mode=True)))
    result = runner.invoke(
        app,
        [
            "app",
            "create",
            "--manifest",
            str(path),
            "--workspace",
            team_id,
            "--database-url",
            database_url,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) >= {
        "app_id",
        "bot_user_id",
        "bot_token",
        "signing_secret",
        "client_id",
        "client_secret",
        "app_token",
    }
    assert out["bot_token"].startswith("xoxb-")
    assert out["app_token"].startswith("xapp-")
    me = WebClient(token=out["bot_token"], base_url=live_server.api_url).auth_test()
    assert me["user_id"] == out["bot_user_id"]
    assert me["bot_id"]
    opened = WebClient(base_url=live_server.api_url).apps_connections_open(
        app_token=out["app_token"]
    )
    assert opened["url"].startswith("ws://")


def test_app_create_rejects_a_bad_manifest(database_url: str, tmp_path: Path) -> None:
    import secrets

    team_id = _workspace(database_url, f"cli-{secrets.token_hex(3)}")
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"display_information": {}}))
    result = runner.invoke(
        app,
        [
            "app",
            "create",
            "--manifest",
            str(path),
            "--workspace",
            team_id,
            "--database-url",
            database_url,
        ],
    )
    assert result.exit_code == 1
    assert "invalid_manifest" in result.output


def test_app_create_installs_and_warns_of_what_parley_does_not_serve(
    database_url: str, tmp_path: Path
) -> None:
    import secrets

    team_id = _workspace(database_url, f"cliw-{secrets.token_hex(3)}")
    spec = manifest(
        name="Machine",
        socket_mode=True,
        events=("app_mention", "channel_id_changed"),
        bot_scopes=("app_mentions:read", "chat:write", "lists:read"),
    )
    path = tmp_path / "manifest.yaml"
    path.write_text(yaml.dump(spec))
    args = ["app", "create", "--manifest", str(path), "--workspace", team_id]
    plain = runner.invoke(app, [*args, "--database-url", database_url])
    assert plain.exit_code == 0, plain.output
    assert "warning: /oauth_config/scopes/bot/2: Parley does not serve lists:read yet" in (
        plain.stderr
    )
    assert "channel_id_changed" in plain.stderr
    assert "bot_token: xoxb-" in plain.stdout
    as_json = runner.invoke(app, [*args, "--database-url", database_url, "--json"])
    assert as_json.exit_code == 0, as_json.output
    warned = json.loads(as_json.stdout)["warnings"]
    assert {w["code"] for w in warned} == {"scope_not_served", "event_not_delivered"}
