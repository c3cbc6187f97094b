"""What an action test needs to call an action the way a non-HTTP entry point does: the
principal a member's token stands for, and the Slack error an action refuses with."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from parley.platform.auth.principal import Principal
from parley.platform.errors import ApiError
from parley.platform.plugins import PLATFORM
from parley.platform.services import Services
from tests.factories import Member


async def principal_of(services: Services, member: Member | str) -> Principal:
    """The principal of `member`'s token (or of a token), as the Web API would
    authenticate it."""
    token = member if isinstance(member, str) else member.token
    async with services.db.read() as session:
        return await PLATFORM.credentials.principal_for_token(session, token)


async def refusal(action: Awaitable[object]) -> str:
    """The Slack error code a read-only `action` raises; fails the test if it is allowed."""
    try:
        await action
    except ApiError as error:
        return error.code
    raise AssertionError("the action allowed what its rules forbid")


async def refusal_in(
    services: Services, action: Callable[..., Awaitable[object]], *args: Any
) -> str:
    """The Slack error code `action(uow, *args)` raises in a write transaction, which the
    error rolls back as it does for a Web API call; fails the test if it is allowed."""
    try:
        async with services.db.write() as uow:
            await action(uow, *args)
    except ApiError as error:
        return error.code
    raise AssertionError("the action allowed what its rules forbid")
