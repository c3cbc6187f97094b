"""conversations.*, users.conversations and client.counts methods."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.conversations import actions, store
from parley.features.conversations.access import (
    Access,
    access_conversation,
    require_kind_scope,
    require_scope_for,
)
from parley.features.conversations.hooks import live_huddle
from parley.features.conversations.listing import render_page
from parley.features.conversations.schemas import (
    conversation_object,
    counts_item,
    im_object,
)
from parley.features.conversations.store import Listing, ReadState
from parley.features.conversations.wire import (
    ConversationResponse,
    ConversationsListResponse,
    CountsResponse,
    MembersResponse,
)
from parley.features.users.interface import User, check_user_in_workspace
from parley.platform.auth.principal import Principal
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.spaces import ZERO_TS, Conversation, ConversationMember
from parley.platform.webapi.context import Call
from parley.platform.webapi.pagination import clamp_limit, decode_cursor, page_metadata
from parley.platform.webapi.params import CsvList, Params, SlackBool, SlackInt, SlackTs
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method

READ_SCOPES = ("channels:read", "groups:read", "im:read", "mpim:read")
WRITE_SCOPES = ("channels:write", "channels:manage", "groups:write", "im:write", "mpim:write")
TYPE_KINDS = {"public_channel": "channel", "private_channel": "group", "mpim": "mpim", "im": "im"}
CHANNEL_MISSING = {"channel": "channel_not_found"}


# --- shared helpers -----------------------------------------------------------------------------


async def _access(
    session: AsyncSession, principal: Principal, channel: str | None, action: str
) -> Access:
    """The visible conversation, checked against the scope `action` needs for its kind."""
    access = await access_conversation(session, principal, channel, for_update=action != "read")
    require_scope_for(principal, access.conversation, action)
    return access


async def _render(
    session: AsyncSession,
    principal: Principal,
    conversation: Conversation,
    membership: ConversationMember | None,
    *,
    num_members: bool = False,
    with_read: bool = True,
) -> dict[str, Any]:
    """The conversation as the caller sees it, with their read state when they are in it."""
    read: ReadState | None = None
    if with_read and membership is not None:
        read = await store.read_state(session, conversation, principal.user_id)
    if conversation.kind == "im":
        partners = await store.dm_partners(session, principal.user_id, [conversation.id])
        return im_object(
            conversation, partners.get(conversation.id), membership=membership, read=read
        )
    count = await store.member_count(session, conversation.id) if num_members else None
    return conversation_object(
        conversation, is_member=membership is not None, num_members=count, read=read
    )


def _kinds(principal: Principal, types: list[str] | None) -> tuple[str, ...]:
    """Kinds named by `types` (default public channels), each needing its `:read` scope."""
    kinds: list[str] = []
    for name in types or ["public_channel"]:
        kind = TYPE_KINDS.get(name)
        if kind is None:
            raise ApiError("invalid_types")
        require_kind_scope(principal, kind, "read")
        if kind not in kinds:
            kinds.append(kind)
    return tuple(kinds)


async def _list(call: Call, params: ListParams, member_of: str | None) -> dict[str, Any]:
    principal = call.principal
    limit = clamp_limit(params.limit, default=100, maximum=1000)
    listing = Listing(
        workspace_id=principal.workspace_id,
        viewer_id=principal.user_id,
        viewer_is_guest=principal.is_guest,
        kinds=_kinds(principal, params.types),
        exclude_archived=params.exclude_archived,
        member_of=member_of,
        after_id=decode_cursor(params.cursor),
        limit=limit,
    )
    async with call.services.db.read() as session:
        rows = await store.visible_page(session, listing)
        page, more = rows[:limit], len(rows) > limit
        channels = await render_page(session, principal, page)
    return {
        "channels": channels,
        "response_metadata": page_metadata(page[-1].id if more else None),
    }


# --- listing and reading ------------------------------------------------------------------------


class ListParams(Params):
    types: CsvList | None = None
    exclude_archived: SlackBool = False
    limit: SlackInt = 0
    cursor: str | None = None


@api_method(
    "conversations.list",
    params=ListParams,
    scopes=READ_SCOPES,
    tier=Tier.T2,
    errors=("invalid_types", "invalid_cursor", "missing_scope"),
    response=ConversationsListResponse,
)
async def conversations_list(call: Call, params: ListParams) -> dict[str, Any]:
    """Lists the conversations the caller can see: every public channel, and the private
    channels, group DMs and DMs they are in."""
    return await _list(call, params, member_of=None)


class UsersConversationsParams(ListParams):
    user: str | None = Field(default=None, max_length=32)


@api_method(
    "users.conversations",
    params=UsersConversationsParams,
    scopes=READ_SCOPES,
    tier=Tier.T3,
    errors=("invalid_types", "invalid_cursor", "user_not_found", "missing_scope"),
    response=ConversationsListResponse,
)
async def users_conversations(call: Call, params: UsersConversationsParams) -> dict[str, Any]:
    """Lists the conversations a user (the caller by default) is in, among those the caller
    can see."""
    async with call.services.db.read() as session:
        user_id = await check_user_in_workspace(session, call.principal, params.user)
    return await _list(call, params, member_of=user_id)


class InfoParams(Params):
    channel: str = Field(max_length=32)
    include_num_members: SlackBool = False
    include_locale: SlackBool = False


@api_method(
    "conversations.info",
    params=InfoParams,
    scopes=READ_SCOPES,
    tier=Tier.T3,
    missing_errors=CHANNEL_MISSING,
    errors=("channel_not_found", "missing_scope"),
    response=ConversationResponse,
)
async def conversations_info(call: Call, params: InfoParams) -> dict[str, Any]:
    """Gets a conversation; members also get `last_read` and `unread_count`."""
    async with call.services.db.read() as session:
        access = await _access(session, call.principal, params.channel, "read")
        channel = await _render(
            session,
            call.principal,
            access.conversation,
            access.membership,
            num_members=params.include_num_members,
        )
        huddle = await live_huddle(session, call.principal.workspace_id, access.conversation.id)
    if huddle is not None:
        channel["huddle"] = huddle  # Parley: "huddle active" (docs/calls.md)
    return {"channel": channel}


class MembersParams(Params):
    channel: str = Field(max_length=32)
    limit: SlackInt = 0
    cursor: str | None = None


@api_method(
    "conversations.members",
    params=MembersParams,
    scopes=READ_SCOPES,
    tier=Tier.T4,
    missing_errors=CHANNEL_MISSING,
    errors=("channel_not_found", "invalid_cursor", "missing_scope"),
    response=MembersResponse,
)
async def conversations_members(call: Call, params: MembersParams) -> dict[str, Any]:
    """Lists the ids of a conversation's members, a page at a time."""
    limit = clamp_limit(params.limit, default=100, maximum=1000)
    after = decode_cursor(params.cursor)
    async with call.services.db.read() as session:
        access = await _access(session, call.principal, params.channel, "read")
        rows = await store.members_page(
            session, access.conversation.id, after_id=after, limit=limit
        )
    page, more = rows[:limit], len(rows) > limit
    return {"members": page, "response_metadata": page_metadata(page[-1] if more else None)}


@api_method(
    "client.counts",
    tier=Tier.T3,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    response=CountsResponse,
)
async def client_counts(call: Call, params: Params) -> dict[str, Any]:
    """Unread and mention counts for every conversation the caller is in.

    Returns `{"channels": [...], "mpims": [...], "ims": [...]}` (public and private
    channels under `channels`); each item is `{id, last_read, latest, mention_count,
    has_unreads, unread_count}`. `unread_count` counts messages newer than `last_read`
    that others posted and the channel shows (no thread replies unless broadcast);
    `mention_count` counts the unread ones mentioning the caller or `@here/@channel/
    @everyone`, threads included. `latest` is the newest shown message's ts or null.
    Computed in a constant number of queries, whatever the number of conversations.
    """
    principal = call.principal
    async with call.services.db.read() as session:
        states = await store.read_states(session, principal.workspace_id, principal.user_id)
    grouped: dict[str, list[dict[str, Any]]] = {"channels": [], "mpims": [], "ims": []}
    section = {"channel": "channels", "group": "channels", "mpim": "mpims", "im": "ims"}
    for state in states:
        grouped[section[state.kind]].append(counts_item(state))
    return grouped


# --- creating, joining, leaving ----------------------------------------------------------------


class CreateParams(Params):
    name: str = Field(max_length=255)
    is_private: SlackBool = False


@api_method(
    "conversations.create",
    params=CreateParams,
    scopes=("channels:manage", "channels:write", "groups:write"),
    tier=Tier.T2,
    missing_errors={"name": "invalid_name_required"},
    errors=(
        "name_taken",
        "invalid_name_required",
        "invalid_name_maxlength",
        "invalid_name_specials",
        "invalid_name_punctuation",
        "restricted_action",
        "missing_scope",
    ),
    response=ConversationResponse,
)
async def conversations_create(call: Call, params: CreateParams) -> dict[str, Any]:
    """Creates a public or private channel with the caller as its first member."""
    principal = call.principal
    kind = "group" if params.is_private else "channel"
    require_kind_scope(principal, kind, "manage")
    async with call.services.db.write() as uow:
        conversation = await actions.check_create_channel(
            uow, principal, params.name, is_private=params.is_private
        )
    read = ReadState(conversation.id, kind, ZERO_TS, None, 0, 0)
    return {"channel": conversation_object(conversation, is_member=True, read=read)}


class ChannelParams(Params):
    channel: str = Field(max_length=32)


@api_method(
    "conversations.join",
    params=ChannelParams,
    scopes=("channels:join", "channels:write", "channels:manage"),
    tier=Tier.T3,
    missing_errors=CHANNEL_MISSING,
    errors=("channel_not_found", "is_archived", "method_not_supported_for_channel_type"),
    response=ConversationResponse,
)
async def conversations_join(call: Call, params: ChannelParams) -> dict[str, Any]:
    """Joins a public channel (answers with a warning when already in it)."""
    principal = call.principal
    async with call.services.db.write() as uow:
        access = await _access(uow.session, principal, params.channel, "join")
        conversation = access.conversation
        if not await actions.check_join_channel(uow, principal, access):
            channel = await _render(uow.session, principal, conversation, access.membership)
            return {
                "channel": channel,
                "warning": "already_in_channel",
                "response_metadata": {"warnings": ["already_in_channel"]},
            }
        membership = await store.get_membership(uow.session, conversation.id, principal.user_id)
        channel = await _render(uow.session, principal, conversation, membership)
    return {"channel": channel}


@api_method(
    "conversations.leave",
    params=ChannelParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T3,
    missing_errors=CHANNEL_MISSING,
    errors=(
        "channel_not_found",
        "cant_leave_general",
        "is_archived",
        "last_member",
        "user_is_restricted",
        "method_not_supported_for_channel_type",
    ),
)
async def conversations_leave(call: Call, params: ChannelParams) -> dict[str, Any]:
    """Leaves a channel; not being in it is not an error (`not_in_channel: true`)."""
    principal = call.principal
    async with call.services.db.write() as uow:
        access = await _access(uow.session, principal, params.channel, "manage")
        left = await actions.check_leave_channel(uow, principal, access)
    return {} if left else {"not_in_channel": True}


class InviteParams(Params):
    channel: str = Field(max_length=32)
    users: CsvList = Field(default_factory=list)
    force: SlackBool = False


@api_method(
    "conversations.invite",
    params=InviteParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T3,
    missing_errors=CHANNEL_MISSING,
    errors=(
        "channel_not_found",
        "no_user",
        "user_not_found",
        "cant_invite_self",
        "already_in_channel",
        "user_is_deactivated",
        "not_in_channel",
        "is_archived",
        "restricted_action",
        "method_not_supported_for_channel_type",
    ),
)
async def conversations_invite(call: Call, params: InviteParams) -> dict[str, Any]:
    """Invites users (comma-separated ids) to a channel the caller is in."""
    principal = call.principal
    async with call.services.db.write() as uow:
        access = await _access(uow.session, principal, params.channel, "manage")
        await actions.check_invite_members(uow, principal, access, params.users, force=params.force)
        channel = await _render(uow.session, principal, access.conversation, access.membership)
    return {"channel": channel}


class KickParams(Params):
    channel: str = Field(max_length=32)
    user: str = Field(max_length=32)


@api_method(
    "conversations.kick",
    params=KickParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T3,
    missing_errors={"channel": "channel_not_found", "user": "user_not_found"},
    errors=(
        "channel_not_found",
        "user_not_found",
        "cant_kick_self",
        "cant_kick_from_general",
        "not_in_channel",
        "restricted_action",
        "method_not_supported_for_channel_type",
    ),
)
async def conversations_kick(call: Call, params: KickParams) -> dict[str, Any]:
    """Removes a user from a channel."""
    principal = call.principal
    async with call.services.db.write() as uow:
        access = await _access(uow.session, principal, params.channel, "manage")
        await actions.check_kick_member(uow, principal, access, params.user)
    return {}


# --- DMs -----------------------------------------------------------------------------------


class OpenParams(Params):
    users: CsvList | None = None
    channel: str | None = Field(default=None, max_length=32)
    return_im: SlackBool = False
    prevent_creation: SlackBool = False


def _open_answer(opened: actions.Opened, other: User | None, return_im: bool) -> dict[str, Any]:
    conversation = opened.conversation
    answer: dict[str, Any] = {}
    if opened.was_open:
        answer.update(no_op=True, already_open=True)
    if conversation.kind == "mpim":
        answer["channel"] = conversation_object(conversation, is_member=True)
    elif return_im:
        answer["channel"] = im_object(conversation, other)
    else:
        answer["channel"] = {"id": conversation.id}
    return answer


async def _partner(
    session: AsyncSession, principal: Principal, conversation: Conversation
) -> User | None:
    partners = await store.dm_partners(session, principal.user_id, [conversation.id])
    return partners.get(conversation.id)


async def _reopen(call: Call, channel: str, return_im: bool) -> dict[str, Any]:
    principal = call.principal
    async with call.services.db.write() as uow:
        access = await _access(uow.session, principal, channel, "write")
        opened = await actions.check_reopen_direct(uow, access)
        other = await _partner(uow.session, principal, opened.conversation)
    return _open_answer(opened, other, return_im)


@api_method(
    "conversations.open",
    params=OpenParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T3,
    errors=(
        "users_list_not_supplied",
        "user_not_found",
        "user_disabled",
        "too_many_users",
        "channel_not_found",
        "method_not_supported_for_channel_type",
    ),
    response=ConversationResponse,
)
async def conversations_open(call: Call, params: OpenParams) -> dict[str, Any]:
    """Opens (creating when needed) a DM with one person or a group DM with 2–8, or
    reopens one by `channel`. With `prevent_creation`, a DM that does not exist yet is
    `channel_not_found` instead of being created."""
    if params.channel and not params.users:
        return await _reopen(call, params.channel, params.return_im)
    principal = call.principal
    async with call.services.db.write() as uow:
        opened = await actions.check_open_direct(
            uow, principal, params.users or [], prevent_creation=params.prevent_creation
        )
        other = await _partner(uow.session, principal, opened.conversation)
    return _open_answer(opened, other, params.return_im)


@api_method(
    "conversations.close",
    params=ChannelParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T2,
    missing_errors=CHANNEL_MISSING,
    errors=("channel_not_found", "method_not_supported_for_channel_type"),
)
async def conversations_close(call: Call, params: ChannelParams) -> dict[str, Any]:
    """Closes a DM or group DM in the caller's sidebar (they stay a member)."""
    principal = call.principal
    async with call.services.db.write() as uow:
        access = await _access(uow.session, principal, params.channel, "write")
        closed = await actions.check_close_direct(uow, access)
    return {} if closed else {"no_op": True, "already_closed": True}


# --- read marks ------------------------------------------------------------------------------


class MarkParams(Params):
    channel: str = Field(max_length=32)
    ts: SlackTs = Field(max_length=32)


@api_method(
    "conversations.mark",
    params=MarkParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T3,
    missing_errors={"channel": "channel_not_found", "ts": "invalid_timestamp"},
    errors=("channel_not_found", "invalid_timestamp", "not_in_channel"),
)
async def conversations_mark(call: Call, params: MarkParams) -> dict[str, Any]:
    """Sets the caller's read cursor in a conversation."""
    ts = actions.check_ts(params.ts)
    principal = call.principal

    async def mark(uow: UnitOfWork) -> None:
        access = await _access(uow.session, principal, params.channel, "write")
        await actions.check_mark(uow, access, ts)

    await call.services.db.write_unit(mark)
    return {}


# --- managing channels -------------------------------------------------------------------------


class RenameParams(Params):
    channel: str = Field(max_length=32)
    name: str = Field(max_length=255)


@api_method(
    "conversations.rename",
    params=RenameParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T2,
    missing_errors={"channel": "channel_not_found", "name": "invalid_name_required"},
    errors=(
        "channel_not_found",
        "not_in_channel",
        "not_authorized",
        "is_archived",
        "name_taken",
        "invalid_name_required",
        "invalid_name_maxlength",
        "invalid_name_specials",
        "invalid_name_punctuation",
        "method_not_supported_for_channel_type",
    ),
)
async def conversations_rename(call: Call, params: RenameParams) -> dict[str, Any]:
    """Renames a channel (its creator or an admin; #general only by admins)."""
    principal = call.principal
    async with call.services.db.write() as uow:
        access = await _access(uow.session, principal, params.channel, "manage")
        await actions.check_rename_channel(uow, principal, access, params.name)
        channel = await _render(uow.session, principal, access.conversation, access.membership)
    return {"channel": channel}


@api_method(
    "conversations.archive",
    params=ChannelParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T2,
    missing_errors=CHANNEL_MISSING,
    errors=(
        "channel_not_found",
        "already_archived",
        "cant_archive_general",
        "not_in_channel",
        "restricted_action",
        "method_not_supported_for_channel_type",
    ),
)
async def conversations_archive(call: Call, params: ChannelParams) -> dict[str, Any]:
    """Archives a channel (its creator or an admin); #general cannot be archived."""
    principal = call.principal
    async with call.services.db.write() as uow:
        access = await _access(uow.session, principal, params.channel, "manage")
        await actions.check_archive_channel(uow, principal, access, archived=True)
    return {}


@api_method(
    "conversations.unarchive",
    params=ChannelParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T2,
    missing_errors=CHANNEL_MISSING,
    errors=(
        "channel_not_found",
        "not_archived",
        "not_in_channel",
        "restricted_action",
        "method_not_supported_for_channel_type",
    ),
)
async def conversations_unarchive(call: Call, params: ChannelParams) -> dict[str, Any]:
    """Reverses archiving (its creator or an admin)."""
    principal = call.principal
    async with call.services.db.write() as uow:
        access = await _access(uow.session, principal, params.channel, "manage")
        await actions.check_archive_channel(uow, principal, access, archived=False)
    return {}


class TopicParams(Params):
    channel: str = Field(max_length=32)
    topic: str = Field(default="", max_length=4000)


class PurposeParams(Params):
    channel: str = Field(max_length=32)
    purpose: str = Field(default="", max_length=4000)


HeaderSetter = Callable[[UnitOfWork, Principal, Access, str], Awaitable[Conversation]]


async def _set_header_text(
    call: Call, channel_id: str, setter: HeaderSetter, value: str
) -> dict[str, Any]:
    """setTopic and setPurpose: one member-only write, answered with the channel."""
    principal = call.principal
    async with call.services.db.write() as uow:
        access = await _access(uow.session, principal, channel_id, "write")
        await setter(uow, principal, access, value)
        channel = await _render(uow.session, principal, access.conversation, access.membership)
    return {"channel": channel}


@api_method(
    "conversations.setTopic",
    params=TopicParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T3,
    missing_errors=CHANNEL_MISSING,
    errors=("channel_not_found", "not_in_channel", "is_archived", "too_long"),
)
async def conversations_set_topic(call: Call, params: TopicParams) -> dict[str, Any]:
    """Sets the topic of a conversation the caller is in (at most 250 characters)."""
    return await _set_header_text(call, params.channel, actions.check_set_topic, params.topic)


@api_method(
    "conversations.setPurpose",
    params=PurposeParams,
    scopes=WRITE_SCOPES,
    tier=Tier.T3,
    missing_errors=CHANNEL_MISSING,
    errors=("channel_not_found", "not_in_channel", "is_archived", "too_long"),
)
async def conversations_set_purpose(call: Call, params: PurposeParams) -> dict[str, Any]:
    """Sets the purpose (description) of a conversation the caller is in."""
    return await _set_header_text(call, params.channel, actions.check_set_purpose, params.purpose)


class ConvertToPrivateParams(Params):
    channel_id: str = Field(max_length=32)
    name: str | None = Field(default=None, max_length=80)  # Slack's: for group DMs only


@api_method(
    "admin.conversations.convertToPrivate",
    params=ConvertToPrivateParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    missing_errors={"channel_id": "channel_not_found"},
    errors=(
        "channel_not_found",
        "channel_type_not_supported",
        "could_not_convert_channel",
        "restricted_action",
    ),
)
async def admin_conversations_convert_to_private(
    call: Call, params: ConvertToPrivateParams
) -> dict[str, Any]:
    """Converts a public channel to a private one (its creator or an admin); the id, the
    history and the members stay."""
    principal = call.principal
    actions.check_may_convert(principal)
    async with call.services.db.write() as uow:
        access = await access_conversation(
            uow.session, principal, params.channel_id, for_update=True
        )
        await actions.check_convert_to_private(uow, principal, access)
    return {}
