"""The SCIM feature's registration with the platform."""

from __future__ import annotations

from pathlib import Path

from parley.features.scim import models
from parley.features.scim.routes import scim_routes
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
    platform.migrations(Path(__file__).resolve().parent / "migrations")
    platform.routes(scim_routes)
