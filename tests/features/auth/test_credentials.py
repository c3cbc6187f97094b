"""The platform's Credentials question, answered by identity: who may still connect.

A WebSocket ticket outlives the request that issued it, so the gateway asks again when the
socket attaches (`Credentials.refusal`); these are the answers it gets.
"""

from __future__ import annotations

from sqlalchemy import select, update

from parley.features.accounts.models import Account
from parley.features.auth.credentials import StoredCredentials
from parley.features.users.models import User
from parley.platform.services import Services
from tests.factories import Factory


async def _refusal(services: Services, token: str) -> str | None:
    credentials = StoredCredentials()
    async with services.db.read() as session:
        principal = await credentials.principal_for_token(session, token)
    async with services.db.read() as session:
        return await credentials.refusal(session, principal)


async def test_a_live_member_with_a_live_token_may_connect(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    assert await _refusal(services, team.owner.token) is None


async def test_a_disabled_login_refuses_every_member_behind_it(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    credentials = StoredCredentials()
    async with services.db.read() as session:
        principal = await credentials.principal_for_token(session, member.token)
    async with services.db.write() as uow:
        account_id = await uow.session.scalar(
            select(User.account_id).where(User.id == member.user_id)
        )
        await uow.session.execute(
            update(Account).where(Account.id == account_id).values(disabled=True)
        )
    async with services.db.read() as session:
        assert await credentials.refusal(session, principal) == "account_inactive"


async def test_a_deactivated_member_is_refused(services: Services, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    credentials = StoredCredentials()
    async with services.db.read() as session:
        principal = await credentials.principal_for_token(session, member.token)
    async with services.db.write() as uow:
        await uow.session.execute(
            update(User).where(User.id == member.user_id).values(deleted=True)
        )
    async with services.db.read() as session:
        assert await credentials.refusal(session, principal) == "account_inactive"
