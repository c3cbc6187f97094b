"""admin.teams.settings.*: name, icon (URL or uploaded image), default channels that new
members join, and who may create channels or invite, enforced by the actions."""

from __future__ import annotations

import base64
import io

import httpx
from PIL import Image

from tests.conftest import Api
from tests.factories import Factory


def _png_data_url() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


async def test_info_and_name(api: Api, factory: Factory) -> None:
    team = await factory.workspace("Old Name")
    info = await api("admin.teams.settings.info", team.owner.token, team_id=team.team_id)
    assert info["team"]["name"] == "Old Name" and info["team"]["domain"] == team.domain
    assert info["team"]["who_can_create_channels"] == "everyone"
    assert info["team"]["who_can_invite"] == "admins"
    assert info["team"]["default_channels"] == []
    assert (await api("admin.teams.settings.setName", team.owner.token, name="New Name"))["ok"]
    assert (await api("team.info", team.owner.token))["team"]["name"] == "New Name"
    blank = await api("admin.teams.settings.setName", team.owner.token, name="  ")
    assert blank["error"] == "invalid_name"


async def test_admins_only_and_own_workspace_only(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    other = await factory.workspace()
    member = await factory.user(team)
    assert (await api("admin.teams.settings.info", member.token))["error"] == "not_an_admin"
    assert (await api("admin.teams.settings.setName", member.token, name="X"))[
        "error"
    ] == "not_an_admin"
    foreign = await api("admin.teams.settings.info", team.owner.token, team_id=other.team_id)
    assert foreign["error"] == "team_not_found"
    renamed = await api(
        "admin.teams.settings.setName", team.owner.token, team_id=other.team_id, name="Hijack"
    )
    assert renamed["error"] == "team_not_found"
    assert (await api("team.info", other.owner.token))["team"]["name"] != "Hijack"


async def test_icon_upload_is_served_and_checked(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    uploaded = await api(
        "admin.teams.settings.setIcon", team.owner.token, image_url=_png_data_url()
    )
    assert uploaded["ok"]
    icon = (await api("team.info", team.owner.token))["team"]["icon"]["image_132"]
    assert icon.startswith(f"http://parley.test/team-icon/{team.team_id}/")
    served = await client.get(icon.removeprefix("http://parley.test"))
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.content.startswith(b"\x89PNG")
    assert (await client.get(f"/team-icon/{team.team_id}/0000000000000000")).status_code == 404
    fake = "data:image/png;base64," + base64.b64encode(b"<svg onload=alert(1)>").decode()
    bad = await api("admin.teams.settings.setIcon", team.owner.token, image_url=fake)
    assert bad["error"] == "invalid_image"
    svg = "data:image/svg+xml;base64," + base64.b64encode(b"<svg/>").decode()
    assert (await api("admin.teams.settings.setIcon", team.owner.token, image_url=svg))[
        "error"
    ] == "invalid_image"
    js = await api("admin.teams.settings.setIcon", team.owner.token, image_url="javascript:x")
    assert js["error"] == "invalid_url"
    linked = await api(
        "admin.teams.settings.setIcon", team.owner.token, image_url="https://cdn.example/i.png"
    )
    assert linked["ok"]
    info = await api("admin.teams.settings.info", team.owner.token)
    assert info["team"]["icon"]["image_68"] == "https://cdn.example/i.png"


async def test_new_members_join_the_default_channels(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    other = await factory.workspace()
    news = (await api("conversations.create", team.owner.token, name="news"))["channel"]["id"]
    secret = (await api("conversations.create", team.owner.token, name="s", is_private="true"))[
        "channel"
    ]["id"]
    foreign = (await api("conversations.create", other.owner.token, name="theirs"))["channel"]["id"]
    for refused in (secret, foreign, "C000000000"):
        answer = await api(
            "admin.teams.settings.setDefaultChannels", team.owner.token, channel_ids=refused
        )
        assert answer["error"] == "one_or_more_invalid_channels"
    set_ = await api("admin.teams.settings.setDefaultChannels", team.owner.token, channel_ids=news)
    assert set_["ok"]
    info = await api("admin.teams.settings.info", team.owner.token)
    assert info["team"]["default_channels"] == [news]
    newcomer = await factory.user(team)
    members = await api("conversations.members", team.owner.token, channel=news)
    assert newcomer.user_id in members["members"]
    guest = await factory.user(team, role="guest")  # guests join nothing by default
    members = await api("conversations.members", team.owner.token, channel=news)
    assert guest.user_id not in members["members"]


async def test_only_admins_create_channels_when_so_set(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    assert (await api("conversations.create", member.token, name="before"))["ok"]
    bad = await api(
        "admin.teams.settings.setPermissions", team.owner.token, who_can_create_channels="robots"
    )
    assert bad["error"] == "invalid_value"
    only_admins = await api(
        "admin.teams.settings.setPermissions", team.owner.token, who_can_create_channels="admins"
    )
    assert only_admins["ok"]
    refused = await api("conversations.create", member.token, name="after")
    assert refused["error"] == "restricted_action"
    assert (await api("conversations.create", team.owner.token, name="after"))["ok"]
    other = await factory.workspace()  # another workspace keeps its own policy
    other_member = await factory.user(other)
    assert (await api("conversations.create", other_member.token, name="free"))["ok"]
