"""users.render_version: a number that moves on every change to a user row

users.list keeps each member's rendered JSON per process and must know, cheaply, whether a
row changed since: reading every column of 200 rows cost more than the rest of the page.
`updated` cannot tell (seconds, and role or deactivation changes leave it alone), so a
trigger bumps `render_version` on every UPDATE, whoever writes it (actions, admin commands,
raw SQL alike).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

SQLITE_TRIGGER = """
CREATE TRIGGER users_render_version AFTER UPDATE ON users
FOR EACH ROW WHEN NEW.render_version = OLD.render_version
BEGIN
    UPDATE users SET render_version = OLD.render_version + 1 WHERE id = NEW.id;
END
"""

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION users_render_version() RETURNS trigger AS $$
BEGIN
    NEW.render_version := OLD.render_version + 1;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""

POSTGRES_TRIGGER = """
CREATE TRIGGER users_render_version BEFORE UPDATE ON users
FOR EACH ROW EXECUTE FUNCTION users_render_version()
"""


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("render_version", sa.BigInteger(), nullable=False, server_default="0"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(SQLITE_TRIGGER)
    elif dialect == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        raise NotImplementedError(f"no users.render_version trigger for {dialect}")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS users_render_version" + _on_users())
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS users_render_version()")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("render_version")


def _on_users() -> str:
    return " ON users" if op.get_bind().dialect.name == "postgresql" else ""
