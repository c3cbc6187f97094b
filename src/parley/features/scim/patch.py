"""PATCH operations (RFC 7644 §3.5.2) applied to a resource as JSON.

A PATCH is applied to the resource's current JSON and the result is then saved as a PUT
would save it, so both verbs share one set of rules. Paths: `attr`, `attr.sub`,
`attr[filter]`, `attr[filter].sub`, each optionally with its schema URN; `op` in any case
(Entra ID sends "Replace"); `add` and `replace` without a path merge an object of
attributes.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from parley.features.scim.errors import ScimError
from parley.features.scim.filters import Node, matches, parse_filter
from parley.features.scim.schemas import PATCH_SCHEMA

_PATH = re.compile(
    r"^(?P<attr>[A-Za-z$][\w$-]*)(?:\[(?P<filter>.*)\])?(?:\.(?P<sub>[A-Za-z$][\w$-]*))?$"
)
MAX_OPERATIONS = 1000


@dataclass(frozen=True)
class Path:
    attribute: str
    filter: Node | None
    sub: str | None


def parse_path(raw: str) -> Path:
    text = raw.strip()
    if text.lower().startswith("urn:"):
        # `urn:…:User:name.givenName`: the attribute follows the schema's last colon, but a
        # filter may contain colons of its own, so split before any bracket.
        head, bracket, rest = text.partition("[")
        text = head.rsplit(":", 1)[1] + bracket + rest
    match = _PATH.match(text)
    if match is None:
        raise ScimError(400, "invalidPath", f"{raw!r} is not a path")
    node = parse_filter(match.group("filter")) if match.group("filter") else None
    return Path(match.group("attr"), node, match.group("sub"))


def apply_patch(resource: dict[str, Any], body: Any) -> dict[str, Any]:
    """The resource after the body's operations (the input is left as it is)."""
    operations = _operations(body)
    result = copy.deepcopy(resource)
    for operation in operations:
        _apply(result, operation)
    return result


def _operations(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or PATCH_SCHEMA not in (body.get("schemas") or []):
        raise ScimError(400, "invalidSyntax", f"a PATCH body names the {PATCH_SCHEMA} schema")
    operations = body.get("Operations")
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "invalidSyntax", "Operations must be a non-empty list")
    if len(operations) > MAX_OPERATIONS:
        raise ScimError(400, "tooMany", f"at most {MAX_OPERATIONS} operations")
    if not all(isinstance(op, dict) for op in operations):
        raise ScimError(400, "invalidSyntax", "each operation is an object")
    return operations


def _apply(resource: dict[str, Any], operation: dict[str, Any]) -> None:
    op = str(operation.get("op", "")).lower()
    if op not in {"add", "replace", "remove"}:
        raise ScimError(400, "invalidSyntax", f"unknown op {operation.get('op')!r}")
    raw_path = operation.get("path")
    value = operation.get("value")
    if raw_path in (None, ""):
        if op == "remove":
            raise ScimError(400, "noTarget", "remove needs a path")
        if not isinstance(value, dict):
            raise ScimError(400, "invalidValue", f"{op} without a path takes an object")
        for key, item in value.items():
            _apply(resource, {"op": op, "path": key, "value": item})
        return
    if not isinstance(raw_path, str):
        raise ScimError(400, "invalidPath", "path must be a string")
    path = parse_path(raw_path)
    if op == "remove":
        _remove(resource, path, value)
    else:
        _set(resource, path, value, add=op == "add")


def _key(resource: dict[str, Any], attribute: str) -> str:
    """The resource's own spelling of an attribute name (names are case-insensitive)."""
    for key in resource:
        if key.lower() == attribute.lower():
            return key
    return attribute


def _set(resource: dict[str, Any], path: Path, value: Any, *, add: bool) -> None:
    key = _key(resource, path.attribute)
    current = resource.get(key)
    if path.filter is not None:
        items = _matching(current, path.filter)
        if not items:
            raise ScimError(400, "noTarget", f"nothing in {key} matches the filter")
        for item in items:
            if path.sub is not None:
                item[_key(item, path.sub)] = value
            elif isinstance(value, dict):
                item.update(value)
        return
    if path.sub is not None:
        holder = current if isinstance(current, dict) else {}
        holder[_key(holder, path.sub)] = value
        resource[key] = holder
        return
    if add and isinstance(current, list):
        additions = value if isinstance(value, list) else [value]
        resource[key] = current + [item for item in additions if item not in current]
        return
    if add and isinstance(current, dict) and isinstance(value, dict):
        current.update(value)
        return
    resource[key] = value


def _remove(resource: dict[str, Any], path: Path, value: Any) -> None:
    key = _key(resource, path.attribute)
    current = resource.get(key)
    if path.filter is not None:
        if not isinstance(current, list):
            return
        doomed = _matching(current, path.filter)
        if path.sub is not None:
            for item in doomed:
                item.pop(_key(item, path.sub), None)
        else:
            resource[key] = [item for item in current if item not in doomed]
        return
    if path.sub is not None:
        if isinstance(current, dict):
            current.pop(_key(current, path.sub), None)
        return
    if isinstance(current, list) and isinstance(value, list):
        # Entra ID removes group members as {"path": "members", "value": [{"value": id}]}.
        gone = {str(item.get("value")) for item in value if isinstance(item, dict)}
        resource[key] = [
            item
            for item in current
            if not (isinstance(item, dict) and str(item.get("value")) in gone)
        ]
        return
    resource.pop(key, None)


def _matching(current: Any, node: Node) -> list[dict[str, Any]]:
    if not isinstance(current, list):
        return []
    return [item for item in current if isinstance(item, dict) and matches(node, item)]
