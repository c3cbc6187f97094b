"""users.setPhoto and users.deletePhoto: the photo's bytes live in the file storage (this
feature's), its URL on the member (the users feature's, through `do_set_avatar`)."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.datastructures import UploadFile

from parley.features.files.photos import (
    Crop,
    delete_photo,
    new_token,
    render_photo,
    store_photo,
)
from parley.features.files.storage import storage_for
from parley.features.users.interface import (
    PHOTO_SIZES,
    do_set_avatar,
    get_user,
    photo_token,
    photo_url,
)
from parley.platform.errors import ApiError
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import Params, SlackInt
from parley.platform.webapi.registry import HUMAN_TOKEN_KINDS, Tier, api_method

MAX_PHOTO_BYTES = 10 * 1024 * 1024


class SetPhotoParams(Params):
    image: Any = None  # a multipart file part
    crop_x: SlackInt | None = None
    crop_y: SlackInt | None = None
    crop_w: SlackInt | None = None


async def image_bytes(value: Any) -> bytes:
    """The bytes of a multipart image part (also admin.emoji.upload's); bad_image, too_large."""
    if not isinstance(value, UploadFile):
        raise ApiError("bad_image")
    data = await value.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise ApiError("too_large")
    if not data:
        raise ApiError("bad_image")
    return data


def _crop(params: SetPhotoParams) -> Crop | None:
    """Slack's crop box is optional; given, it needs all three numbers."""
    given = (params.crop_x, params.crop_y, params.crop_w)
    if all(value is None for value in given):
        return None
    if params.crop_x is None or params.crop_y is None or params.crop_w is None:
        raise ApiError("invalid_crop")
    return Crop(params.crop_x, params.crop_y, params.crop_w)


async def _replace_avatar(call: Call, avatar_url: str) -> str | None:
    """Point the caller's profile at `avatar_url` (announced as `user_change`); the token
    of the photo it replaces, whose bytes the caller deletes after the commit."""
    principal = call.principal
    async with call.services.db.write() as uow:
        user = await get_user(uow.session, principal.workspace_id, principal.user_id)
        if user is None:
            raise ApiError("user_not_found")
        previous = photo_token(user.avatar_url)
        await do_set_avatar(uow, user, avatar_url)
    return previous


@api_method(
    "users.setPhoto",
    params=SetPhotoParams,
    scopes=("users.profile:write",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
    errors=("bad_image", "too_large", "too_many_frames", "invalid_crop"),
)
async def users_set_photo(call: Call, params: SetPhotoParams) -> dict[str, Any]:
    """Sets the caller's profile photo from an image (multipart `image`), cropped to the
    optional square box `crop_x`, `crop_y`, `crop_w` (else letterboxed)."""
    data = await image_bytes(params.image)
    sizes = await asyncio.to_thread(render_photo, data, _crop(params))
    storage = storage_for(call.services.settings)
    token = new_token()
    await store_photo(storage, token, sizes)
    base = call.services.settings.base_url
    try:
        previous = await _replace_avatar(call, photo_url(base, token, "original"))
    except BaseException:
        await delete_photo(storage, token)
        raise
    if previous:
        await delete_photo(storage, previous)
    profile = {f"image_{size}": photo_url(base, token, size) for size in PHOTO_SIZES}
    profile["image_original"] = photo_url(base, token, "original")
    return {"profile": profile}


@api_method(
    "users.deletePhoto",
    scopes=("users.profile:write",),
    tier=Tier.T2,
    token_kinds=HUMAN_TOKEN_KINDS,
)
async def users_delete_photo(call: Call, params: Params) -> dict[str, Any]:
    """Removes the caller's profile photo (their initials are shown again)."""
    previous = await _replace_avatar(call, "")
    if previous:
        await delete_photo(storage_for(call.services.settings), previous)
    return {}
