"""User groups as the messages feature sees them: a hook the usergroups feature provides.

`<!subteam^S123>` (or `@handle` with `link_names`) notifies the group's members, and the
message's html shows `@handle`. User groups sit above messages, so they provide this at
registration (`usergroups/feature.py`) instead of messages importing them. Without a
provider (the feature is not part of this Parley) a group mention notifies nobody and
shows its label, as Slack shows a mention of a group it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession


class GroupMentions(Protocol):
    async def members_of(
        self, session: AsyncSession, workspace_id: str, group_ids: list[str]
    ) -> list[str]:
        """The members of the workspace's enabled groups among `group_ids` (one query)."""

    async def handles_of(
        self, session: AsyncSession, workspace_id: str, group_ids: list[str]
    ) -> dict[str, str]:
        """`group id -> handle` for the workspace's groups among `group_ids`."""

    async def ids_by_handle(
        self, session: AsyncSession, workspace_id: str, handles: list[str]
    ) -> dict[str, str]:
        """`handle -> group id` of the workspace's enabled groups (for `link_names`)."""


@dataclass
class _Provider:
    groups: GroupMentions | None = None


_PROVIDER = _Provider()


def provide_group_mentions(provider: GroupMentions) -> None:
    """Install who resolves group mentions (the usergroups feature)."""
    _PROVIDER.groups = provider


def group_mentions_provided() -> bool:
    """Whether a provider is installed, for the wiring test."""
    return _PROVIDER.groups is not None


async def group_members(
    session: AsyncSession, workspace_id: str, group_ids: list[str]
) -> list[str]:
    if _PROVIDER.groups is None or not group_ids:
        return []
    return await _PROVIDER.groups.members_of(session, workspace_id, group_ids)


async def group_handles(
    session: AsyncSession, workspace_id: str, group_ids: list[str]
) -> dict[str, str]:
    if _PROVIDER.groups is None or not group_ids:
        return {}
    return await _PROVIDER.groups.handles_of(session, workspace_id, group_ids)


async def groups_by_handle(
    session: AsyncSession, workspace_id: str, handles: list[str]
) -> dict[str, str]:
    if _PROVIDER.groups is None or not handles:
        return {}
    return await _PROVIDER.groups.ids_by_handle(session, workspace_id, handles)
