"""Password reset by email: "Forgot password?" mails a single-use, short-lived link; using
it sets a new password, ends every browser session of the account, and signs in.

No user enumeration: asking for a reset answers the same whether or not the address is a
member of the workspace (the mail is simply not sent), and the same per-address limit
applies to made-up addresses (it counts mails, which exist only for real ones, so it is
invisible from outside). The link's token is stored only hashed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from parley.features.accounts.interface import Account, do_set_password
from parley.features.audit.interface import record
from parley.features.auth import store
from parley.features.auth.actions import NewSession, do_start_session
from parley.features.auth.models import BrowserSession, LoginThrottle, PasswordReset
from parley.features.users.interface import User, check_password, get_user
from parley.platform.clock import as_utc, utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import emit_credentials_revoked
from parley.platform.mail.outbox import enqueue_mail, recent_mail_count
from parley.platform.origin import Origin
from parley.platform.security import hash_secret, new_secret

RESET_MAIL = "password_reset"
MAILS_PER_HOUR = 3  # per address: enough for a lost mail or two, useless for spamming


def reset_mail_text(team_name: str, link: str, minutes: int) -> str:
    return (
        f"Someone (hopefully you) asked to reset your Parley password for {team_name}.\n\n"
        f"Choose a new password here (the link works once, for {minutes} minutes):\n"
        f"{link}\n\n"
        "If you did not ask, ignore this mail: your password stays as it is.\n"
    )


async def do_request_password_reset(
    uow: UnitOfWork,
    domain: str,
    email: str,
    *,
    base_url: str,
    lifetime: timedelta,
    origin: Origin,
) -> None:
    """Queue a reset mail if `email` signs into the workspace at `domain`; silently
    nothing otherwise (the caller answers `ok` either way)."""
    workspace_id = await store.workspace_id_for_domain(uow.session, domain)
    if workspace_id is None:
        return
    found = await store.member_signing_in(uow.session, workspace_id, email)
    if found is None:
        return
    user, account = found
    if user.is_bot or user.deleted or account.disabled:
        return
    recent = await recent_mail_count(
        uow.session, kind=RESET_MAIL, to=account.email, within=timedelta(hours=1)
    )
    if recent >= MAILS_PER_HOUR:
        return
    token = await _new_reset(uow, user, account, lifetime)
    team = await store.workspace_name(uow.session, workspace_id)
    minutes = int(lifetime.total_seconds() // 60)
    await enqueue_mail(
        uow,
        workspace_id=workspace_id,
        kind=RESET_MAIL,
        to=account.email,
        subject=f"Reset your Parley password for {team}",
        text=reset_mail_text(team, f"{base_url}/reset-password/{token}", minutes),
    )
    await record(
        uow,
        workspace_id,
        "password_reset_requested",
        actor_id=None,
        entity_type="user",
        entity_id=user.id,
        origin=origin,
    )


async def _new_reset(uow: UnitOfWork, user: User, account: Account, lifetime: timedelta) -> str:
    # The workspace id leads the token: with shards, using it finds the shard by it.
    token = new_secret(user.workspace_id + "-", nbytes=32)
    uow.session.add(
        PasswordReset(
            token_hash=hash_secret(token),
            account_id=account.id,
            workspace_id=user.workspace_id,
            user_id=user.id,
            created=utc_now(),
            expires_at=utc_now() + lifetime,
        )
    )
    await uow.session.flush()
    return token


async def access_reset(uow: UnitOfWork, token: str, *, lock: bool = False) -> PasswordReset:
    """The unused, unexpired reset a link carries, or `invalid_reset_token` /
    `reset_token_expired`."""
    query = select(PasswordReset).where(PasswordReset.token_hash == hash_secret(token))
    reset = (
        await uow.session.execute(query.with_for_update() if lock else query)
    ).scalar_one_or_none()
    if reset is None or reset.used_at is not None:
        raise ApiError("invalid_reset_token")
    if as_utc(reset.expires_at) <= utc_now():
        raise ApiError("reset_token_expired")
    return reset


@dataclass(frozen=True)
class Reset:
    session: NewSession  # this browser's, started by the reset
    signed_out: list[tuple[str, str]]  # (workspace, member) whose sessions were ended


async def check_reset_password(uow: UnitOfWork, token: str, password: str, origin: Origin) -> Reset:
    """Use a reset link once: new password, every session of the account ended (other
    browsers are signed out), this browser signed in."""
    reset = await access_reset(uow, token, lock=True)
    password = check_password(password)
    account = await uow.session.get(Account, reset.account_id)
    user = await get_user(uow.session, reset.workspace_id, reset.user_id)
    if account is None or user is None or user.deleted or account.disabled:
        raise ApiError("invalid_reset_token")
    await do_set_password(uow, account, password)
    # Every outstanding link of the account is spent with this one.
    await uow.session.execute(
        update(PasswordReset)
        .where(PasswordReset.account_id == account.id, PasswordReset.used_at.is_(None))
        .values(used_at=utc_now())
    )
    signed_out = await do_end_account_sessions(uow, account.id)
    await uow.session.execute(  # a locked-out address is unlocked by proving the mailbox
        update(LoginThrottle)
        .where(LoginThrottle.workspace_id == user.workspace_id)
        .where(LoginThrottle.email == account.email)
        .values(failures=0, locked_until=None)
    )
    await record(
        uow,
        user.workspace_id,
        "password_reset",
        actor_id=user.id,
        entity_type="user",
        entity_id=user.id,
        origin=origin,
    )
    return Reset(session=await do_start_session(uow, user), signed_out=signed_out)


async def do_end_account_sessions(uow: UnitOfWork, account_id: str) -> list[tuple[str, str]]:
    """End every open browser session of the account (on this database), closing their
    sockets; returns the (workspace, member) pairs whose credentials the caller must
    forget from its cache."""
    ended = await uow.session.execute(
        update(BrowserSession)
        .where(BrowserSession.account_id == account_id, BrowserSession.revoked_at.is_(None))
        .values(revoked_at=utc_now())
        .returning(BrowserSession.id, BrowserSession.workspace_id, BrowserSession.user_id)
    )
    by_workspace: dict[str, list[int]] = defaultdict(list)
    members: set[tuple[str, str]] = set()
    for session_id, workspace_id, user_id in ended.all():
        by_workspace[workspace_id].append(session_id)
        members.add((workspace_id, user_id))
    for workspace_id, session_ids in sorted(by_workspace.items()):
        await emit_credentials_revoked(
            uow, workspace_id, session_ids=session_ids, reason="password_reset"
        )
    return sorted(members)
