"""files.remote.*: an app's references to files stored elsewhere, over the Web API."""

from __future__ import annotations

import httpx
import pytest

from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.files.helpers import png_bytes
from tests.features.messages.helpers import make_channel

URL = "https://docs.example.com/d/123"


@pytest.fixture
def backend() -> str:
    return ""


async def test_add_info_update_list_remove(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team)
    added = await api(
        "files.remote.add", bot.token, external_id="doc-1", external_url=URL, title="Plan"
    )
    assert added["ok"], added
    file = added["file"]
    assert (file["mode"], file["is_external"], file["external_type"]) == ("external", True, "app")
    assert (file["external_id"], file["url_private"], file["mimetype"]) == (
        "doc-1",
        URL,
        "application/vnd.slack-remote",
    )
    assert (file["filetype"], file["size"], file["shares"]) == ("remote", 0, {})
    again = await api(
        "files.remote.add", bot.token, external_id="doc-1", external_url=URL, title="Plan v2"
    )
    assert again["file"]["id"] == file["id"] and again["file"]["title"] == "Plan v2"  # upsert
    by_external = await api("files.remote.info", bot.token, external_id="doc-1")
    assert by_external["file"]["id"] == file["id"]
    updated = await api("files.remote.update", bot.token, file=file["id"], filetype="gdoc")
    assert updated["file"]["filetype"] == "gdoc" and updated["file"]["title"] == "Plan v2"
    await api("files.remote.add", bot.token, external_id="doc-2", external_url=URL, title="Two")
    first = await api("files.remote.list", bot.token, limit=1)
    second = await api(
        "files.remote.list", bot.token, cursor=first["response_metadata"]["next_cursor"]
    )
    titles = [f["title"] for f in first["files"] + second["files"]]
    assert sorted(titles) == ["Plan v2", "Two"]
    assert (await api("files.remote.remove", bot.token, external_id="doc-1"))["ok"]
    gone = await api("files.remote.info", bot.token, file=file["id"])
    assert gone["error"] == "file_not_found"


async def test_multipart_preview_and_indexable_contents(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team)
    fields = {"external_id": "p", "external_url": URL, "title": "Preview"}
    headers = {"Authorization": f"Bearer {bot.token}"}
    with_preview = await client.post(
        "/api/files.remote.add",
        data=fields,
        files={
            "preview_image": ("p.png", png_bytes(), "image/png"),
            "indexable_file_contents": ("words.txt", b"quarterly plan", "text/plain"),
        },
        headers=headers,
    )
    assert with_preview.json()["file"]["has_rich_preview"] is True
    not_an_image = await client.post(
        "/api/files.remote.update",
        data={"external_id": "p"},
        files={"preview_image": ("p.png", b"plain text", "image/png")},
        headers=headers,
    )
    assert not_an_image.json()["error"] == "bad_image"


async def test_share_posts_the_file_like_a_share(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team)
    channel = await make_channel(services.db, team, [team.owner, bot], name="remote")
    archived = await make_channel(services.db, team, [team.owner, bot], archived=True)
    added = await api("files.remote.add", bot.token, external_id="x", external_url=URL, title="X")
    refused = await api("files.remote.share", bot.token, external_id="x", channels=archived)
    assert refused["error"] == "is_archived"
    assert (await api("files.remote.share", bot.token, external_id="x"))["error"] == (
        "invalid_channel"
    )
    shared = await api("files.remote.share", bot.token, file=added["file"]["id"], channels=channel)
    assert shared["ok"], shared
    assert shared["file"]["channels"] == [channel]
    history = await api("conversations.history", team.owner.token, channel=channel)
    posted = history["messages"][0]
    assert posted["files"][0]["id"] == added["file"]["id"]
    assert posted["files"][0]["external_url"] == URL
    assert posted["bot_id"]
    listed = await api("files.remote.list", bot.token, channel=channel)
    assert [f["id"] for f in listed["files"]] == [added["file"]["id"]]
    await api("files.remote.remove", bot.token, external_id="x")
    history = await api("conversations.history", team.owner.token, channel=channel)
    assert history["messages"][0]["files"] == [{"id": added["file"]["id"], "mode": "tombstone"}]


async def test_errors(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    bot = await factory.bot(team)
    long = "x" * 300
    cases = {
        "bad_title": {"external_id": "a", "external_url": URL, "title": long},
        "invalid_external_id": {"external_id": long, "external_url": URL, "title": "t"},
        "invalid_arguments": {"external_id": "a", "external_url": "javascript:x", "title": "t"},
    }
    for expected, args in cases.items():
        got = await api("files.remote.add", bot.token, **args)
        assert got["error"] == expected, (expected, got)
    assert (await api("files.remote.info", bot.token))["error"] == "file_not_found"
    # A person's token belongs to no app: remote files are an app's.
    person = await api("files.remote.list", team.owner.token)
    assert person["error"] == "not_allowed_token_type"


async def test_another_app_or_workspace_never_sees_or_changes_them(
    api: Api, factory: Factory, services: Services
) -> None:
    acme = await factory.workspace()
    other = await factory.workspace("Other")
    owner_bot = await factory.bot(acme)
    same_team_app = await factory.bot(acme, name="other-app")
    other_team_app = await factory.bot(other)
    added = await api(
        "files.remote.add", owner_bot.token, external_id="k", external_url=URL, title="Mine"
    )
    file_id = added["file"]["id"]
    their_channel = await make_channel(services.db, other, [other.owner, other_team_app])
    for stranger in (same_team_app, other_team_app):
        for method, args in (
            ("files.remote.info", {"file": file_id}),
            ("files.remote.info", {"external_id": "k"}),
            ("files.remote.update", {"file": file_id, "title": "Theirs"}),
            ("files.remote.share", {"file": file_id, "channels": their_channel}),
            ("files.remote.remove", {"external_id": "k"}),
        ):
            got = await api(method, stranger.token, **args)
            assert got["error"] == "file_not_found", (method, got)
        assert (await api("files.remote.list", stranger.token))["files"] == []
    # The stranger may reuse the external id for its own file: a separate one.
    theirs = await api(
        "files.remote.add", other_team_app.token, external_id="k", external_url=URL, title="T"
    )
    assert theirs["file"]["id"] != file_id
    still = await api("files.remote.info", owner_bot.token, file=file_id)
    assert still["file"]["title"] == "Mine"
    shared = await api("files.remote.share", owner_bot.token, file=file_id, channels=their_channel)
    assert shared["error"] == "channel_not_found"
