"""Pin and saved-item writes: the only writers of `pins` and `saved_items`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from parley.features.conversations.interface import require_member, require_not_archived
from parley.features.messages.interface import (
    Message,
    MessageAccess,
    access_message,
    message_objects,
)
from parley.features.pins import store
from parley.features.pins.models import Pin, SavedItem
from parley.features.pins.schemas import pin_event, star_item
from parley.platform.auth.principal import Principal
from parley.platform.clock import event_ts, utc_now
from parley.platform.db import UnitOfWork
from parley.platform.errors import ApiError
from parley.platform.events.emit import conversation_audience, emit, users_audience
from parley.platform.spaces import Conversation

MAX_PINS = 100  # Slack's limit per conversation (`too_many_pins`)


async def _message_body(uow: UnitOfWork, message: Message, viewer: str) -> dict[str, Any]:
    rendered = await message_objects(uow.session, [message], viewer=viewer)
    return rendered[message.id]


async def do_pin(
    uow: UnitOfWork, user_id: str, conversation: Conversation, message: Message
) -> Pin:
    """Pin `message` to `conversation` and announce `pin_added` there."""
    require_not_archived(conversation)
    if await store.get_pin(uow.session, conversation.id, message.id) is not None:
        raise ApiError("already_pinned")
    if await store.count_pins(uow.session, conversation.id) >= MAX_PINS:
        raise ApiError("too_many_pins")
    pin = Pin(
        conversation_id=conversation.id,
        message_id=message.id,
        workspace_id=conversation.workspace_id,
        pinned_by=user_id,
        created=utc_now(),
    )
    uow.session.add(pin)
    try:
        await uow.session.flush()
    except IntegrityError:  # pinned concurrently
        raise ApiError("already_pinned") from None
    body = await _message_body(uow, message, user_id)
    payload = pin_event("pin_added", pin, body, user_id=user_id, event_ts=event_ts())
    payload["pin_count"] = await store.count_pins(uow.session, conversation.id)
    await emit(uow, conversation.workspace_id, payload, conversation_audience(conversation.id))
    return pin


async def do_unpin(
    uow: UnitOfWork, user_id: str, conversation: Conversation, message: Message
) -> None:
    """Remove the pin and announce `pin_removed` (with `has_pins`) to the conversation."""
    require_not_archived(conversation)
    pin = await store.get_pin(uow.session, conversation.id, message.id)
    if pin is None:
        raise ApiError("no_pin")
    await uow.session.delete(pin)
    await uow.session.flush()
    body = await _message_body(uow, message, user_id)
    payload = pin_event("pin_removed", pin, body, user_id=user_id, event_ts=event_ts())
    payload["has_pins"] = await store.count_pins(uow.session, conversation.id) > 0
    await emit(uow, conversation.workspace_id, payload, conversation_audience(conversation.id))


async def do_star(uow: UnitOfWork, user_id: str, message: Message) -> SavedItem:
    """Save `message` for `user_id`; `star_added` goes to that user only."""
    if await store.get_saved(uow.session, user_id, message.id) is not None:
        raise ApiError("already_starred")
    saved = SavedItem(
        user_id=user_id,
        message_id=message.id,
        workspace_id=message.workspace_id,
        conversation_id=message.conversation_id,
        created=utc_now(),
    )
    uow.session.add(saved)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise ApiError("already_starred") from None
    await _emit_star(uow, "star_added", saved, message)
    return saved


async def do_unstar(uow: UnitOfWork, user_id: str, message: Message) -> None:
    saved = await store.get_saved(uow.session, user_id, message.id)
    if saved is None:
        raise ApiError("not_starred")
    await uow.session.execute(
        delete(SavedItem).where(SavedItem.user_id == user_id, SavedItem.message_id == message.id)
    )
    await _emit_star(uow, "star_removed", saved, message)


async def _emit_star(uow: UnitOfWork, kind: str, saved: SavedItem, message: Message) -> None:
    body = await _message_body(uow, message, saved.user_id)
    payload = {
        "type": kind,
        "user": saved.user_id,
        "item": star_item(saved, body),
        "event_ts": event_ts(),
    }
    await emit(uow, saved.workspace_id, payload, users_audience([saved.user_id]))


# --- the rules of the pins.* methods (check_*: decide, then call do_*) -----------------------


async def _access_pinnable(
    uow: UnitOfWork, principal: Principal, channel: str | None, timestamp: str | None
) -> MessageAccess:
    """A message the caller can see, in a conversation they are a member of: only members
    pin and un-pin (`not_in_channel`)."""
    target = await access_message(
        uow.session,
        principal,
        channel,
        timestamp,
        for_update=True,
        missing_channel_error="channel_not_found",
    )
    require_member(target.access)
    return target


async def check_pin(
    uow: UnitOfWork, principal: Principal, channel: str | None, timestamp: str | None
) -> None:
    """A member pins a message to its (unarchived) conversation."""
    target = await _access_pinnable(uow, principal, channel, timestamp)
    await do_pin(uow, principal.user_id, target.conversation, target.message)


async def check_unpin(
    uow: UnitOfWork, principal: Principal, channel: str | None, timestamp: str | None
) -> None:
    """A member un-pins a message of its (unarchived) conversation."""
    target = await _access_pinnable(uow, principal, channel, timestamp)
    await do_unpin(uow, principal.user_id, target.conversation, target.message)
