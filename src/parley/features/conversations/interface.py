"""The conversations feature as other features may use it; nothing else of it is public.

- Access: `access_conversation` (a conversation the principal may see, or Slack's error),
  `Access`, `require_member`, `require_not_archived`, `require_scope_for`.
- Lookups: `get_conversation`, `get_conversation_by_name`, `get_membership`;
  `visible_conversations` (rendered, one kind at a time: rtm.start's lists).
- Actions: `do_open_dm` (find or create the DM between two people), `do_add_members`
  (people join a conversation, announced as an invite by `actor_id`: user groups' default
  channels).
- Hooks that features above provide: `SystemMessages` and `ReadStates`
  (`provide_system_messages`, `provide_read_states`), with the `ReadState` they return;
  `LiveHuddles` (`provide_live_huddles`: "huddle active" in conversations.info).

Each name is the feature's own function, re-exported: its docstring is the contract.
"""

from __future__ import annotations

from parley.features.conversations.access import (
    Access,
    access_conversation,
    require_member,
    require_not_archived,
    require_scope_for,
)
from parley.features.conversations.actions import do_add_members, do_open_dm
from parley.features.conversations.hooks import (
    LiveHuddles,
    ReadStates,
    SystemMessages,
    provide_live_huddles,
    provide_read_states,
    provide_system_messages,
)
from parley.features.conversations.listing import visible_conversations
from parley.features.conversations.store import (
    ReadState,
    get_conversation,
    get_conversation_by_name,
    get_membership,
)

__all__ = [
    "Access",
    "LiveHuddles",
    "ReadState",
    "ReadStates",
    "SystemMessages",
    "access_conversation",
    "do_add_members",
    "do_open_dm",
    "get_conversation",
    "get_conversation_by_name",
    "get_membership",
    "provide_live_huddles",
    "provide_read_states",
    "provide_system_messages",
    "require_member",
    "require_not_archived",
    "require_scope_for",
    "visible_conversations",
]
