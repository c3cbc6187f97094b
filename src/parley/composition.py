"""The composition root: which features this Parley runs, in the order they build on each
other. The only module that names them all; `create_app` and the CLI call `install()`."""

from __future__ import annotations

from parley.features.accounts import feature as accounts
from parley.features.apps import feature as apps
from parley.features.audit import feature as audit
from parley.features.auth import feature as auth
from parley.features.bookmarks import feature as bookmarks
from parley.features.calls import feature as calls
from parley.features.conversations import feature as conversations
from parley.features.emoji import feature as emoji
from parley.features.files import feature as files
from parley.features.messages import feature as messages
from parley.features.notifications import feature as notifications
from parley.features.pins import feature as pins
from parley.features.reactions import feature as reactions
from parley.features.rtm import feature as rtm
from parley.features.scim import feature as scim
from parley.features.search import feature as search
from parley.features.unfurl import feature as unfurl
from parley.features.usergroups import feature as usergroups
from parley.features.users import feature as users
from parley.features.workspaces import feature as workspaces
from parley.platform import migrate
from parley.platform.plugins import FeatureRegistration, Platform, install_features

FEATURES: list[tuple[str, FeatureRegistration]] = [
    ("accounts", accounts.register),
    ("auth", auth.register),
    ("audit", audit.register),
    ("users", users.register),
    ("workspaces", workspaces.register),
    ("conversations", conversations.register),
    ("messages", messages.register),
    ("reactions", reactions.register),
    ("pins", pins.register),
    ("bookmarks", bookmarks.register),
    ("usergroups", usergroups.register),
    ("calls", calls.register),
    ("emoji", emoji.register),
    ("search", search.register),
    ("rtm", rtm.register),
    ("files", files.register),
    ("unfurl", unfurl.register),
    ("apps", apps.register),
    ("scim", scim.register),
    ("notifications", notifications.register),
]


def install() -> Platform:
    """Register every feature with the platform (once per process)."""
    return install_features(FEATURES)


def upgrade_to_head(database_url: str) -> None:
    """Migrate a database to the newest revision of the platform and every feature."""
    install()
    migrate.upgrade_to_head(database_url)


async def upgrade_to_head_async(database_url: str) -> None:
    install()
    await migrate.upgrade_to_head_async(database_url)
