"""The OpenAPI document for every registered method, generated from the registry."""

from __future__ import annotations

from typing import Any

from parley.platform.webapi.registry import REGISTRY, Auth, Method

_RESPONSE = {
    "type": "object",
    "required": ["ok"],
    "properties": {"ok": {"type": "boolean"}, "error": {"type": "string"}},
    "additionalProperties": True,
}


def _operation(method: Method) -> dict[str, Any]:
    schema = method.params.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    operation: dict[str, Any] = {
        "operationId": method.name.replace(".", "_"),
        "summary": method.summary,
        "tags": [method.name.split(".")[0]],
        "requestBody": {
            "required": False,
            "content": {
                "application/x-www-form-urlencoded": {"schema": schema},
                "application/json": {"schema": schema},
            },
        },
        "responses": {
            "200": {
                "description": "Slack-style result",
                "content": {"application/json": {"schema": _RESPONSE}},
            },
            "429": {
                "description": "Rate limited; see Retry-After",
                "content": {"application/json": {"schema": _RESPONSE}},
            },
        },
        "x-parley-tier": method.tier.value,
        "x-parley-scopes": list(method.scopes),
        "x-parley-errors": list(method.errors),
        "x-slack-compatible": method.slack_compatible,
    }
    if method.auth is Auth.TOKEN:
        operation["security"] = [{"bearer": []}]
    return {"post": operation, "_defs": defs}


def openapi_document(base_url: str) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    components: dict[str, Any] = {}
    for name in sorted(REGISTRY):
        item = _operation(REGISTRY[name])
        components.update(item.pop("_defs"))
        paths[f"/api/{name}"] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Parley Web API",
            "version": "0.1.0",
            "description": "Slack-compatible Web API served by Parley.",
        },
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
