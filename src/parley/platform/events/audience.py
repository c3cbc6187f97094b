"""Who may see an event: audiences resolved against current conversation membership.

Membership is cached per node and per conversation. The cache is dropped for a conversation
when an event that changes its membership passes through this node (every node with
connections in the workspace sees every event of that workspace, in order), and for a whole
workspace when the node's last connection there goes away (it then stops listening).
A generation counter keeps a load that raced with an invalidation from being cached.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from parley.platform import visibility
from parley.platform.db import Database

# Events after which a conversation's member list may differ (Slack names, both generations).
MEMBERSHIP_EVENTS = frozenset(
    {
        "member_joined_channel",
        "member_left_channel",
        "channel_joined",
        "channel_left",
        "group_joined",
        "group_left",
        "channel_deleted",
        "group_deleted",
        "im_created",
        "mpim_joined",
        "mpim_left",
        "channel_shared",
        "channel_unshared",
    }
)
MEMBERSHIP_SUBTYPES = frozenset({"channel_join", "channel_leave", "group_join", "group_leave"})
MAX_CACHED_CONVERSATIONS = 50_000


def channel_of(payload: dict[str, Any]) -> str | None:
    """The conversation id an event is about (`channel` is an id or an object with one)."""
    channel = payload.get("channel")
    if isinstance(channel, str):
        return channel
    if isinstance(channel, dict) and isinstance(channel.get("id"), str):
        return str(channel["id"])
    return None


def changes_membership(payload: dict[str, Any]) -> bool:
    kind = payload.get("type")
    if kind in MEMBERSHIP_EVENTS:
        return True
    return kind == "message" and payload.get("subtype") in MEMBERSHIP_SUBTYPES


class MembershipCache:
    """conversation id -> the user ids currently in it, loaded on demand from the database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._members: dict[str, frozenset[str]] = {}
        self._generation: dict[str, int] = {}
        self._by_workspace: dict[str, set[str]] = {}

    def cached(self, conversation_id: str) -> frozenset[str] | None:
        return self._members.get(conversation_id)

    async def members(self, workspace_id: str, conversation_id: str) -> frozenset[str]:
        cached = self._members.get(conversation_id)
        if cached is not None:
            return cached
        generation = self._generation.get(conversation_id, 0)
        async with self.db.read() as session:
            loaded = frozenset(await visibility.member_ids(session, conversation_id))
        if self._generation.get(conversation_id, 0) == generation:
            self._store(workspace_id, conversation_id, loaded)
        return loaded

    def _store(self, workspace_id: str, conversation_id: str, members: frozenset[str]) -> None:
        if len(self._members) >= MAX_CACHED_CONVERSATIONS:
            oldest = next(iter(self._members))
            self._members.pop(oldest)
        self._members[conversation_id] = members
        self._by_workspace.setdefault(workspace_id, set()).add(conversation_id)

    def invalidate(self, conversation_id: str) -> None:
        self._members.pop(conversation_id, None)
        self._generation[conversation_id] = self._generation.get(conversation_id, 0) + 1

    def observe(self, payload: dict[str, Any]) -> None:
        """Drop the cached members of the conversation a membership event is about."""
        if changes_membership(payload):
            channel = channel_of(payload)
            if channel is not None:
                self.invalidate(channel)

    def forget_workspace(self, workspace_id: str) -> None:
        for conversation_id in self._by_workspace.pop(workspace_id, set()):
            self.invalidate(conversation_id)


class AudienceResolver:
    """Turns an outbox audience into the user ids (among `candidates`) that may see it."""

    def __init__(self, membership: MembershipCache) -> None:
        self.membership = membership

    async def users(
        self,
        workspace_id: str,
        audience: dict[str, Any],
        candidates: Collection[str],
    ) -> Iterable[str]:
        kind = audience.get("kind")
        if kind == "workspace":
            return candidates
        if kind == "users":
            ids = audience.get("ids") or ()
            return [user_id for user_id in ids if user_id in candidates]
        if kind == "conversation":
            conversation_id = str(audience.get("id", ""))
            members = await self.membership.members(workspace_id, conversation_id)
            if len(members) <= len(candidates):
                return [user_id for user_id in members if user_id in candidates]
            return [user_id for user_id in candidates if user_id in members]
        return ()  # an audience this node does not understand reaches nobody

    async def may_see(self, workspace_id: str, audience: dict[str, Any], user_id: str) -> bool:
        return user_id in set(await self.users(workspace_id, audience, (user_id,)))
