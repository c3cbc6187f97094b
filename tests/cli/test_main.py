"""The `parley` command line: help, migrate, workspace/user/token creation."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from parley.cli.main import app

runner = CliRunner()


def test_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "migrate", "workspace", "user", "token"):
        assert command in result.output
    for sub in (
        ["serve", "--help"],
        ["workspace", "create", "--help"],
        ["user", "create", "--help"],
        ["token", "create", "--help"],
    ):
        assert runner.invoke(app, sub).exit_code == 0


def test_workspace_user_and_token_create(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    created = runner.invoke(
        app,
        [
            "workspace",
            "create",
            "--name",
            "Acme",
            "--domain",
            "acme-cli",
            "--owner-email",
            "boss@acme.example",
            "--owner-password",
            "long-enough",
            "--data-dir",
            data,
            "--json",
        ],
    )
    assert created.exit_code == 0, created.output
    workspace = json.loads(created.output)
    assert workspace["team_id"].startswith("T") and workspace["token"].startswith("xoxp-")
    user = runner.invoke(
        app,
        [
            "user",
            "create",
            "--workspace",
            workspace["team_id"],
            "--email",
            "w@acme.example",
            "--password",
            "long-enough",
            "--name",
            "Wendy",
            "--role",
            "admin",
            "--data-dir",
            data,
            "--json",
        ],
    )
    assert user.exit_code == 0, user.output
    user_json = json.loads(user.output)
    assert user_json["user_id"].startswith("U") and user_json["token"].startswith("xoxp-")
    token = runner.invoke(
        app,
        [
            "token",
            "create",
            "--workspace",
            workspace["team_id"],
            "--user",
            user_json["user_id"],
            "--scopes",
            "users:read,team:read",
            "--data-dir",
            data,
            "--json",
        ],
    )
    assert token.exit_code == 0, token.output
    assert json.loads(token.output)["token"].startswith("xoxp-")


def test_cli_errors_are_clean(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    bad = runner.invoke(
        app,
        [
            "user",
            "create",
            "--workspace",
            "TNOPE",
            "--email",
            "x@y.example",
            "--password",
            "long-enough",
            "--data-dir",
            data,
        ],
    )
    assert bad.exit_code == 1
    assert "team_not_found" in bad.output
    weak = runner.invoke(
        app,
        [
            "workspace",
            "create",
            "--name",
            "A",
            "--domain",
            "a-weak",
            "--owner-email",
            "a@b.example",
            "--owner-password",
            "short",
            "--data-dir",
            data,
        ],
    )
    assert weak.exit_code == 1 and "password_too_short" in weak.output
    scope = runner.invoke(
        app,
        [
            "token",
            "create",
            "--workspace",
            "T1",
            "--user",
            "U1",
            "--scopes",
            "not:a-scope",
            "--data-dir",
            data,
        ],
    )
    assert scope.exit_code == 1
