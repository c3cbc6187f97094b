"""Imports every table so that `Base.metadata` is complete (Alembic and tests use it)."""

from parley.apps.models import (
    App,
    AppCommand,
    AppDelivery,
    AppEventCursor,
    AppInstallation,
    AppTrigger,
    AppView,
    IncomingWebhook,
    OAuthCode,
    ResponseUrl,
)
from parley.audit.models import AuditEntry
from parley.auth.models import BrowserSession, Invitation, LoginThrottle, Token
from parley.bookmarks.models import Bookmark
from parley.conversations.models import Conversation, ConversationMember
from parley.core.db import Base
from parley.emoji.models import CustomEmoji
from parley.events.models import EventLog
from parley.files.models import File, FileShare
from parley.messages.models import Mention, Message, MessageEdit, ScheduledMessage
from parley.pins.models import Pin, SavedItem
from parley.reactions.models import Reaction
from parley.users.models import User
from parley.workspaces.models import Workspace

__all__ = [
    "App",
    "AppCommand",
    "AppDelivery",
    "AppEventCursor",
    "AppInstallation",
    "AppTrigger",
    "AppView",
    "AuditEntry",
    "Base",
    "Bookmark",
    "BrowserSession",
    "Conversation",
    "ConversationMember",
    "CustomEmoji",
    "EventLog",
    "File",
    "FileShare",
    "IncomingWebhook",
    "Invitation",
    "LoginThrottle",
    "Mention",
    "Message",
    "MessageEdit",
    "OAuthCode",
    "Pin",
    "Reaction",
    "ResponseUrl",
    "SavedItem",
    "ScheduledMessage",
    "Token",
    "User",
    "Workspace",
]
