"""Who may see an event: an audience kind's resolver turns it into user ids.

Audience kinds are a registry (`platform.audience_kind(name, resolver)`). The platform
registers its own: `workspace`, `users`, `conversation` (membership is the platform's,
`platform.visibility`) and `control` (the nodes only). `emit()` refuses a kind nobody
registered; a node that receives one anyway (an older node in a rolling upgrade) logs a
warning and delivers it to nobody.

Conversation audiences are resolved against current membership.

Membership is cached per node and per conversation. The cache is dropped for a conversation
when an event that changes its membership passes through this node (every node with
connections in the workspace sees every event of that workspace, in order), and for a whole
workspace when the node's last connection there goes away (it then stops listening).
A generation counter keeps a load that raced with an invalidation from being cached.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Iterable
from typing import Any

from parley.platform import visibility
from parley.platform.db import Database
from parley.platform.events.types import EVENT_TYPES

log = logging.getLogger("parley.platform.events")

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
    """Declared by the event's type (`membership_change`, `membership_subtypes`)."""
    return EVENT_TYPES.changes_membership(payload)


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
        async with self.db.workspace(workspace_id), self.db.read() as session:
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


class UnknownAudienceKind(LookupError):
    """An event was emitted for an audience kind nobody registered."""


# (resolver, workspace id, audience, candidates) -> the candidates the audience reaches.
# `candidates` are the users with sockets in that workspace on this node; a resolver may
# return others too (they are ignored), never fewer than it should.
AudienceKindResolver = Callable[
    ["AudienceResolver", str, dict[str, Any], Collection[str]], Awaitable[Iterable[str]]
]


class AudienceKinds:
    """The registry: audience kind name -> resolver."""

    def __init__(self) -> None:
        self._kinds: dict[str, AudienceKindResolver] = {}

    def register(self, name: str, resolver: AudienceKindResolver) -> None:
        if name in self._kinds:
            raise RuntimeError(f"audience kind {name} registered twice")
        self._kinds[name] = resolver

    def forget(self, name: str) -> None:
        """Remove a kind (tests that register one of their own)."""
        self._kinds.pop(name, None)

    def get(self, name: str) -> AudienceKindResolver | None:
        return self._kinds.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._kinds

    def require(self, audience: dict[str, Any]) -> str:
        kind = audience.get("kind")
        if not isinstance(kind, str) or kind not in self._kinds:
            raise UnknownAudienceKind(
                f"audience kind {kind!r} is not registered (platform.audience_kind)"
            )
        return kind


AUDIENCE_KINDS = AudienceKinds()


async def _workspace(
    _resolver: AudienceResolver,
    _workspace_id: str,
    _audience: dict[str, Any],
    candidates: Collection[str],
) -> Iterable[str]:
    return candidates


async def _users(
    _resolver: AudienceResolver,
    _workspace_id: str,
    audience: dict[str, Any],
    candidates: Collection[str],
) -> Iterable[str]:
    ids = audience.get("ids") or ()
    return [user_id for user_id in ids if user_id in candidates]


async def _conversation(
    resolver: AudienceResolver,
    workspace_id: str,
    audience: dict[str, Any],
    candidates: Collection[str],
) -> Iterable[str]:
    conversation_id = str(audience.get("id", ""))
    members = await resolver.membership.members(workspace_id, conversation_id)
    if len(members) <= len(candidates):
        return [user_id for user_id in members if user_id in candidates]
    return [user_id for user_id in candidates if user_id in members]


async def _control(
    _resolver: AudienceResolver,
    _workspace_id: str,
    _audience: dict[str, Any],
    _candidates: Collection[str],
) -> Iterable[str]:
    return ()  # node instructions (fanout's _control), never a socket's


AUDIENCE_KINDS.register("workspace", _workspace)
AUDIENCE_KINDS.register("users", _users)
AUDIENCE_KINDS.register("conversation", _conversation)
AUDIENCE_KINDS.register("control", _control)


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
        resolver = AUDIENCE_KINDS.get(kind) if isinstance(kind, str) else None
        if resolver is None:
            log.warning(
                "event for unknown audience kind %r in %s reaches nobody", kind, workspace_id
            )
            return ()
        return await resolver(self, workspace_id, audience, candidates)

    async def may_see(self, workspace_id: str, audience: dict[str, Any], user_id: str) -> bool:
        return user_id in set(await self.users(workspace_id, audience, (user_id,)))
