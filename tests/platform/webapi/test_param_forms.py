"""Every parameter of every registered method, sent in each form a real client sends, reaches
the method as the value the client meant (issue 15, decision 0014).

Generated from the method registry: a method added tomorrow is covered by the forms of its
parameters' kinds (`WIRE_FORMS` in platform/webapi/params.py). Each request goes through
the real `/api/<method>` dispatch (arguments merged from query, form or JSON body, then
validated); only the handler is replaced by one that echoes the parsed arguments, so no
method runs with made-up values, and so the check is the parsing and nothing else.
Form-encoded text (Bolt JS, slack_sdk's form methods), a query string (curl), and a JSON
body with native numbers, booleans, arrays and objects (slack_sdk's `json=` methods) are
each tried.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest

from parley.composition import install
from parley.platform.webapi.context import Call
from parley.platform.webapi.params import (
    ALL_ENCODINGS,
    FORM,
    JSON,
    QUERY,
    WIRE_FORMS,
    Params,
    WireForm,
    parameter_kinds,
)
from parley.platform.webapi.registry import REGISTRY, Auth, Tier

install()

# Slack's names for message timestamps: each must be a `SlackTs` (a float → 6 decimals).
TS_NAMES = {"ts", "thread_ts", "message_ts", "timestamp", "latest", "oldest", "ts_from", "ts_to"}
TYPE_ERRORS = {"invalid_arguments", "invalid_array_arg", "invalid_json", "json_not_object"}


async def _echo(_call: Call, params: Params) -> dict[str, Any]:
    return {"params": params.model_dump(mode="json")}


def _variants(kinds: dict[str, str], encoding: str) -> list[dict[str, WireForm]]:
    """Requests covering every form of every parameter usable in `encoding`: request i
    sends each parameter in its i-th form (cycling through the shorter lists)."""
    forms = {
        name: [form for form in WIRE_FORMS[kind] if encoding in form.encodings]
        for name, kind in kinds.items()
    }
    forms = {name: usable for name, usable in forms.items() if usable}
    count = max((len(usable) for usable in forms.values()), default=0)
    return [{name: usable[i % len(usable)] for name, usable in forms.items()} for i in range(count)]


async def _send(
    client: httpx.AsyncClient, method: str, encoding: str, values: dict[str, Any]
) -> dict[str, Any]:
    url = f"/api/{method}"
    if encoding == QUERY:
        response = await client.get(url, params=values)
    elif encoding == FORM:
        response = await client.post(url, data=values)
    else:
        response = await client.post(url, json=values)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("method", sorted(REGISTRY))
async def test_every_parameter_in_every_client_form(
    method: str, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered = REGISTRY[method]
    monkeypatch.setitem(
        REGISTRY,
        method,
        dataclasses.replace(registered, handler=_echo, auth=Auth.NONE, tier=Tier.NONE),
    )
    kinds = parameter_kinds(registered.params)
    tried = 0
    for encoding in ALL_ENCODINGS:
        for variant in _variants(kinds, encoding):
            sent = {name: form.sent for name, form in variant.items()}
            body = await _send(client, method, encoding, sent)
            assert body.get("error") not in TYPE_ERRORS, (method, encoding, sent, body)
            assert body["ok"] is True, (method, encoding, sent, body)
            for name, form in variant.items():
                got = body["params"][name]
                assert got == form.expected, (method, encoding, name, form.label, got)
                tried += 1
    assert tried >= len(kinds)  # every parameter at least once (none for NoParams)


@pytest.mark.parametrize("method", sorted(REGISTRY))
def test_timestamps_are_typed_as_timestamps(method: str) -> None:
    """A ts-named parameter typed as plain text would keep a float's digits as Python
    prints them ("1700000000.0001") instead of Slack's six decimals."""
    kinds = parameter_kinds(REGISTRY[method].params)
    plain = [name for name, kind in kinds.items() if name in TS_NAMES and kind != "ts"]
    assert not plain, f"{method}: use SlackTs for {plain}"


async def test_a_value_of_the_wrong_type_is_still_refused(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The forms above are accepted because they mean a value of the type, not because
    anything goes: text that is no number, a boolean for a timestamp, an object for a list."""
    registered = REGISTRY["conversations.history"]
    monkeypatch.setitem(
        REGISTRY,
        "conversations.history",
        dataclasses.replace(registered, handler=_echo, auth=Auth.NONE, tier=Tier.NONE),
    )
    for wrong in ({"limit": "ten"}, {"latest": True}, {"inclusive": "maybe"}):
        body = await _send(client, "conversations.history", JSON, {"channel": "C1", **wrong})
        assert body["error"] == "invalid_arguments", (wrong, body)
        [message] = body["response_metadata"]["messages"]
        assert f"json-pointer:/{next(iter(wrong))}" in message
    registered = REGISTRY["conversations.invite"]
    monkeypatch.setitem(
        REGISTRY,
        "conversations.invite",
        dataclasses.replace(registered, handler=_echo, auth=Auth.NONE, tier=Tier.NONE),
    )
    body = await _send(client, "conversations.invite", FORM, {"channel": "C1", "users": "[1,"})
    assert body["error"] == "invalid_array_arg"


async def test_json_null_is_an_absent_argument(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered = REGISTRY["chat.postMessage"]
    monkeypatch.setitem(
        REGISTRY,
        "chat.postMessage",
        dataclasses.replace(registered, handler=_echo, auth=Auth.NONE, tier=Tier.NONE),
    )
    body = await _send(
        client, "chat.postMessage", JSON, {"channel": "C1", "mrkdwn": None, "thread_ts": None}
    )
    assert body["params"]["mrkdwn"] is True and body["params"]["thread_ts"] is None
    body = await _send(client, "chat.postMessage", JSON, {"channel": None, "text": "x"})
    assert body["error"] == "channel_not_found"  # the method's own "missing" error
