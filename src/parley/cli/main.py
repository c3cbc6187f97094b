"""The `parley` command: run the server and administer workspaces from the shell."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from parley.composition import upgrade_to_head
from parley.platform.db import Database
from parley.platform.errors import ApiError
from parley.platform.ids import new_id
from parley.platform.settings import Settings, UnusableDatabaseUrl, load_settings
from parley.platform.shards import (
    claim_id_ranges,
    directory_of,
    install_directory,
    new_workspace_write,
)

if TYPE_CHECKING:  # rich is imported by the long commands only
    from rich.progress import Progress

app = typer.Typer(
    help="Parley: self-hosted team chat that speaks the Slack Web API.",
    no_args_is_help=True,
    add_completion=False,
)
workspace_app = typer.Typer(help="Create and inspect workspaces.", no_args_is_help=True)
user_app = typer.Typer(help="Create users in a workspace.", no_args_is_help=True)
token_app = typer.Typer(help="Issue API tokens.", no_args_is_help=True)
app.add_typer(workspace_app, name="workspace")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app_app = typer.Typer(
    help="Create apps (bots, slash commands…) from Slack manifests.", no_args_is_help=True
)
app.add_typer(app_app, name="app")
dev_app = typer.Typer(
    help="Developer tools: seed large workspaces for benchmarks.", no_args_is_help=True
)
app.add_typer(dev_app, name="dev")
shard_app = typer.Typer(
    help="Workspace shards (PostgreSQL): list them, move a workspace.", no_args_is_help=True
)
app.add_typer(shard_app, name="shard")

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Where the embedded database lives [env PARLEY_DATA_DIR; default ./parley-data].",
    ),
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="postgresql://user:password@host/db (or postgres://…, as hosting services give "
        "it) or sqlite:///path/to/parley.db [env PARLEY_DATABASE_URL; default SQLite in "
        "the data dir].",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]

T = TypeVar("T")


def _settings(data_dir: Path | None, database_url: str | None, **extra: Any) -> Settings:
    settings = load_settings(data_dir=data_dir, database_url=database_url, **extra)
    try:
        settings.effective_database_url  # noqa: B018 - read for its check: one clear line
    except UnusableDatabaseUrl as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(code=2) from None
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


def _run_with_db(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """Migrate, then run `work` against the database; Slack errors become a clean exit."""
    from parley.composition import install

    install()  # the features' hooks (a new workspace's #general, members joining it)
    upgrade_to_head(settings.effective_database_url)
    for url in settings.named_shard_urls.values():
        upgrade_to_head(url)

    async def runner() -> T:
        db = Database(settings.effective_database_url, shard_urls=settings.named_shard_urls)
        if db.sharded:
            install_directory(db, settings.shard_directory_ttl, lambda listener: None)
            await claim_id_ranges(db)
        try:
            return await work(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(runner())
    except ApiError as error:
        typer.echo(f"error: {error.code} {error.extra or ''}".rstrip(), err=True)
        raise typer.Exit(code=1) from None


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result))
    else:
        for key, value in result.items():
            typer.echo(f"{key}: {value}")


@app.command()
def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Interface to listen on [env PARLEY_HOST; default 127.0.0.1]."),
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="TCP port [env PARLEY_PORT; default 8000].")
    ] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Run the Parley server (Web API, WebSocket and web client) in this process."""
    import uvicorn

    from parley.main import create_app
    from parley.platform.events.wire import FanOutWebSocketProtocol

    settings = _settings(data_dir, database_url, host=host, port=port)
    typer.echo(
        f"Parley is starting on {settings.base_url}/  (database: "
        f"{'SQLite in ' + str(settings.data_dir) if not settings.database_url else 'external'})"
    )
    uvicorn.run(
        create_app(settings, manage_gc=True, manage_media=True),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        proxy_headers=True,
        ws=FanOutWebSocketProtocol,
        # Real-time fan-out writes one pre-built frame to many sockets (events/wire.py);
        # per-socket deflate would compress it again for each of them (browsers offer it).
        ws_per_message_deflate=False,
    )


@app.command()
def migrate(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Bring the database schema up to date (safe to run again: it is idempotent)."""
    settings = _settings(data_dir, database_url)
    upgrade_to_head(settings.effective_database_url)
    typer.echo("database schema is up to date")


@workspace_app.command("create")
def workspace_create(
    name: Annotated[str, typer.Option(help="Display name, e.g. 'Acme Inc'.")],
    domain: Annotated[str, typer.Option(help="Short unique name: lowercase letters, digits, -.")],
    owner_email: Annotated[str, typer.Option(help="Email of the primary owner.")],
    owner_password: Annotated[str, typer.Option(help="Password (at least 8 characters).")],
    owner_name: Annotated[str, typer.Option(help="Owner's full name.")] = "",
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> None:
    """Create a workspace and its primary owner; prints a full-scope user token (xoxp-…)."""
    from parley.features.workspaces.actions import check_create_workspace

    async def work(db: Database) -> dict[str, Any]:
        workspace_id = new_id("T")  # placed on the emptiest shard
        async with new_workspace_write(db, workspace_id, domain) as uow:
            created = await check_create_workspace(
                uow,
                workspace_id=workspace_id,
                name=name,
                domain=domain,
                owner_email=owner_email,
                owner_password=owner_password,
                owner_name=owner_name,
            )
        return {
            "team_id": created.workspace.id,
            "user_id": created.owner.id,
            "token": created.owner_token,
        }

    _print(_run_with_db(_settings(data_dir, database_url), work), as_json)


@user_app.command("create")
def user_create(
    workspace: Annotated[str, typer.Option(help="Workspace id (T…).")],
    email: Annotated[str, typer.Option(help="The user's email address.")],
    password: Annotated[str, typer.Option(help="Password (at least 8 characters).")],
    name: Annotated[str, typer.Option(help="Full name.")] = "",
    role: Annotated[str, typer.Option(help="member, admin or guest.")] = "member",
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> None:
    """Create a user; prints their id and a full-scope user token."""
    from parley.features.auth.actions import do_issue_token
    from parley.features.users.actions import check_email, check_password, do_create_user
    from parley.features.workspaces.store import get_workspace

    if role not in {"member", "admin", "guest"}:
        raise typer.BadParameter("role must be member, admin or guest", param_hint="--role")

    async def work(db: Database) -> dict[str, Any]:
        async with db.workspace(workspace), db.write() as uow:
            if await get_workspace(uow.session, workspace) is None:
                raise ApiError("team_not_found")
            user = await do_create_user(
                uow,
                workspace,
                email=check_email(email),
                password=check_password(password),
                real_name=name,
                role=role,
            )
            token = await do_issue_token(uow, user, kind="user", label="cli")
        return {"user_id": user.id, "token": token}

    _print(_run_with_db(_settings(data_dir, database_url), work), as_json)


@token_app.command("create")
def token_create(
    workspace: Annotated[str, typer.Option(help="Workspace id (T…).")],
    user: Annotated[str, typer.Option(help="User id (U…) the token acts as.")],
    scopes: Annotated[
        str | None, typer.Option(help="Comma-separated scopes; default: all user scopes.")
    ] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> None:
    """Issue a user token (xoxp-…) for an existing user; it is shown only once."""
    from parley.features.auth.actions import do_issue_member_token
    from parley.platform.auth.scopes import parse_scopes
    from parley.platform.origin import CLI_ORIGIN

    async def work(db: Database) -> dict[str, Any]:
        async with db.workspace(workspace), db.write() as uow:
            target, token = await do_issue_member_token(
                uow,
                workspace,
                user,
                scopes=parse_scopes(scopes) if scopes else None,
                label="cli",
                origin=CLI_ORIGIN,
            )
        return {"token": token, "user_id": target.id, "team_id": workspace}

    _print(_run_with_db(_settings(data_dir, database_url), work), as_json)


@app_app.command("create")
def app_create(
    manifest: Annotated[
        Path, typer.Option(help="Slack app manifest file (JSON or YAML).", exists=True)
    ],
    workspace: Annotated[str, typer.Option(help="Workspace id (T…) to install the app in.")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> None:
    """Create an app from a manifest and install it; prints its tokens and secrets once, and
    a warning for each scope or event Parley does not serve or deliver yet."""
    from parley.features.apps.actions import do_create_app
    from parley.features.apps.manifest import check_manifest
    from parley.features.apps.schemas import cli_app_object
    from parley.platform.tenancy import Workspace

    async def work(db: Database) -> dict[str, Any]:
        checked = check_manifest(manifest.read_text(encoding="utf-8"))
        async with db.workspace(workspace), db.write() as uow:
            if await uow.session.get(Workspace, workspace) is None:
                raise ApiError("team_not_found")
            created = await do_create_app(uow, workspace, checked, created_by=None)
        return cli_app_object(created) | {"warnings": list(checked.warnings)}

    result = _run_with_db(_settings(data_dir, database_url), work)
    if as_json:
        _print(result, as_json)
        return
    # What the manifest asks for that Parley does not serve or deliver yet: the app is
    # installed all the same (as Slack would), its owner should know what will not arrive.
    for warning in result.pop("warnings"):
        typer.echo(f"warning: {warning['pointer']}: {warning['message']}", err=True)
    _print(result, as_json)


def _progress_bars(
    *, label_width: int, hidden: bool
) -> tuple[Progress, Callable[[str, int, int], None]]:
    """A rich progress display for a long command, and the `progress(label, done, total)`
    callback that draws one bar per label (hidden when the command prints JSON)."""
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

    tasks: dict[str, TaskID] = {}
    bar = Progress(
        TextColumn(f"{{task.description:>{label_width}}}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        TimeRemainingColumn(),
        disable=hidden,
    )

    def progress(label: str, done: int, total: int) -> None:
        if label not in tasks:
            tasks[label] = bar.add_task(label, total=total)
        bar.update(tasks[label], completed=done, total=total)

    return bar, progress


@dev_app.command("seed")
def dev_seed(
    users: Annotated[int, typer.Option(help="People in the workspace.")] = 1_000,
    channels: Annotated[int, typer.Option(help="Public channels.")] = 100,
    messages: Annotated[int, typer.Option(help="Messages, spread over the channels.")] = 10_000,
    members_per_channel: Annotated[int, typer.Option(help="Random members per channel.")] = 20,
    owner_channels: Annotated[int, typer.Option(help="Channels the owner belongs to.")] = 100,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> None:
    """Build a large workspace quickly (bulk inserts, progress bars). Example for the
    PostgreSQL benchmark: --users 350000 --channels 10000 --messages 5000000."""
    from parley.dev.seed import SeedPlan, seed_workspace

    plan = SeedPlan(
        users=users,
        channels=channels,
        messages=messages,
        members_per_channel=members_per_channel,
        owner_channels=owner_channels,
    )
    bar, progress = _progress_bars(label_width=12, hidden=as_json)

    async def work(db: Database) -> dict[str, Any]:
        with bar:
            result = await seed_workspace(db, plan, progress)
        return {
            "team_id": result.team_id,
            "user_id": result.owner_id,
            "token": result.owner_token,
            "channels": len(result.channel_ids),
            "seconds": round(result.seconds, 1),
        }

    _print(_run_with_db(_settings(data_dir, database_url), work), as_json)


@shard_app.command("list")
def shard_list(
    data_dir: DataDir = None, database_url: DatabaseUrl = None, as_json: AsJson = False
) -> None:
    """The configured shards and how many workspaces each holds."""

    async def work(db: Database) -> dict[str, Any]:
        directory = directory_of(db)
        if directory is None:
            return {"primary": "not sharded (PARLEY_SHARD_URLS is empty)"}
        return dict(await directory.workspace_counts())

    _print(_run_with_db(_settings(data_dir, database_url), work), as_json)


@shard_app.command("move")
def shard_move(
    workspace: Annotated[str, typer.Option(help="Workspace id (T…).")],
    to: Annotated[str, typer.Option("--to", help="Name of the target shard.")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> None:
    """Move a workspace to another shard online: copy, then hold its writes briefly while
    the copy is brought up to date and verified (row counts and checksums per table),
    switch, and remove the old rows (decision 0010)."""
    from parley.platform.moves import MoveError, move_workspace

    bar, progress = _progress_bars(label_width=24, hidden=as_json)

    async def work(db: Database) -> dict[str, Any]:
        try:
            with bar:
                report = await move_workspace(db, workspace, to, progress)
        except MoveError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(code=1) from None
        return {
            "team_id": report.workspace_id,
            "from": report.source,
            "to": report.target,
            "rows": sum(report.copied.values()),
            "resynced_rows": sum(report.resynced.values()),
            "resynced_rows_held": sum(report.resynced_held.values()),
            "verified_tables": len(report.verified),
            "writes_held_seconds": round(report.held_seconds, 3),
            "old_rows_deleted": report.deleted,
        }

    _print(_run_with_db(_settings(data_dir, database_url), work), as_json)


@app.command("openapi")
def openapi(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the document here instead of stdout.")
    ] = None,
    base_url: Annotated[str, typer.Option(help="The server URL the document names.")] = (
        "http://localhost:8000"
    ),
) -> None:
    """Print the OpenAPI document (methods, response shapes and `x-parley-events`)."""
    from parley.composition import install
    from parley.platform.webapi.openapi import openapi_document

    install()
    text = json.dumps(openapi_document(base_url), indent=2, sort_keys=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text)
        typer.echo(f"wrote {out}", err=True)


@dev_app.command("api-coverage")
def dev_api_coverage(
    output: Annotated[Path, typer.Option(help="Where to write the table.")] = Path(
        "docs/api-coverage.md"
    ),
) -> None:
    """Regenerate docs/api-coverage.md from the method registry."""
    from parley.composition import install
    from parley.platform.webapi.coverage import coverage_markdown

    install()
    output.write_text(coverage_markdown())
    typer.echo(f"wrote {output}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
