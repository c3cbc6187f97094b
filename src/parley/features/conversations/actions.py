"""Conversation writes: create, membership, rename, archive, topic, read marks, DMs.

The only writers of `conversations` and `conversation_members`. Each do_* emits Slack's
events in the caller's transaction and posts Slack's system messages (`channel_join`,
`channel_topic`, …) through the `SystemMessages` hook the messages feature installs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.conversations import store
from parley.features.conversations.access import (
    Access,
    can_manage,
    require_kind,
    require_kind_scope,
    require_member,
    require_not_archived,
)
from parley.features.conversations.hooks import system_messages
from parley.features.conversations.schemas import conversation_object, im_object
from parley.features.conversations.store import ReadState
from parley.features.users.interface import User, get_user, get_users
from parley.features.workspaces.interface import (
    default_channel_ids,
    get_workspace,
    workspace_policy,
)
from parley.platform import visibility
from parley.platform.auth.principal import Principal
from parley.platform.clock import event_ts, unix_now, utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import (
    Audience,
    conversation_audience,
    emit,
    users_audience,
    workspace_audience,
)
from parley.platform.ids import looks_like, new_id
from parley.platform.spaces import ZERO_TS, Conversation, ConversationMember
from parley.platform.ts import normalize_ts

MAX_NAME = 80
MAX_TOPIC = 250
MAX_PURPOSE = 250
MAX_MPIM_OTHERS = 8  # Slack: a group DM holds at most 9 people
GENERAL = "general"
RANDOM = "random"
# Marks a channel every new member joins besides #general (Slack's default channels).
DEFAULT_CHANNEL = "default_channel"
# Words Slack keeps for itself: `<!here>`, `<!channel>`, … and legacy type names.
RESERVED_NAMES = frozenset(
    {"here", "channel", "channels", "everyone", "group", "groups", "archive", "archived",
     "private", "privategroup", "direct", "directmessage", "im", "mpim", "mpdm", "slackbot"}
)  # fmt: skip


# --- validation ------------------------------------------------------------------------------


def _allowed_name_char(char: str) -> bool:
    if char in "-_" or char.isdigit():
        return True
    return char.isalpha() and char == char.lower()


def check_channel_name(raw: str | None) -> str:
    """A channel name as Slack validates it: lowercase letters (any script), digits, `-`, `_`;
    at most 80 characters; not only punctuation."""
    name = (raw or "").strip()
    if not name:
        raise ApiError("invalid_name_required")
    if len(name) > MAX_NAME:
        raise ApiError("invalid_name_maxlength")
    if not all(_allowed_name_char(char) for char in name):
        raise ApiError("invalid_name_specials")
    if all(char in "-_" for char in name):
        raise ApiError("invalid_name_punctuation")
    return name


def check_ts(raw: str | None) -> str:
    try:
        return normalize_ts(raw or "")
    except ValueError:
        raise ApiError("invalid_timestamp") from None


# --- helpers -----------------------------------------------------------------------------------


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _event_prefix(conversation: Conversation) -> str:
    """Slack announces public channels as `channel_*`, private ones as `group_*`."""
    return "channel" if conversation.kind == "channel" else "group"


def _channel_type(conversation: Conversation) -> str:
    return "C" if conversation.kind == "channel" else "G"


def _directory_audience(conversation: Conversation) -> Audience:
    """Public channels are listed for everyone; anything else only concerns its members."""
    if conversation.kind == "channel":
        return workspace_audience()
    return conversation_audience(conversation.id)


async def _post_system(
    uow: UnitOfWork, conversation: Conversation, user_id: str, subtype: str, text: str
) -> None:
    """Slack's system messages (joins, topic changes…) live in channels, not in DMs."""
    if conversation.kind in {"channel", "group"}:
        await system_messages().post_system_message(
            uow, conversation, user_id=user_id, subtype=subtype, text=text
        )


def _new_member(
    conversation: Conversation, user_id: str, *, is_open: bool = True
) -> ConversationMember:
    return ConversationMember(
        conversation_id=conversation.id,
        user_id=user_id,
        workspace_id=conversation.workspace_id,
        joined=utc_now(),
        last_read=ZERO_TS,
        seen_count=0,
        seen_everyone_count=0,
        is_open=is_open,
        muted=False,
    )


def _new_conversation(workspace_id: str, kind: str, creator_id: str, prefix: str) -> Conversation:
    now = unix_now()
    return Conversation(
        id=new_id(prefix),
        workspace_id=workspace_id,
        kind=kind,
        name=None,
        dm_key=None,
        is_general=False,
        is_archived=False,
        creator=creator_id,
        created=now,
        updated=now * 1000,
        topic="",
        topic_creator="",
        topic_last_set=0,
        purpose="",
        purpose_creator="",
        purpose_last_set=0,
        previous_names=[],
        last_ts=ZERO_TS,
        properties={},
    )


# --- channels ----------------------------------------------------------------------------------


async def do_create_channel(
    uow: UnitOfWork,
    workspace_id: str,
    creator_id: str,
    name: str,
    *,
    is_private: bool,
    is_general: bool = False,
) -> Conversation:
    """Create a channel with its creator as only member; `name_taken` also when a concurrent
    create wins the race (the unique constraint is the arbiter)."""
    if name in RESERVED_NAMES:
        raise ApiError("name_taken")
    if await store.get_conversation_by_name(uow.session, workspace_id, name) is not None:
        raise ApiError("name_taken")
    conversation = _new_conversation(
        workspace_id, "group" if is_private else "channel", creator_id, "C"
    )
    conversation.name = name
    conversation.is_general = is_general
    try:
        async with uow.session.begin_nested():
            uow.session.add(conversation)
            await uow.session.flush()
    except IntegrityError:
        raise ApiError("name_taken") from None
    uow.session.add(_new_member(conversation, creator_id))
    await uow.session.flush()
    await emit(
        uow,
        workspace_id,
        {
            "type": "channel_created",
            "channel": conversation_object(conversation),
            "event_ts": event_ts(),
        },
        _directory_audience(conversation),
    )
    return conversation


async def do_create_general(uow: UnitOfWork, workspace_id: str, owner_id: str) -> Conversation:
    """#general, made with the workspace; everyone who arrives later joins it."""
    general = await do_create_channel(
        uow, workspace_id, owner_id, GENERAL, is_private=False, is_general=True
    )
    general.purpose = "This channel is for workspace-wide communication and announcements."
    general.purpose_creator = owner_id
    general.purpose_last_set = general.created
    await uow.session.flush()
    return general


async def do_create_random(uow: UnitOfWork, workspace_id: str, owner_id: str) -> Conversation:
    """#random, made with the workspace as Slack makes it; new members join it too."""
    random = await do_create_channel(uow, workspace_id, owner_id, RANDOM, is_private=False)
    random.purpose = (
        "This channel is for... well, everything else. It's a place for team jokes, "
        "spur-of-the-moment ideas, and funny GIFs. Go wild!"
    )
    random.purpose_creator = owner_id
    random.purpose_last_set = random.created
    random.properties = {DEFAULT_CHANNEL: True}
    await uow.session.flush()
    return random


async def do_create_default_channels(uow: UnitOfWork, workspace_id: str, owner_id: str) -> None:
    """A new workspace's #general and #random (both with Slack's purposes)."""
    await do_create_general(uow, workspace_id, owner_id)
    await do_create_random(uow, workspace_id, owner_id)


async def _admin_default_channels(session: AsyncSession, workspace_id: str) -> list[Conversation]:
    """The public channels an admin made default (admin.teams.settings.setDefaultChannels)."""
    workspace = await get_workspace(session, workspace_id)
    found = []
    for channel_id in default_channel_ids(workspace) if workspace else []:
        channel = await store.get_conversation(session, workspace_id, channel_id)
        if channel is not None and channel.kind == "channel":
            found.append(channel)
    return found


async def do_join_default_channels(uow: UnitOfWork, user: User) -> None:
    """New people (not bots, not guests) join #general and #random, if the workspace has
    them (still so named, not archived: #random may be renamed or archived like any other)."""
    if user.is_bot or user.role == "guest":
        return
    joining = [await store.get_general(uow.session, user.workspace_id)]
    random = await store.get_conversation_by_name(uow.session, user.workspace_id, RANDOM)
    if random is not None and (random.properties or {}).get(DEFAULT_CHANNEL):
        joining.append(random)
    joining += await _admin_default_channels(uow.session, user.workspace_id)
    for channel in joining:
        if channel is None or channel.is_archived:
            continue
        if await store.get_membership(uow.session, channel.id, user.id) is None:
            await do_add_members(uow, channel, [user.id], actor_id=user.id)


async def do_add_members(
    uow: UnitOfWork, conversation: Conversation, user_ids: list[str], *, actor_id: str
) -> None:
    """Add people who are not yet members; `actor_id` is the inviter (or the joiner)."""
    for user_id in user_ids:
        member = _new_member(conversation, user_id)
        uow.session.add(member)
        await uow.session.flush()
        await _announce_join(uow, conversation, user_id, actor_id)
        if conversation.kind in {"channel", "group"}:
            await _caught_up_on_joining(uow, conversation, member)
    if user_ids:  # someone who left and comes back has seen their own messages
        await store.recount_read_state(uow.session, conversation.id, list(user_ids))


async def _caught_up_on_joining(
    uow: UnitOfWork, conversation: Conversation, member: ConversationMember
) -> None:
    """A channel's history before someone joins is not unread for them (as in Slack): their
    `last_read` starts at the newest message shown, their own join line. Before, every
    earlier message, and every earlier mention of them or of @here, came up unread."""
    latest = (
        await uow.session.execute(
            select(Conversation.latest_shown_ts).where(Conversation.id == conversation.id)
        )
    ).scalar_one_or_none()
    if latest:
        member.last_read = latest
        await uow.session.flush()


async def _announce_join(
    uow: UnitOfWork, conversation: Conversation, user_id: str, actor_id: str
) -> None:
    joined: dict[str, object] = {
        "type": "member_joined_channel",
        "user": user_id,
        "channel": conversation.id,
        "channel_type": _channel_type(conversation),
        "team": conversation.workspace_id,
        "event_ts": event_ts(),
    }
    if actor_id != user_id:
        joined["inviter"] = actor_id
    await emit(uow, conversation.workspace_id, joined, conversation_audience(conversation.id))
    await emit(
        uow,
        conversation.workspace_id,
        {
            "type": f"{_event_prefix(conversation)}_joined",
            "channel": conversation_object(conversation, is_member=True),
        },
        users_audience([user_id]),
    )
    await _post_system(
        uow, conversation, user_id, "channel_join", f"<@{user_id}> has joined the channel"
    )


async def do_remove_member(
    uow: UnitOfWork, conversation: Conversation, user_id: str, *, actor_id: str
) -> None:
    """Remove `user_id` (leaving when actor is the user, else a kick) and tell both sides."""
    await _post_system(
        uow, conversation, user_id, "channel_leave", f"<@{user_id}> has left the channel"
    )
    await uow.session.execute(
        delete(ConversationMember).where(
            ConversationMember.conversation_id == conversation.id,
            ConversationMember.user_id == user_id,
        )
    )
    stamp = event_ts()
    await emit(
        uow,
        conversation.workspace_id,
        {
            "type": "member_left_channel",
            "user": user_id,
            "channel": conversation.id,
            "channel_type": _channel_type(conversation),
            "team": conversation.workspace_id,
            "event_ts": stamp,
        },
        conversation_audience(conversation.id),
    )
    await emit(
        uow,
        conversation.workspace_id,
        {
            "type": f"{_event_prefix(conversation)}_left",
            "channel": conversation.id,
            "actor_id": actor_id,
            "event_ts": stamp,
        },
        users_audience([user_id]),
    )


async def do_rename(
    uow: UnitOfWork, conversation: Conversation, name: str, *, actor_id: str
) -> Conversation:
    old = conversation.name or ""
    if name == old:
        return conversation
    if name in RESERVED_NAMES:
        raise ApiError("name_taken")
    taken = await store.get_conversation_by_name(uow.session, conversation.workspace_id, name)
    if taken is not None:
        raise ApiError("name_taken")
    try:
        async with uow.session.begin_nested():
            conversation.name = name
            conversation.previous_names = [*(conversation.previous_names or []), old]
            conversation.updated = _now_ms()
            await uow.session.flush()
    except IntegrityError:
        raise ApiError("name_taken") from None
    await emit(
        uow,
        conversation.workspace_id,
        {
            "type": f"{_event_prefix(conversation)}_rename",
            "channel": {
                "id": conversation.id,
                "name": name,
                "name_normalized": name,
                "created": conversation.created,
                "is_channel": conversation.kind == "channel",
                "is_mpim": False,
            },
            "event_ts": event_ts(),
        },
        _directory_audience(conversation),
    )
    await _post_system(
        uow,
        conversation,
        actor_id,
        "channel_name",
        f'<@{actor_id}> has renamed the channel from "{old}" to "{name}"',
    )
    return conversation


async def do_set_archived(
    uow: UnitOfWork, conversation: Conversation, archived: bool, *, actor_id: str
) -> None:
    """Archive (read-only, kept with its members) or bring back a channel."""
    action = "archive" if archived else "unarchive"
    if archived:
        await _post_system(
            uow, conversation, actor_id, "channel_archive", f"<@{actor_id}> archived the channel"
        )
    conversation.is_archived = archived
    conversation.updated = _now_ms()
    await uow.session.flush()
    await emit(
        uow,
        conversation.workspace_id,
        {
            "type": f"{_event_prefix(conversation)}_{action}",
            "channel": conversation.id,
            "user": actor_id,
            "is_moved": 0,
            "event_ts": event_ts(),
        },
        _directory_audience(conversation),
    )
    if not archived:
        await _post_system(
            uow,
            conversation,
            actor_id,
            "channel_unarchive",
            f"<@{actor_id}> un-archived the channel",
        )


async def do_set_topic(
    uow: UnitOfWork, conversation: Conversation, topic: str, *, actor_id: str
) -> Conversation:
    if len(topic) > MAX_TOPIC:
        raise ApiError("too_long")
    conversation.topic = topic
    conversation.topic_creator = actor_id
    conversation.topic_last_set = unix_now()
    conversation.updated = _now_ms()
    await uow.session.flush()
    text = f"set the channel topic: {topic}" if topic else "cleared the channel topic"
    await _post_system(uow, conversation, actor_id, "channel_topic", f"<@{actor_id}> {text}")
    return conversation


async def do_set_purpose(
    uow: UnitOfWork, conversation: Conversation, purpose: str, *, actor_id: str
) -> Conversation:
    if len(purpose) > MAX_PURPOSE:
        raise ApiError("too_long")
    conversation.purpose = purpose
    conversation.purpose_creator = actor_id
    conversation.purpose_last_set = unix_now()
    conversation.updated = _now_ms()
    await uow.session.flush()
    text = (
        f"set the channel description: {purpose}" if purpose else "cleared the channel description"
    )
    await _post_system(uow, conversation, actor_id, "channel_purpose", f"<@{actor_id}> {text}")
    return conversation


# --- read state --------------------------------------------------------------------------------

_MARKED_EVENT = {"channel": "channel_marked", "group": "group_marked", "mpim": "group_marked",
                 "im": "im_marked"}  # fmt: skip


async def do_mark(
    uow: UnitOfWork, conversation: Conversation, membership: ConversationMember, ts: str
) -> ReadState:
    """Move the member's read cursor to `ts` and tell their other devices."""
    membership.last_read = ts
    await uow.session.flush()
    await store.recount_read_state(uow.session, conversation.id, [membership.user_id])
    read = await store.read_state(uow.session, conversation, membership.user_id)
    await emit(
        uow,
        conversation.workspace_id,
        {
            "type": _MARKED_EVENT[conversation.kind],
            "channel": conversation.id,
            "ts": ts,
            "unread_count": read.unread_count,
            "unread_count_display": read.unread_count,
            "num_mentions": read.mention_count,
            "num_mentions_display": read.mention_count,
            "mention_count": read.mention_count,
            "mention_count_display": read.mention_count,
            "event_ts": event_ts(),
        },
        users_audience([membership.user_id]),
    )
    return read


# --- direct messages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    conversation: Conversation
    created: bool
    was_open: bool


def dm_key(user_ids: list[str]) -> str:
    """Sorted member ids: the same people always find the same DM."""
    return ",".join(sorted(set(user_ids)))


def _mpim_name(people: list[User]) -> str:
    return "mpdm-" + "--".join(sorted(person.name for person in people)) + "-1"


async def _create_direct(
    uow: UnitOfWork, workspace_id: str, opener_id: str, people: list[User]
) -> Conversation | None:
    """Insert the DM; None when a concurrent open created it first (unique dm_key)."""
    ids = [person.id for person in people]
    kind = "mpim" if len(people) > 2 else "im"
    conversation = _new_conversation(workspace_id, kind, opener_id, "C" if kind == "mpim" else "D")
    conversation.dm_key = dm_key(ids)
    if kind == "mpim":
        conversation.properties = {"name": _mpim_name(people)}
    try:
        async with uow.session.begin_nested():
            uow.session.add(conversation)
            await uow.session.flush()
            uow.session.add_all(_new_member(conversation, user_id) for user_id in sorted(set(ids)))
            await uow.session.flush()
    except IntegrityError:
        return None
    await _announce_direct(uow, conversation, people)
    return conversation


async def _announce_direct(uow: UnitOfWork, conversation: Conversation, people: list[User]) -> None:
    if conversation.kind == "mpim":
        body = conversation_object(conversation, is_member=True)
        await emit(
            uow,
            conversation.workspace_id,
            {"type": "mpim_joined", "channel": body, "event_ts": event_ts()},
            conversation_audience(conversation.id),
        )
        return
    for person in people:
        others = [p for p in people if p.id != person.id]
        other = others[0] if others else person
        await emit(
            uow,
            conversation.workspace_id,
            {"type": "im_created", "user": person.id, "channel": im_object(conversation, other),
             "event_ts": event_ts()},
            users_audience([person.id]),
        )  # fmt: skip


async def do_open_direct(
    uow: UnitOfWork, workspace_id: str, opener_id: str, others: list[User]
) -> Opened:
    """Find or create the DM (one other person, or the opener alone) or group DM (2–8 others)
    and make sure it is open in the opener's sidebar."""
    opener = await get_user(uow.session, workspace_id, opener_id)
    if opener is None:
        raise ApiError("user_not_found")
    people = [opener, *(p for p in others if p.id != opener_id)]
    key = dm_key([person.id for person in people])
    conversation = await store.get_dm_by_key(uow.session, workspace_id, key)
    if conversation is None:
        conversation = await _create_direct(uow, workspace_id, opener_id, people)
        if conversation is not None:
            return Opened(conversation, created=True, was_open=False)
        conversation = await store.get_dm_by_key(uow.session, workspace_id, key)
        if conversation is None:
            raise ApiError("channel_not_found")
    membership = await store.get_membership(uow.session, conversation.id, opener_id)
    if membership is None:
        raise ApiError("channel_not_found")
    was_open = membership.is_open
    if not was_open:
        await do_set_open(uow, conversation, membership, True)
    return Opened(conversation, created=False, was_open=was_open)


async def do_open_dm(
    uow: UnitOfWork, workspace_id: str, user_id: str, other_id: str
) -> Conversation:
    """The 1:1 DM between `user_id` and `other_id` (created when missing), open for `user_id`."""
    other = await get_user(uow.session, workspace_id, other_id)
    if other is None:
        raise ApiError("user_not_found")
    opened = await do_open_direct(uow, workspace_id, user_id, [other])
    return opened.conversation


async def do_set_open(
    uow: UnitOfWork, conversation: Conversation, membership: ConversationMember, is_open: bool
) -> None:
    """Show or hide a DM in one member's sidebar (`im_open`/`im_close`, `mpim_*`)."""
    membership.is_open = is_open
    await uow.session.flush()
    await emit(
        uow,
        conversation.workspace_id,
        {
            "type": f"{conversation.kind}_{'open' if is_open else 'close'}",
            "user": membership.user_id,
            "channel": conversation.id,
            "event_ts": event_ts(),
        },
        users_audience([membership.user_id]),
    )


# --- the rules of the conversations.* methods (check_*: decide, then call do_*) -------------
#
# Each takes the `Access` the caller already obtained (visibility, then the token's scope for
# the conversation's kind, are the Web API's authorisation) and raises Slack's error names in
# the order the methods always have.

CHANNEL_KINDS = ("channel", "group")
MAX_INVITEES = 1000


async def _only_admins_create(session: AsyncSession, principal: Principal) -> bool:
    workspace = await get_workspace(session, principal.workspace_id)
    return (
        workspace is not None and workspace_policy(workspace, "who_can_create_channels") == "admins"
    )


async def check_create_channel(
    uow: UnitOfWork, principal: Principal, raw_name: str | None, *, is_private: bool
) -> Conversation:
    """Guests may not create channels, nor members where the workspace lets only admins;
    then the name's rules; then create it."""
    if principal.is_guest:
        raise ApiError("restricted_action")
    if not principal.is_admin and await _only_admins_create(uow.session, principal):
        raise ApiError("restricted_action")
    name = check_channel_name(raw_name)
    return await do_create_channel(
        uow, principal.workspace_id, principal.user_id, name, is_private=is_private
    )


async def check_join_channel(uow: UnitOfWork, principal: Principal, access: Access) -> bool:
    """Join a public, unarchived channel; False (nothing done) when already a member."""
    if access.is_member:
        return False
    require_kind(access.conversation, "channel")
    require_not_archived(access.conversation)
    await do_add_members(uow, access.conversation, [principal.user_id], actor_id=principal.user_id)
    return True


async def check_leave_channel(uow: UnitOfWork, principal: Principal, access: Access) -> bool:
    """Leave a channel; False (nothing done) when not a member.

    Nobody leaves #general (`cant_leave_general`), nor an archived channel; guests may not
    leave (`user_is_restricted`: an admin decides where a guest is); the last member may not
    leave a private channel (`last_member`: it would be unreachable).
    """
    conversation = access.conversation
    require_kind(conversation, *CHANNEL_KINDS)
    if not access.is_member:
        return False
    if conversation.is_general:
        raise ApiError("cant_leave_general")
    require_not_archived(conversation)
    if principal.is_guest:
        raise ApiError("user_is_restricted")
    if conversation.kind == "group" and await store.member_count(uow.session, conversation.id) == 1:
        raise ApiError("last_member")
    await do_remove_member(uow, conversation, principal.user_id, actor_id=principal.user_id)
    return True


def _invite_error(
    principal: Principal, user_id: str, user: User | None, members: set[str]
) -> str | None:
    if user_id == principal.user_id:
        return "cant_invite_self"
    if user is None:
        return "user_not_found"
    if user.deleted:
        return "user_is_deactivated"
    if user_id in members:
        return "already_in_channel"
    return None


async def _invitees(
    uow: UnitOfWork,
    principal: Principal,
    conversation: Conversation,
    user_ids: list[str],
    *,
    force: bool,
) -> list[str]:
    """The users to add; Slack's per-user `errors` unless `force` skips the bad ones."""
    wanted = list(dict.fromkeys(u.strip() for u in user_ids if u.strip()))
    if not wanted:
        raise ApiError("no_user")
    if len(wanted) > MAX_INVITEES:
        raise ApiError("too_many_users")
    found = {user.id: user for user in await get_users(uow.session, principal.workspace_id, wanted)}
    members = set(await visibility.member_ids(uow.session, conversation.id))
    good: list[str] = []
    errors: list[dict[str, Any]] = []
    for user_id in wanted:
        error = _invite_error(principal, user_id, found.get(user_id), members)
        if error is None:
            good.append(user_id)
        else:
            errors.append({"user": user_id, "ok": False, "error": error})
    if errors and (not force or not good):
        raise ApiError(errors[0]["error"], errors=errors)
    return good


async def check_invite_members(
    uow: UnitOfWork, principal: Principal, access: Access, user_ids: list[str], *, force: bool
) -> list[str]:
    """Members (not guests) of an unarchived channel add people; returns who was added."""
    conversation = access.conversation
    require_kind(conversation, *CHANNEL_KINDS)
    require_not_archived(conversation)
    require_member(access)
    if principal.is_guest:
        raise ApiError("restricted_action")
    invitees = await _invitees(uow, principal, conversation, user_ids, force=force)
    await do_add_members(uow, conversation, invitees, actor_id=principal.user_id)
    return invitees


def _may_kick(principal: Principal, conversation: Conversation) -> bool:
    """Any member may remove people from a private channel; public ones need a manager."""
    return conversation.kind == "group" or can_manage(principal, conversation)


async def check_kick_member(
    uow: UnitOfWork, principal: Principal, access: Access, user_id: str
) -> None:
    """Remove someone else from a channel the caller is in (never from #general)."""
    conversation = access.conversation
    require_kind(conversation, *CHANNEL_KINDS)
    require_member(access)
    if user_id == principal.user_id:
        raise ApiError("cant_kick_self")
    if conversation.is_general:
        raise ApiError("cant_kick_from_general")
    require_not_archived(conversation)
    target = await get_user(uow.session, principal.workspace_id, user_id)
    if target is None:
        raise ApiError("user_not_found")
    if await store.get_membership(uow.session, conversation.id, target.id) is None:
        raise ApiError("not_in_channel")
    if not _may_kick(principal, conversation):
        raise ApiError("restricted_action")
    await do_remove_member(uow, conversation, target.id, actor_id=principal.user_id)


def _require_manager(access: Access, principal: Principal, error: str) -> None:
    """Members who manage the channel (admins need not be members)."""
    if not principal.is_admin:
        require_member(access)
    if not can_manage(principal, access.conversation):
        raise ApiError(error)


async def check_rename_channel(
    uow: UnitOfWork, principal: Principal, access: Access, raw_name: str | None
) -> None:
    """Its managers rename an unarchived channel (#general: admins only)."""
    conversation = access.conversation
    require_kind(conversation, *CHANNEL_KINDS)
    _require_manager(access, principal, "not_authorized")
    require_not_archived(conversation)
    name = check_channel_name(raw_name)
    await do_rename(uow, conversation, name, actor_id=principal.user_id)


async def check_archive_channel(
    uow: UnitOfWork, principal: Principal, access: Access, *, archived: bool
) -> None:
    """Its managers archive a channel (never #general) or bring it back."""
    conversation = access.conversation
    require_kind(conversation, *CHANNEL_KINDS)
    if archived:
        if conversation.is_general:
            raise ApiError("cant_archive_general")
        if conversation.is_archived:
            raise ApiError("already_archived")
    elif not conversation.is_archived:
        raise ApiError("not_archived")
    _require_manager(access, principal, "restricted_action")
    await do_set_archived(uow, conversation, archived, actor_id=principal.user_id)


def _require_editable(access: Access) -> None:
    """A conversation's topic and purpose are its members' to set, until it is archived."""
    require_member(access)
    require_not_archived(access.conversation)


async def check_set_topic(
    uow: UnitOfWork, principal: Principal, access: Access, topic: str
) -> Conversation:
    """A member sets the topic of an unarchived conversation (`too_long` past 250)."""
    _require_editable(access)
    return await do_set_topic(uow, access.conversation, topic.strip(), actor_id=principal.user_id)


async def check_set_purpose(
    uow: UnitOfWork, principal: Principal, access: Access, purpose: str
) -> Conversation:
    """A member sets the purpose of an unarchived conversation (`too_long` past 250)."""
    _require_editable(access)
    return await do_set_purpose(
        uow, access.conversation, purpose.strip(), actor_id=principal.user_id
    )


async def check_mark(uow: UnitOfWork, access: Access, ts: str) -> ReadState:
    """Only a member has a read cursor to move (`not_in_channel`)."""
    membership = require_member(access)
    return await do_mark(uow, access.conversation, membership, ts)


# --- DMs: open, reopen, close ----------------------------------------------------------------

DM_KINDS = ("im", "mpim")


async def _dm_people(session: AsyncSession, principal: Principal, ids: list[str]) -> list[User]:
    """The other people of a DM to open: known, active, at most 8 (self is dropped)."""
    wanted = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    if not wanted:
        raise ApiError("users_list_not_supplied")
    if any(not looks_like(user_id, "U", "W") for user_id in wanted):
        raise ApiError("user_not_found")
    found = {u.id: u for u in await get_users(session, principal.workspace_id, wanted)}
    if len(found) != len(wanted):
        raise ApiError("user_not_found")
    if any(user.deleted for user in found.values()):
        raise ApiError("user_disabled")
    others = [found[user_id] for user_id in wanted if user_id != principal.user_id]
    if len(others) > MAX_MPIM_OTHERS:
        raise ApiError("too_many_users")
    return others


async def check_open_direct(
    uow: UnitOfWork, principal: Principal, user_ids: list[str], *, prevent_creation: bool
) -> Opened:
    """Open (creating unless `prevent_creation`: then `channel_not_found`) the DM with one
    person or the group DM with 2–8. The scope this needs (`im:write` or `mpim:write`) is
    checked here because which one depends on the people, known only once they are checked."""
    others = await _dm_people(uow.session, principal, user_ids)
    require_kind_scope(principal, "mpim" if len(others) > 1 else "im", "write")
    if prevent_creation:
        key = dm_key([principal.user_id, *(other.id for other in others)])
        if await store.get_dm_by_key(uow.session, principal.workspace_id, key) is None:
            raise ApiError("channel_not_found")
    return await do_open_direct(uow, principal.workspace_id, principal.user_id, others)


async def check_reopen_direct(uow: UnitOfWork, access: Access) -> Opened:
    """Reopen, by its id, a DM or group DM the caller is in."""
    require_kind(access.conversation, *DM_KINDS)
    membership = require_member(access)
    was_open = membership.is_open
    if not was_open:
        await do_set_open(uow, access.conversation, membership, True)
    return Opened(access.conversation, created=False, was_open=was_open)


async def check_close_direct(uow: UnitOfWork, access: Access) -> bool:
    """Close a DM or group DM in the caller's sidebar (they stay a member); False (nothing
    done) when it already was."""
    require_kind(access.conversation, *DM_KINDS)
    membership = require_member(access)
    if not membership.is_open:
        return False
    await do_set_open(uow, access.conversation, membership, False)
    return True


def check_may_convert(principal: Principal) -> None:
    """Guests manage no channel: refused before the channel is even looked up."""
    if principal.is_guest:
        raise ApiError("restricted_action")


async def check_convert_to_private(uow: UnitOfWork, principal: Principal, access: Access) -> None:
    """admin.conversations.convertToPrivate: a public channel (never #general, DMs or a
    private one: `channel_type_not_supported`) becomes private, keeping its id and members.
    Its managers (creator, admins) may convert it (`restricted_action` otherwise); an
    archived channel `could_not_convert_channel`."""
    conversation = access.conversation
    if conversation.kind != "channel" or conversation.is_general:
        raise ApiError("channel_type_not_supported")
    if not can_manage(principal, conversation):
        raise ApiError("restricted_action")
    if conversation.is_archived:
        raise ApiError("could_not_convert_channel")
    await do_convert_to_private(uow, conversation, actor_id=principal.user_id)


async def do_convert_to_private(
    uow: UnitOfWork, conversation: Conversation, *, actor_id: str
) -> None:
    """Make a public channel private. Everyone hears it (non-members drop it from their
    directory; members see the lock); from now on only members see the channel."""
    conversation.kind = "group"
    conversation.updated = _now_ms()
    await uow.session.flush()
    await emit(
        uow,
        conversation.workspace_id,
        {
            "type": "channel_converted_to_private",
            "channel": conversation.id,
            "user": actor_id,
            "event_ts": event_ts(),
        },
        workspace_audience(),
    )
