"""SCIM resources as JSON (RFC 7643), and the discovery documents that describe them.

The published schemas list only the attributes Parley stores, so a provider (or a checker)
that reads them asks for nothing that would be dropped silently.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
MAX_RESULTS = 1000


def iso(unix: int | float) -> str:
    return datetime.fromtimestamp(unix, UTC).isoformat().replace("+00:00", "Z")


def etag(version: int) -> str:
    return f'W/"{version}"'


def meta(kind: str, location: str, created: int, modified: int, version: int) -> dict[str, Any]:
    return {
        "resourceType": kind,
        "created": iso(created),
        "lastModified": iso(modified),
        "location": location,
        "version": etag(version),
    }


# --- discovery ------------------------------------------------------------------------------


def _attribute(
    name: str,
    kind: str = "string",
    *,
    required: bool = False,
    multi: bool = False,
    mutability: str = "readWrite",
    uniqueness: str = "none",
    sub: list[dict[str, Any]] | None = None,
    case_exact: bool = False,
    description: str = "",
    refers_to: tuple[str, ...] = ("User",),
) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "name": name,
        "type": kind,
        "multiValued": multi,
        "description": description or name,
        "required": required,
        "mutability": mutability,
        "returned": "default",
    }
    if kind in {"string", "reference"}:
        attribute.update(caseExact=case_exact, uniqueness=uniqueness)
    if kind == "reference":
        attribute["referenceTypes"] = list(refers_to)
    if sub is not None:
        attribute["subAttributes"] = sub
    return attribute


def _multi_value(read_only: bool = False) -> list[dict[str, Any]]:
    mutability = "readOnly" if read_only else "readWrite"
    return [
        _attribute("value", mutability=mutability),
        _attribute("type", mutability=mutability),
        _attribute("primary", "boolean", mutability=mutability),
    ]


USER_ATTRIBUTES = [
    _attribute("userName", required=True, uniqueness="server", description="The login"),
    _attribute(
        "name",
        "complex",
        sub=[_attribute("formatted"), _attribute("familyName"), _attribute("givenName")],
    ),
    _attribute("displayName"),
    _attribute("title"),
    _attribute("active", "boolean"),
    _attribute("emails", "complex", multi=True, sub=_multi_value()),
    _attribute("phoneNumbers", "complex", multi=True, sub=_multi_value()),
    _attribute(
        "groups",
        "complex",
        multi=True,
        mutability="readOnly",
        sub=[
            _attribute("value", mutability="readOnly"),
            _attribute("$ref", "reference", mutability="readOnly", refers_to=("Group",)),
            _attribute("display", mutability="readOnly"),
        ],
    ),
]

GROUP_ATTRIBUTES = [
    _attribute("displayName", required=True, uniqueness="server"),
    _attribute(
        "members",
        "complex",
        multi=True,
        sub=[
            _attribute("value", mutability="immutable"),
            _attribute("$ref", "reference", mutability="immutable"),
        ],
    ),
]


def schema_documents(base: str) -> list[dict[str, Any]]:
    return [
        {
            "schemas": [SCHEMA_SCHEMA],
            "id": schema_id,
            "name": name,
            "description": f"{name} account",
            "attributes": attributes,
            "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{schema_id}"},
        }
        for schema_id, name, attributes in (
            (USER_SCHEMA, "User", USER_ATTRIBUTES),
            (GROUP_SCHEMA, "Group", GROUP_ATTRIBUTES),
        )
    ]


def resource_types(base: str) -> list[dict[str, Any]]:
    return [
        {
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": name,
            "name": name,
            "endpoint": f"/{name}s",
            "description": description,
            "schema": schema,
            "schemaExtensions": [],
            "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/{name}"},
        }
        for name, schema, description in (
            ("User", USER_SCHEMA, "A member of the workspace"),
            ("Group", GROUP_SCHEMA, "A user group (@handle)"),
        )
    ]


def service_provider_config(base: str, docs_url: str) -> dict[str, Any]:
    return {
        "schemas": [SPC_SCHEMA],
        "documentationUri": docs_url,
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "A workspace admin's user token (xoxp-…) with the admin scope",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base}/ServiceProviderConfig",
        },
    }


def list_response(resources: list[dict[str, Any]], total: int, start: int) -> dict[str, Any]:
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


# --- attribute selection (`attributes`, `excludedAttributes`) -------------------------------

ALWAYS_RETURNED = {"id", "schemas"}


def project(resource: dict[str, Any], attributes: list[str], excluded: list[str]) -> dict[str, Any]:
    """The resource with only `attributes` (dotted sub-attributes too), or without
    `excluded`; `id` and `schemas` always stay (RFC 7643 §7 "returned: always")."""
    if attributes:
        wanted = [_strip(a) for a in attributes]
        return {k: _keep(k, v, wanted) for k, v in resource.items() if _selected(k, wanted)}
    if excluded:
        dropped = [_strip(a) for a in excluded]
        return {
            k: _drop(k, v, dropped)
            for k, v in resource.items()
            if k.lower() in ALWAYS_RETURNED or k.lower() not in dropped
        }
    return resource


def _strip(path: str) -> str:
    if path.lower().startswith("urn:"):
        path = path.rsplit(":", 1)[1]
    return path.lower()


def _selected(key: str, wanted: list[str]) -> bool:
    lowered = key.lower()
    return lowered in ALWAYS_RETURNED or any(
        w == lowered or w.startswith(lowered + ".") for w in wanted
    )


def _keep(key: str, value: Any, wanted: list[str]) -> Any:
    subs = [w.split(".", 1)[1] for w in wanted if w.startswith(key.lower() + ".")]
    if not subs or key.lower() in wanted:
        return value
    return _filter_subs(value, lambda name: name.lower() in subs)


def _drop(key: str, value: Any, dropped: list[str]) -> Any:
    subs = [d.split(".", 1)[1] for d in dropped if d.startswith(key.lower() + ".")]
    if not subs:
        return value
    return _filter_subs(value, lambda name: name.lower() not in subs)


def _filter_subs(value: Any, keep: Any) -> Any:
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if keep(k)}
    if isinstance(value, list):
        return [_filter_subs(item, keep) for item in value]
    return value
