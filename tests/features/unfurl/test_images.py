"""/unfurl/image: card images served through Parley, only for images the message names,
only to people who may read it, only real images, through the SSRF guard."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import httpx
import orjson
import pytest

from parley.features.unfurl.images import sniff_image
from parley.features.unfurl.worker import Unfurler
from parley.platform.services import Services
from parley.platform.settings import Settings
from tests.conftest import Api
from tests.factories import Factory
from tests.features.messages.helpers import make_channel
from tests.features.unfurl.helpers import settle
from tests.features.unfurl.site import Site, png, running_site


@pytest.fixture
def site() -> Iterator[Site]:
    with running_site() as site:
        yield site


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class TestWithPrivateAllowed:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return dataclasses.replace(settings, outbound_allow_private=True)

    async def test_card_image_is_proxied_for_readers_only(
        self,
        api: Api,
        client: httpx.AsyncClient,
        factory: Factory,
        services: Services,
        site: Site,
    ) -> None:
        team = await factory.workspace()
        insider = await factory.user(team)
        outsider = await factory.user(team)
        channel = await make_channel(services.db, team, [team.owner, insider], kind="group")
        unfurler = Unfurler(services)
        await unfurler.pass_once()
        posted = await api(
            "chat.postMessage", team.owner.token, channel=channel, text=site.url("/og")
        )
        await settle(unfurler)
        image = site.url("/img/cover.png")
        query = {"channel": channel, "ts": posted["ts"], "url": image}
        got = await client.get("/unfurl/image", params=query, headers=_bearer(insider.token))
        assert got.status_code == 200, got.text
        assert got.headers["content-type"] == "image/png" and got.content == png()
        assert got.headers["x-content-type-options"] == "nosniff"
        again = await client.get("/unfurl/image", params=query, headers=_bearer(insider.token))
        assert again.status_code == 200 and site.hits["/img/cover.png"] == 1  # cached
        assert (await client.get("/unfurl/image", params=query)).status_code == 401
        hidden = await client.get("/unfurl/image", params=query, headers=_bearer(outsider.token))
        assert hidden.status_code == 404
        stranger = (await factory.workspace()).owner
        foreign = await client.get("/unfurl/image", params=query, headers=_bearer(stranger.token))
        assert foreign.status_code == 404
        other = {**query, "url": site.url("/plain")}
        named_nowhere = await client.get(
            "/unfurl/image", params=other, headers=_bearer(insider.token)
        )
        assert named_nowhere.status_code == 404

    async def test_only_real_images_are_served(
        self,
        api: Api,
        client: httpx.AsyncClient,
        factory: Factory,
        services: Services,
        site: Site,
    ) -> None:
        team = await factory.workspace()
        channel = await make_channel(services.db, team, [team.owner])
        fake = site.url("/og")  # HTML pretending to be an image
        posted = await api(
            "chat.postMessage",
            team.owner.token,
            channel=channel,
            text="x",
            attachments=orjson.dumps([{"image_url": fake}]).decode(),
        )
        query = {"channel": channel, "ts": posted["ts"], "url": fake}
        got = await client.get("/unfurl/image", params=query, headers=_bearer(team.owner.token))
        assert got.status_code == 502


async def test_guard_applies_to_image_fetches(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services, site: Site
) -> None:
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    inside = [site.url("/img/cover.png?guarded"), "http://169.254.169.254/latest/meta-data/x.png"]
    posted = await api(
        "chat.postMessage",
        team.owner.token,
        channel=channel,
        text="x",
        attachments=orjson.dumps([{"image_url": u} for u in inside]).decode(),
    )
    for url in inside:
        query = {"channel": channel, "ts": posted["ts"], "url": url}
        got = await client.get("/unfurl/image", params=query, headers=_bearer(team.owner.token))
        assert got.status_code == 502
    assert sum(site.hits.values()) == 0


def test_sniffing() -> None:
    assert sniff_image(png()) == "image/png"
    assert sniff_image(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff_image(b"GIF89a...") == "image/gif"
    assert sniff_image(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff_image(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
