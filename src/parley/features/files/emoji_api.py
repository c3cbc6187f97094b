"""admin.emoji.upload: a custom emoji from an uploaded image. The image's bytes live in the
file storage (this feature's), the emoji itself in the emoji feature (`do_add_emoji`, which
announces `emoji_changed` as admin.emoji.add does)."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import Field

from parley.features.emoji.interface import check_upload_emoji, do_add_emoji
from parley.features.files.emoji_images import (
    delete_emoji_image,
    emoji_image_url,
    new_emoji_token,
    render_emoji,
    store_emoji_image,
)
from parley.features.files.photos_api import image_bytes
from parley.features.files.storage import storage_for
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method


class EmojiUploadParams(Params):
    name: str = Field(default="", max_length=200)
    image: Any = None  # a multipart file part


@api_method(
    "admin.emoji.upload",
    params=EmojiUploadParams,
    scopes=("admin",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    slack_compatible=False,
    errors=(
        "not_an_admin",
        "error_missing_name",
        "error_lower_case_names_only",
        "error_bad_name_i18n",
        "error_bad_name_length",
        "error_name_taken",
        "error_name_taken_i18n",
        "bad_image",
        "too_large",
        "too_many_frames",
    ),
)
async def admin_emoji_upload(call: Call, params: EmojiUploadParams) -> dict[str, Any]:
    """Adds a custom emoji from an image (multipart `image`, shrunk to fit 128×128) named
    `name` (admins and owners)."""
    principal = call.principal
    # Who and which name first: a refused upload stores nothing.
    async with call.services.db.write() as uow:
        name = await check_upload_emoji(uow, principal, params.name)
    png = await asyncio.to_thread(render_emoji, await image_bytes(params.image))
    storage = storage_for(call.services.settings)
    token = new_emoji_token()
    await store_emoji_image(storage, token, png)
    url = emoji_image_url(call.services.settings.base_url, token)
    try:
        async with call.services.db.write() as uow:
            await do_add_emoji(
                uow, principal.workspace_id, name=name, url=url, user_id=principal.user_id
            )
    except BaseException:
        await delete_emoji_image(storage, token)
        raise
    return {"emoji": {"name": name, "url": url}}
