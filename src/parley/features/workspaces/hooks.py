"""A hook that runs when a workspace is made, for features above workspaces to provide.

Identity never calls chat. The conversations feature registers a hook here (from its
`feature.py`) that creates #general; it runs inside the transaction that creates the
workspace and its primary owner, so a workspace never exists without it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from parley.features.users.interface import User
from parley.platform.db import UnitOfWork
from parley.platform.tenancy import Workspace

WorkspaceCreated = Callable[[UnitOfWork, Workspace, User], Awaitable[None]]

_workspace_created: list[WorkspaceCreated] = []


def on_workspace_created(hook: WorkspaceCreated) -> None:
    """Run `hook(uow, workspace, owner)` after every new workspace and its primary owner."""
    if hook not in _workspace_created:  # registration runs once per process, but be safe
        _workspace_created.append(hook)


async def workspace_created(uow: UnitOfWork, workspace: Workspace, owner: User) -> None:
    """Called by `check_create_workspace` only."""
    for hook in _workspace_created:
        await hook(uow, workspace, owner)
