"""Every registered method, fed hostile arguments, answers a Slack-style error, never a crash.

Generated from the method registry, so a new method is covered the day it is added.
"""

from __future__ import annotations

import httpx
import pytest

from parley.composition import install
from parley.platform.webapi.registry import REGISTRY
from tests.factories import Factory

install()

HOSTILE_VALUES: list[object] = [
    "",
    "x" * 5000,
    "-1",
    "99999999999999999999999",
    "nan",
    "U000000000",
    "C000000000",
    "\x00\u202e<script>alert(1)</script>",
    '[{"type": "nope"}]',
    '{"a": [[[[[]]]]]}',
    "1700000000.000001",
    "*",
]


def _field_names(name: str) -> list[str]:
    return list(REGISTRY[name].params.model_fields)


@pytest.mark.parametrize("method", sorted(REGISTRY))
async def test_hostile_arguments_never_crash(
    method: str, client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    headers = {"Authorization": f"Bearer {team.owner.token}"}
    fields = _field_names(method) or ["anything"]
    for value in HOSTILE_VALUES:
        form = {field: value for field in fields}
        response = await client.post(f"/api/{method}", data=form, headers=headers)
        assert response.status_code in (200, 429), (method, value, response.text)
        body = response.json()
        assert body.get("error") != "internal_error", (method, value, body)
        json_body = {field: value for field in fields}
        response = await client.post(f"/api/{method}", json=json_body, headers=headers)
        assert response.json().get("error") != "internal_error", (method, value)
    typed = {field: {"nested": [1, {"deep": None}]} for field in fields}
    response = await client.post(f"/api/{method}", json=typed, headers=headers)
    assert response.json().get("error") != "internal_error", (method, typed)
