"""With the SSRF guard on (the default), links to loopback, private and metadata addresses
are never fetched and get no card; a redirect into them is refused as well."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest

from parley.features.unfurl.fetch import PAGE_LIMITS
from parley.features.unfurl.worker import Unfurler
from parley.platform.net.addresses import AddressPolicy
from parley.platform.net.client import SafeClient
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.messages.helpers import events, make_channel
from tests.features.unfurl.helpers import history_message, settle
from tests.features.unfurl.site import Site, running_site


@pytest.fixture
def site() -> Iterator[Site]:
    with running_site() as site:
        yield site


async def test_internal_addresses_are_not_fetched(
    api: Api, factory: Factory, services: Services, site: Site
) -> None:
    assert services.settings.outbound_allow_private is False
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    unfurler = Unfurler(services)
    await unfurler.pass_once()
    port = site.base.rsplit(":", 1)[1]
    links = [
        site.url("/og"),
        f"http://localhost:{port}/og",
        f"http://2130706433:{port}/og",  # 127.0.0.1 as one number
        f"http://[::ffff:127.0.0.1]:{port}/og",
        "http://10.1.2.3/og",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.0.1/",
    ]
    posted = [
        await api("chat.postMessage", team.owner.token, channel=channel, text=link)
        for link in links
    ]
    await settle(unfurler)
    assert sum(site.hits.values()) == 0
    for answer in posted:
        message = await history_message(api, team.owner.token, channel, answer["ts"])
        assert "attachments" not in message
    assert await events(services.db, team, subtype="message_changed") == []


async def test_redirect_into_a_refused_address_gives_no_card(
    api: Api, factory: Factory, services: Services, site: Site
) -> None:
    """Only the site's own endpoint is allowed (the policy's test seam); its redirect to
    another loopback port or to the metadata address is refused at the redirect."""
    assert site.server is not None
    endpoint = (ipaddress.ip_address("127.0.0.1"), site.server.server_address[1])
    client = SafeClient(
        policy=AddressPolicy(allowed_endpoints=frozenset({endpoint})), limits=PAGE_LIMITS
    )
    team = await factory.workspace()
    channel = await make_channel(services.db, team, [team.owner])
    unfurler = Unfurler(services, client=client)
    await unfurler.pass_once()
    site.redirects["/to-metadata"] = "http://169.254.169.254/latest/meta-data/"
    site.redirects["/to-loopback"] = "http://127.0.0.1:1/og"
    site.redirects["/to-og"] = "/og"
    answers = {
        path: await api("chat.postMessage", team.owner.token, channel=channel, text=site.url(path))
        for path in ("/to-metadata", "/to-loopback", "/to-og")
    }
    await settle(unfurler)
    for path in ("/to-metadata", "/to-loopback"):
        message = await history_message(api, team.owner.token, channel, answers[path]["ts"])
        assert "attachments" not in message
    followed = await history_message(api, team.owner.token, channel, answers["/to-og"]["ts"])
    assert followed["attachments"][0]["title"] == "Release 2.0 & more"
    assert followed["attachments"][0]["original_url"] == site.url("/to-og")
