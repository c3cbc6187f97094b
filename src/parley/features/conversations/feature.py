"""The conversations feature's registration with the platform."""

from __future__ import annotations

from parley.features.conversations.actions import (
    do_create_default_channels,
    do_join_default_channels,
)
from parley.features.conversations.events import EVENTS
from parley.features.users.interface import User, on_member_created
from parley.features.workspaces.interface import on_workspace_created
from parley.platform.db import UnitOfWork
from parley.platform.plugins import Platform
from parley.platform.tenancy import Workspace


async def _create_default_channels(uow: UnitOfWork, workspace: Workspace, owner: User) -> None:
    await do_create_default_channels(uow, workspace.id, owner.id)


def register(platform: Platform) -> None:
    platform.api_modules(
        "parley.features.conversations.api",
        "parley.features.conversations.wire",  # the documented response and event shapes
    )
    # Identity does not know chat exists: a new workspace gets #general and #random, and
    # every member who arrives later joins them, through the hooks identity offers.
    on_workspace_created(_create_default_channels)
    on_member_created(do_join_default_channels)
    platform.event_types(*EVENTS)
