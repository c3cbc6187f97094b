"""The messages feature's `PostNotifier`: asks the rule (`rule.decide`) for each member a new
message could notify and emits Slack's `desktop_notification` to those it answers for.

Only members who could be notified are read: everyone in a DM, the people mentioned (everyone
for `<!here>`-style mentions), and those with keywords or the level "all"; so a post to a
big channel reads a handful of rows, not its member list.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.features.messages.interface import Posted
from parley.features.notifications import store
from parley.features.notifications.rule import Facts, decide
from parley.features.notifications.settings import default_settings, prefs_of, schedule_of
from parley.features.users.interface import display_names, get_users
from parley.platform.clock import event_ts, unix_now
from parley.platform.db import UnitOfWork
from parley.platform.events.emit import emit, users_audience

CONTENT_LIMIT = 200
SLACKBOT = "USLACKBOT"


async def candidates(session: AsyncSession, posted: Posted) -> list[str]:
    """Members of the conversation the message might notify."""
    conversation = posted.conversation
    if conversation.kind in ("im", "mpim") or posted.mentions_everyone:
        return await store.members_of(session, conversation.id)
    # A channel post reads only the members it names, a thread's followers and those who
    # asked for more: never the whole member list of a 10,000-member channel per message.
    interested = set(posted.mentioned) | set(posted.thread_followers)
    interested.update(
        await store.members_who_may_want_all(session, conversation.workspace_id, conversation.id)
    )
    return await store.members_among(session, conversation.id, sorted(interested))


def facts_of(posted: Posted) -> Facts:
    return Facts(
        author_id=posted.author_id,
        text=posted.text,
        is_direct=posted.conversation.kind in ("im", "mpim"),
        is_reply=posted.thread_ts is not None,
        mentioned=posted.mentioned,
        mentions_everyone=posted.mentions_everyone,
        subtype=posted.subtype,
        thread_followers=posted.thread_followers,
    )


async def who_to_notify(session: AsyncSession, posted: Posted, now: int) -> dict[str, str]:
    """`member -> reason` for every member the rule says the message notifies."""
    workspace_id = posted.conversation.workspace_id
    ids = [m for m in await candidates(session, posted) if m != posted.author_id]
    people = {
        user.id: user
        for user in await get_users(session, workspace_id, ids)
        if not user.deleted and not user.is_bot
    }
    settings = await store.settings_of(session, workspace_id, list(people))
    prefs = await store.prefs_in(session, workspace_id, posted.conversation.id, list(people))
    facts = facts_of(posted)
    decided: dict[str, str] = {}
    for user_id, user in people.items():
        row = settings.get(user_id) or default_settings(workspace_id, user_id)
        reason = decide(
            user_id, prefs_of(row, prefs.get(user_id)), schedule_of(row, user.tz), facts, now
        )
        if reason is not None:
            decided[user_id] = reason
    return decided


async def _titles(session: AsyncSession, posted: Posted) -> tuple[str, str]:
    """(title, subtitle) as Slack shows them: the conversation, then who wrote."""
    conversation = posted.conversation
    names = await display_names(session, conversation.workspace_id, [posted.author_id])
    author = "Slackbot" if posted.author_id == SLACKBOT else names.get(posted.author_id, "")
    if conversation.kind == "im":
        return author, author
    return f"#{conversation.name}" if conversation.name else "Group message", author


class RuleNotifier:
    """Emits one `desktop_notification` per notified member, in the posting transaction."""

    async def message_posted(self, uow: UnitOfWork, posted: Posted) -> None:
        decided = await who_to_notify(uow.session, posted, unix_now())
        if not decided:
            return
        title, subtitle = await _titles(uow.session, posted)
        for user_id, reason in sorted(decided.items()):
            payload: dict[str, Any] = {
                "type": "desktop_notification",
                "title": title,
                "subtitle": subtitle,
                "content": posted.text[:CONTENT_LIMIT],
                "channel": posted.conversation.id,
                "msg": posted.ts,
                "ts": posted.ts,
                "thread_ts": posted.thread_ts,
                "author": posted.author_id,
                "reason": reason,
                "is_mention": reason in ("mention", "keyword", "dm"),
                "event_ts": event_ts(),
            }
            await emit(uow, posted.conversation.workspace_id, payload, users_audience([user_id]))
