"""Accounts: the login (email, password, SSO links, browser sessions) apart from the member

Revision ID: 0010
Revises: 0009

Before: each `users` row (a member of one workspace) carried its own `password_hash`, and
browser sessions hung off the member. After: an `accounts` row per person, unique by the
normalised (stripped, lower-cased) email across the instance, holds the password; members
point at it with `users.account_id` (NULL for bots and for members without an email);
`browser_sessions.account_id` says whose session it is, next to the member and workspace
it is signed into; `account_identities` is where SSO links (issuer, subject) will land.

Data, upgrade:
- One account per distinct normalised email among human members (not bots, email set).
- Same email, different passwords in different workspaces: the account keeps the password
  of the member created most recently (there is no password change in Parley, so that is
  the password the person chose last). Each member whose own, different password is
  dropped gets an audit entry `account_password_merged` in its workspace, so its admins
  can see why an old password stopped working there.
- Two members of one workspace whose emails differ only by case (the application never
  allowed it, raw imports might have) cannot share an account there: the older one is
  linked, the others stay without an account (they can no longer sign in) and get an
  audit entry `account_link_skipped`.
- A browser session moves to its member's account; a session whose member has no account
  could never have been started by signing in and is deleted.

Downgrade copies each account's password back onto every member linked to it (a member
whose password was merged away gets the kept one), drops the links and the new tables.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from parley.platform.ids import new_id

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_users = sa.table(
    "users",
    sa.column("id", sa.String),
    sa.column("workspace_id", sa.String),
    sa.column("email", sa.String),
    sa.column("password_hash", sa.String),
    sa.column("is_bot", sa.Boolean),
    sa.column("created", sa.DateTime(timezone=True)),
    sa.column("account_id", sa.String),
)
_accounts = sa.table(
    "accounts",
    sa.column("id", sa.String),
    sa.column("email", sa.String),
    sa.column("password_hash", sa.String),
    sa.column("disabled", sa.Boolean),
    sa.column("created", sa.DateTime(timezone=True)),
    sa.column("updated", sa.BigInteger),
)
_sessions = sa.table(
    "browser_sessions", sa.column("user_id", sa.String), sa.column("account_id", sa.String)
)
_audit = sa.table(
    "audit_log",
    sa.column("workspace_id", sa.String),
    sa.column("date_create", sa.BigInteger),
    sa.column("action", sa.String),
    sa.column("actor_id", sa.String),
    sa.column("entity_type", sa.String),
    sa.column("entity_id", sa.String),
    sa.column("details", sa.JSON),
    sa.column("ip_address", sa.String),
    sa.column("user_agent", sa.String),
)


def upgrade() -> None:
    _create_account_tables()
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("account_id", sa.String(24), nullable=True))
    with op.batch_alter_table("browser_sessions") as batch:
        batch.add_column(sa.Column("account_id", sa.String(24), nullable=True))
    _accounts_from_members(op.get_bind())
    _sessions_to_accounts(op.get_bind())
    with op.batch_alter_table("users") as batch:
        batch.create_foreign_key(
            "fk_users_account_id_accounts", "accounts", ["account_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_unique_constraint(
            "uq_users_workspace_id_account_id", ["workspace_id", "account_id"]
        )
        batch.create_index("ix_users_account_id", ["account_id"])
        batch.drop_column("password_hash")
    with op.batch_alter_table("browser_sessions") as batch:
        batch.alter_column("account_id", existing_type=sa.String(24), nullable=False)
        batch.create_foreign_key(
            "fk_browser_sessions_account_id_accounts",
            "accounts",
            ["account_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_browser_sessions_account_id", ["account_id"])


def _create_account_tables() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(24), nullable=False),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("email", name="uq_accounts_email"),
    )
    op.create_table(
        "account_identities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(24), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_account_identities_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_account_identities"),
        sa.UniqueConstraint("issuer", "subject", name="uq_account_identities_issuer_subject"),
    )
    op.create_index("ix_account_identities_account_id", "account_identities", ["account_id"])


def _accounts_from_members(bind: sa.Connection) -> None:
    """One account per normalised email; see the module docstring for conflicts."""
    members = bind.execute(
        sa.select(
            _users.c.id,
            _users.c.workspace_id,
            _users.c.email,
            _users.c.password_hash,
            _users.c.created,
        ).where(_users.c.is_bot.is_(False), _users.c.email.is_not(None), _users.c.email != "")
    ).all()
    by_email: dict[str, list[Any]] = defaultdict(list)
    for member in members:
        by_email[member.email.strip().lower()].append(member)
    for email, group in by_email.items():
        group.sort(key=lambda m: (_aware(m.created), m.id))  # oldest first
        _make_account(bind, email, group)


def _make_account(bind: sa.Connection, email: str, group: list[Any]) -> None:
    with_password = [m for m in group if m.password_hash]
    kept = with_password[-1].password_hash if with_password else None  # the newest member's
    account_id = new_id("P")
    bind.execute(
        sa.insert(_accounts).values(
            id=account_id,
            email=email[:255],
            password_hash=kept,
            disabled=False,
            created=group[0].created,
            updated=int(time.time()),
        )
    )
    linked: set[str] = set()
    for member in group:
        if member.workspace_id in linked:
            _note(bind, member, "account_link_skipped", account_id)
            continue
        linked.add(member.workspace_id)
        bind.execute(
            sa.update(_users).where(_users.c.id == member.id).values(account_id=account_id)
        )
        if member.password_hash and member.password_hash != kept:
            _note(bind, member, "account_password_merged", account_id)


def _note(bind: sa.Connection, member: Any, action: str, account_id: str) -> None:
    bind.execute(
        sa.insert(_audit).values(
            workspace_id=member.workspace_id,
            date_create=int(time.time()),
            action=action,
            actor_id=None,
            entity_type="user",
            entity_id=member.id,
            details={"account_id": account_id},
            ip_address="",
            user_agent="migration 0009_accounts",
        )
    )


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes: compare everything as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _sessions_to_accounts(bind: sa.Connection) -> None:
    owner_account = (
        sa.select(_users.c.account_id).where(_users.c.id == _sessions.c.user_id).scalar_subquery()
    )
    bind.execute(sa.update(_sessions).values(account_id=owner_account))
    bind.execute(sa.delete(_sessions).where(_sessions.c.account_id.is_(None)))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(255), nullable=True))
    account_password = (
        sa.select(_accounts.c.password_hash)
        .where(_accounts.c.id == _users.c.account_id)
        .scalar_subquery()
    )
    op.get_bind().execute(
        sa.update(_users)
        .where(_users.c.account_id.is_not(None))
        .values(password_hash=account_password)
    )
    with op.batch_alter_table("browser_sessions") as batch:
        batch.drop_index("ix_browser_sessions_account_id")
        batch.drop_constraint("fk_browser_sessions_account_id_accounts", type_="foreignkey")
        batch.drop_column("account_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_account_id")
        batch.drop_constraint("uq_users_workspace_id_account_id", type_="unique")
        batch.drop_constraint("fk_users_account_id_accounts", type_="foreignkey")
        batch.drop_column("account_id")
    op.drop_index("ix_account_identities_account_id", table_name="account_identities")
    op.drop_table("account_identities")
    op.drop_table("accounts")
