"""Hooks that run when a member arrives (or is deactivated), for features above users to
provide.

Identity never calls chat. A feature that must act when someone joins a workspace (the
conversations feature puts them in #general) registers a hook from its `feature.py`; the
hook runs inside the transaction that creates the member, so both commit or neither.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from parley.features.users.models import User
from parley.platform.db import UnitOfWork

MemberCreated = Callable[[UnitOfWork, User], Awaitable[None]]

_member_created: list[MemberCreated] = []


def on_member_created(hook: MemberCreated) -> None:
    """Run `hook(uow, user)` after every new member (person or bot) is written."""
    if hook not in _member_created:  # registration runs once per process, but be safe
        _member_created.append(hook)


async def member_created(uow: UnitOfWork, user: User) -> None:
    """Called by `do_create_user` only."""
    for hook in _member_created:
        await hook(uow, user)


_member_deactivated: list[MemberCreated] = []


def on_member_deactivated(hook: MemberCreated) -> None:
    """Run `hook(uow, user)` when a member is deactivated (auth ends their sessions)."""
    if hook not in _member_deactivated:
        _member_deactivated.append(hook)


async def member_deactivated(uow: UnitOfWork, user: User) -> None:
    """Called by `do_set_deactivated` only."""
    for hook in _member_deactivated:
        await hook(uow, user)
