"""Account queries. No commits here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.accounts.models import Account, AccountIdentity


def normalise_email(email: str) -> str:
    """The login form of an address: the same person whatever the case they type."""
    return email.strip().lower()


async def get_account(session: AsyncSession, account_id: str) -> Account | None:
    """The account (login) with this id, else None."""
    return await session.get(Account, account_id)


async def get_account_by_email(session: AsyncSession, email: str) -> Account | None:
    return (
        await session.execute(select(Account).where(Account.email == normalise_email(email)))
    ).scalar_one_or_none()


async def get_account_by_identity(
    session: AsyncSession, issuer: str, subject: str
) -> Account | None:
    """The account an identity provider's subject is linked to (where SSO lands)."""
    return (
        await session.execute(
            select(Account)
            .join(AccountIdentity, AccountIdentity.account_id == Account.id)
            .where(AccountIdentity.issuer == issuer, AccountIdentity.subject == subject)
        )
    ).scalar_one_or_none()
