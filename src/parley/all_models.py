"""Imports every table so that `Base.metadata` is complete (Alembic and tests use it)."""

from parley.features.accounts.models import Account, AccountIdentity
from parley.features.apps.models import (
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
from parley.features.audit.models import AuditEntry
from parley.features.auth.models import BrowserSession, Invitation, LoginThrottle, Token
from parley.features.bookmarks.models import Bookmark
from parley.features.emoji.models import CustomEmoji
from parley.features.files.models import File, FileShare
from parley.features.messages.models import Mention, Message, MessageEdit, ScheduledMessage
from parley.features.pins.models import Pin, SavedItem
from parley.features.reactions.models import Reaction
from parley.features.users.models import User
from parley.platform.db import Base
from parley.platform.events.models import EventLog
from parley.platform.spaces import Conversation, ConversationMember
from parley.platform.tenancy import Workspace

__all__ = [
    "Account",
    "AccountIdentity",
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
