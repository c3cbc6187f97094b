"""The files feature's registration with the platform."""

from __future__ import annotations

from parley.features.files import models
from parley.features.files.emoji_images import emoji_image_routes
from parley.features.files.events import EVENTS
from parley.features.files.photos import photo_routes
from parley.features.files.routes import file_routes
from parley.features.files.worker import run_previews
from parley.platform.plugins import Platform


def register(platform: Platform) -> None:
    platform.models(models)
    platform.api_modules(
        "parley.features.files.api",
        "parley.features.files.remote_api",
        "parley.features.files.photos_api",
        "parley.features.files.emoji_api",
        "parley.features.files.wire",  # the documented response and event shapes
    )
    platform.worker("file-previews", run_previews)
    platform.routes(file_routes)
    platform.routes(photo_routes)
    platform.routes(emoji_image_routes)
    platform.event_types(*EVENTS)
