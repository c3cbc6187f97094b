"""Accounts: the person who signs in (login, password, SSO links), apart from the members
(`users` rows) they are in each workspace. One account, many workspaces."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parley.platform.db import Base

# How an account proves who it is. Only `password` signs in today; `oidc` and `saml` rows
# are where single sign-on links will land (issuer + subject of the identity provider).
IDENTITY_KINDS = ("password", "oidc", "saml")


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    # The login: lower-cased and stripped (see `normalise_email`), unique on the instance.
    email: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[int] = mapped_column(BigInteger, default=0)


class AccountIdentity(Base):
    """A link from an external identity provider's subject to an account (SSO)."""

    __tablename__ = "account_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))  # one of IDENTITY_KINDS
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
