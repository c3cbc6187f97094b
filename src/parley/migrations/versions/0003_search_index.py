"""full-text search index over messages.text

SQLite: an external-content FTS5 table `messages_fts` kept in step with `messages` by
triggers, so every insert, edit and delete changes the index in the writer's transaction.
Deleted messages (and tombstones, `is_deleted`) are left out of the index.

PostgreSQL: a stored generated `search_vector` column (NULL for deleted messages) with a GIN
index. The 'simple' configuration lower-cases words without stemming or stop words: chat is
written in many languages at once, and an English stemmer would mangle the others, while
'simple' treats every language the same way (exact words; `word*` gives prefix matches).
The column is deliberately not in the SQLAlchemy model: queries reach it through SQL text.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# unicode61 folds case and (remove_diacritics 2) accents, for any script; no stemming.
_SQLITE_UPGRADE = (
    """
    CREATE VIRTUAL TABLE messages_fts USING fts5(
        text, content='messages', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    # Only live messages are indexed; each trigger removes exactly what was indexed before.
    """
    CREATE TRIGGER messages_fts_after_insert AFTER INSERT ON messages
    WHEN NOT new.is_deleted BEGIN
        INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
    END
    """,
    """
    CREATE TRIGGER messages_fts_after_delete AFTER DELETE ON messages
    WHEN NOT old.is_deleted BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END
    """,
    """
    CREATE TRIGGER messages_fts_before_update BEFORE UPDATE OF text, is_deleted ON messages
    WHEN NOT old.is_deleted BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END
    """,
    """
    CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF text, is_deleted ON messages
    WHEN NOT new.is_deleted BEGIN
        INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
    END
    """,
    "INSERT INTO messages_fts(rowid, text) SELECT id, text FROM messages WHERE NOT is_deleted",
)

_SQLITE_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS messages_fts_after_update",
    "DROP TRIGGER IF EXISTS messages_fts_before_update",
    "DROP TRIGGER IF EXISTS messages_fts_after_delete",
    "DROP TRIGGER IF EXISTS messages_fts_after_insert",
    "DROP TABLE IF EXISTS messages_fts",
)

_POSTGRES_UPGRADE = (
    """
    ALTER TABLE messages ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        CASE WHEN is_deleted THEN NULL ELSE to_tsvector('simple'::regconfig, text) END
    ) STORED
    """,
    "CREATE INDEX ix_messages_search_vector ON messages USING gin (search_vector)",
)

_POSTGRES_DOWNGRADE = (
    "DROP INDEX IF EXISTS ix_messages_search_vector",
    "ALTER TABLE messages DROP COLUMN IF EXISTS search_vector",
)


def _statements(*, upgrade: bool) -> tuple[str, ...]:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        return _SQLITE_UPGRADE if upgrade else _SQLITE_DOWNGRADE
    if dialect == "postgresql":
        return _POSTGRES_UPGRADE if upgrade else _POSTGRES_DOWNGRADE
    raise NotImplementedError(f"no full-text search index for {dialect}")


def upgrade() -> None:
    for statement in _statements(upgrade=True):
        op.execute(statement)


def downgrade() -> None:
    for statement in _statements(upgrade=False):
        op.execute(statement)
