"""Lists of conversation objects as a caller sees them: conversations.list's pages and the
lists rtm.start returns."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.conversations import store
from parley.features.conversations.schemas import conversation_object, im_object
from parley.features.conversations.store import Listing
from parley.platform.auth.principal import Principal
from parley.platform.spaces import Conversation


async def render_page(
    session: AsyncSession, principal: Principal, page: list[Conversation]
) -> list[dict[str, Any]]:
    """A list page in four queries: the page, the caller's memberships, the DM partners and
    the channels' member counts (`num_members`, as Slack's conversations.list gives)."""
    ids = [conversation.id for conversation in page]
    memberships = await store.memberships_of(session, principal.user_id, ids)
    ims = [conversation.id for conversation in page if conversation.kind == "im"]
    partners = await store.dm_partners(session, principal.user_id, ims)
    channels = [conversation.id for conversation in page if conversation.kind != "im"]
    counts = await store.member_counts(session, channels)
    rendered = []
    for conversation in page:
        membership = memberships.get(conversation.id)
        if conversation.kind == "im":
            rendered.append(
                im_object(conversation, partners.get(conversation.id), membership=membership)
            )
        else:
            rendered.append(
                conversation_object(
                    conversation,
                    is_member=membership is not None,
                    num_members=counts.get(conversation.id, 0),
                )
            )
    return rendered


async def visible_conversations(
    session: AsyncSession, principal: Principal, kind: str, *, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """The first `limit` conversations of one kind the caller may see (public channels:
    every one they may discover; the other kinds: those they are in), by id, and whether
    there are more. The caller checks the kind's read scope."""
    listing = Listing(
        workspace_id=principal.workspace_id,
        viewer_id=principal.user_id,
        viewer_is_guest=principal.is_guest,
        kinds=(kind,),
        exclude_archived=False,
        member_of=None,
        after_id=None,
        limit=limit,
    )
    rows = await store.visible_page(session, listing)
    return await render_page(session, principal, rows[:limit]), len(rows) > limit
