"""What the messages feature asks of user groups (messages/groups.py's `GroupMentions`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.usergroups import store


class GroupMentionsOfUsergroups:
    """Group mentions resolved from this feature's tables; disabled groups notify nobody."""

    async def members_of(
        self, session: AsyncSession, workspace_id: str, group_ids: list[str]
    ) -> list[str]:
        return await store.enabled_members(session, workspace_id, group_ids)

    async def handles_of(
        self, session: AsyncSession, workspace_id: str, group_ids: list[str]
    ) -> dict[str, str]:
        return await store.handles_of(session, workspace_id, group_ids)

    async def ids_by_handle(
        self, session: AsyncSession, workspace_id: str, handles: list[str]
    ) -> dict[str, str]:
        return await store.ids_by_handle(session, workspace_id, handles)
