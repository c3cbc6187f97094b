"""Account writes: the login behind members, and the SSO links that will sign it in.

The password rule when a person joins another workspace (the account already exists):
joining never changes an existing password. A password given on the way in (sign-up,
invitation, `parley user create`) must be the account's own, which proves the joiner is
the same person; otherwise `invalid_credentials`. An account without a password yet takes
the one given. So an admin of one workspace can never reset the login of a person who
also belongs to another workspace.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from parley.features.accounts import store
from parley.features.accounts.models import IDENTITY_KINDS, Account, AccountIdentity
from parley.platform.clock import unix_now, utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.ids import new_id
from parley.platform.security import hash_password, verify_password


def password_matches(account: Account | None, password: str) -> bool:
    """Whether `password` signs `account` in; the same argon2 cost when there is none."""
    hashed = account.password_hash if account is not None else None
    return verify_password(hashed, password) and account is not None


async def do_account_for_member(uow: UnitOfWork, email: str, password: str | None) -> Account:
    """The account a new member with this email signs in with: found or created, under the
    password rule in this module's docstring."""
    account = await store.get_account_by_email(uow.session, email)
    if account is None:
        return await _create_account(uow, email, password)
    if password is None:
        return account
    if account.password_hash is None:
        account.password_hash = hash_password(password)
        account.updated = unix_now()
        await uow.session.flush()
        return account
    if not verify_password(account.password_hash, password):
        raise ApiError("invalid_credentials")
    return account


async def _create_account(uow: UnitOfWork, email: str, password: str | None) -> Account:
    account = Account(
        id=new_id("P"),
        email=store.normalise_email(email),
        password_hash=hash_password(password) if password else None,
        disabled=False,
        created=utc_now(),
        updated=unix_now(),
    )
    uow.session.add(account)
    await uow.session.flush()
    return account


async def do_link_identity(
    uow: UnitOfWork, account: Account, *, kind: str, issuer: str, subject: str
) -> AccountIdentity:
    """Link an identity provider's subject to `account`: where an SSO sign-in will land.
    One subject of one issuer belongs to one account (`identity_already_linked`)."""
    if kind not in IDENTITY_KINDS:
        raise ApiError("invalid_identity_kind")
    if not issuer or not subject or len(issuer) > 255 or len(subject) > 255:
        raise ApiError("invalid_identity")
    if await store.get_account_by_identity(uow.session, issuer, subject) is not None:
        raise ApiError("identity_already_linked")
    link = AccountIdentity(
        account_id=account.id, kind=kind, issuer=issuer, subject=subject, created=utc_now()
    )
    uow.session.add(link)
    try:
        await uow.session.flush()
    except IntegrityError:  # linked by a concurrent transaction since the check
        raise ApiError("identity_already_linked") from None
    return link


async def do_set_password(uow: UnitOfWork, account: Account, password: str) -> None:
    """Replace the account's password (a reset link proved the person owns the address)."""
    account.password_hash = hash_password(password)
    account.updated = unix_now()
    await uow.session.flush()
