"""Request URLs on loopback/private networks are refused unless the admin allows them."""

from __future__ import annotations

import asyncio
import dataclasses

from parley.features.apps.delivery import Deliverer, DeliveryConfig
from tests.features.apps.helpers import Receiver, create_app, manifest


async def test_loopback_request_url_is_refused_by_default(api, factory, services, settings):
    assert settings.outbound_allow_private is False
    team = await factory.workspace()
    config = dataclasses.replace(DeliveryConfig(), retry_delays=(), disable_after=1)
    with Receiver() as receiver:
        created = await create_app(services.db, team, manifest(request_url=receiver.url))
        deliverer = Deliverer(services, config)
        await deliverer.ingest()
        await deliverer.dispatch()
        await asyncio.gather(*deliverer.tasks)
        status = await api("apps.event_delivery.status", team.owner.token, app_id=created.app.id)
    assert receiver.received == []
    [delivery] = status["deliveries"]
    assert delivery["type"] == "url_verification"
    assert delivery["state"] == "failed"
    assert delivery["retry_reason"] == "connection_failed"
    assert status["enabled"] is False  # given up: admins see why
    assert status["disabled_reason"]
