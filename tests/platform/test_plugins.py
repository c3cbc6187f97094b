"""The platform's feature registries: a feature plugs in without editing the platform."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine

from parley.composition import FEATURES, install
from parley.platform import migrate
from parley.platform.plugins import PLATFORM, Platform, install_features
from parley.platform.services import Services

REVISION = '''
"""a feature's own table"""
import sqlalchemy as sa
from alembic import op

revision = "f1_feature_table"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("feature_things", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("feature_things")
'''


def test_every_feature_is_installed_once() -> None:
    platform = install()
    names = [name for name, _ in FEATURES]
    assert [name for name in platform.features if name in names] == names  # in order
    installed = list(platform.features)  # (the suite adds a feature of its own: tests)
    install()  # create_app runs once per test: registering again must change nothing
    assert platform.features == installed


def test_registering_a_worker_twice_is_refused() -> None:
    platform = Platform()

    async def worker(services: Services) -> None:
        return None

    platform.worker("w", worker)
    with pytest.raises(RuntimeError, match="registered twice"):
        platform.worker("w", worker)


def test_a_feature_registers_routes_and_coverage_lines() -> None:
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    platform = Platform()

    def register(p: Platform) -> None:
        p.routes(lambda: [Route("/x", lambda request: PlainTextResponse("x"))])
        p.coverage(lambda: ["## X events"])

    register(platform)
    assert [getattr(route, "path", None) for route in platform.all_routes()] == ["/x"]
    assert platform.coverage_sections[0]() == ["## X events"]


async def test_a_features_migration_folder_joins_the_one_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install()
    head = migrate.head_revision()
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "f1_feature_table.py").write_text(REVISION.format(head=head))
    monkeypatch.setattr(PLATFORM, "migration_dirs", [*PLATFORM.migration_dirs, folder])

    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    assert script.get_heads() == ["f1_feature_table"]  # still one linear history
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    await migrate.upgrade_to_head_async(url)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
    finally:
        await engine.dispose()
    assert "feature_things" in tables
    assert await migrate.current_revision(url) == "f1_feature_table"


def test_migrating_before_features_are_installed_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(PLATFORM, "features", [])
    with pytest.raises(RuntimeError, match="install the features"):
        migrate.alembic_config("sqlite://")


def test_install_features_skips_what_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(PLATFORM, "features", [])
    install_features([("a", lambda p: calls.append("a")), ("b", lambda p: calls.append("b"))])
    install_features([("a", lambda p: calls.append("a"))])
    assert calls == ["a", "b"]
