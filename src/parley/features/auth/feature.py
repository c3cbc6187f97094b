"""The auth feature's registration with the platform."""

from __future__ import annotations

from parley.features.auth import models
from parley.features.auth.actions import do_end_sessions_of
from parley.features.auth.credentials import StoredCredentials
from parley.features.users.interface import on_member_deactivated
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
    platform.api_modules(
        "parley.features.auth.api",
        "parley.features.auth.invites_api",
        "parley.features.auth.resets_api",
        "parley.features.auth.wire",  # the documented response and event shapes
    )
    platform.credential_store(StoredCredentials())
    on_member_deactivated(do_end_sessions_of)
