"""The usergroups feature's registration with the platform."""

from __future__ import annotations

from pathlib import Path

from parley.features.messages.interface import provide_group_mentions
from parley.features.usergroups import models
from parley.features.usergroups.events import EVENTS
from parley.features.usergroups.mentions import GroupMentionsOfUsergroups
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
    platform.migrations(Path(__file__).resolve().parent / "migrations")
    platform.api_modules("parley.features.usergroups.api")
    platform.event_types(*EVENTS)
    # `<!subteam^S…>` in a message notifies the group's members and shows `@handle`.
    provide_group_mentions(GroupMentionsOfUsergroups())
