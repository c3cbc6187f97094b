"""The messages feature as other features may use it; nothing else of it is public.

- Posting: `post_message` with `PostRequest` (chat.postMessage's action, every rule:
  another way in, such as the RTM socket, posts through it), `access_post_target`,
  `check_can_post`, `check_blocks`, `do_post_message`, `do_post_ephemeral`,
  `do_update_message`, `do_replace_attachments`, `do_delete_message`.
- Lookups by Slack's address (channel + ts): `access_message` / `MessageAccess` (with the
  caller's permission check), `get_message`, `get_message_for_update`,
  `get_messages_by_ids`, `safe_ts`; `Message` for type annotations.
- Rendering and lists: `message_object`, `message_objects` (with reactions and pins),
  Slack's legacy item-list paging `window` / `page_body` / `Window`.
- Hooks that features above provide: `provide_reactions`, `provide_pins`
  (`ReactionsOfMessages`, `PinsOfMessages`, `PinCount`); `provide_group_mentions`
  (`GroupMentions`: who a `<!subteam^S…>` mention notifies, and its `@handle`);
  `provide_post_notifier` (`PostNotifier`: the notification rule, asked with a `Posted`
  for every new message).

Each name is the feature's own function, re-exported: its docstring is the contract.
"""

from __future__ import annotations

from parley.features.messages.access import access_post_target, check_can_post
from parley.features.messages.actions import (
    check_blocks,
    do_delete_message,
    do_post_ephemeral,
    do_post_message,
    do_replace_attachments,
    do_update_message,
)
from parley.features.messages.extras import (
    PinCount,
    PinsOfMessages,
    ReactionsOfMessages,
    message_objects,
    provide_pins,
    provide_reactions,
)
from parley.features.messages.groups import GroupMentions, provide_group_mentions
from parley.features.messages.message_access import MessageAccess, access_message
from parley.features.messages.models import Message
from parley.features.messages.notify import Posted, PostNotifier, provide_post_notifier
from parley.features.messages.paging import Window, page_body, window
from parley.features.messages.posting import PostRequest, post_message
from parley.features.messages.schemas import message_object
from parley.features.messages.store import (
    get_message,
    get_message_for_update,
    get_messages_by_ids,
    safe_ts,
)
from parley.features.messages.wire import Message as WireMessage

__all__ = [
    "GroupMentions",
    "Message",
    "MessageAccess",
    "PinCount",
    "PinsOfMessages",
    "PostNotifier",
    "PostRequest",
    "Posted",
    "ReactionsOfMessages",
    "Window",
    "WireMessage",
    "access_message",
    "access_post_target",
    "check_blocks",
    "check_can_post",
    "do_delete_message",
    "do_post_ephemeral",
    "do_post_message",
    "do_replace_attachments",
    "do_update_message",
    "get_message",
    "get_message_for_update",
    "get_messages_by_ids",
    "message_object",
    "message_objects",
    "page_body",
    "post_message",
    "provide_group_mentions",
    "provide_pins",
    "provide_post_notifier",
    "provide_reactions",
    "safe_ts",
    "window",
]
