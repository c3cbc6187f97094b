"""SCIM 2.0 over HTTP (RFC 7644): `/scim/v2/Users`, `/Groups` and the discovery documents.

Authenticated with a bearer token of a workspace admin or owner that has the `admin` scope
(a user token, `xoxp-…`, as Slack's SCIM API takes); every request acts on that token's
workspace only. Answers are `application/scim+json`; errors are SCIM error objects.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from parley.features.scim import groups, store, users
from parley.features.scim.errors import ScimError, not_found
from parley.features.scim.filters import parse_filter, to_sql
from parley.features.scim.patch import apply_patch
from parley.features.scim.schemas import (
    MAX_RESULTS,
    etag,
    list_response,
    project,
    resource_types,
    schema_documents,
    service_provider_config,
)
from parley.features.usergroups.interface import members_by_group
from parley.platform.auth.principal import Principal
from parley.platform.origin import Origin
from parley.platform.services import Services
from parley.platform.webapi.http import bearer_principal

PREFIX = "/scim/v2"
ANY = ("GET", "POST", "PUT", "PATCH", "DELETE")
MEDIA_TYPE = "application/scim+json"
MAX_BODY = 1_000_000
DEFAULT_COUNT = 100

Handler = Callable[[Request, Services, Principal], Awaitable[Response]]


def scim_response(body: dict[str, Any], status: int = 200, version: str | None = None) -> Response:
    headers = {"cache-control": "no-store", "x-content-type-options": "nosniff"}
    if version is not None:
        headers["etag"] = version
    return Response(orjson.dumps(body), status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _base(services: Services) -> str:
    return f"{services.settings.base_url}{PREFIX}"


def _guarded(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Authenticates, turns SCIM errors into their answer, and never lets one become a 500
    with a stack trace: what the provider sent is its fault, said in `detail`."""

    async def endpoint(request: Request) -> Response:
        services: Services = request.app.state.services
        try:
            principal = await _admin(services, request)
            return await handler(request, services, principal)
        except ScimError as error:
            return scim_response(error.body(), error.status)

    return endpoint


async def _admin(services: Services, request: Request) -> Principal:
    principal = await bearer_principal(services, request)
    if principal is None:
        raise ScimError(401, None, "a bearer token of a workspace admin is required")
    if principal.token_kind != "user" or not principal.is_admin:
        raise ScimError(403, None, "SCIM needs a user token of an admin or owner")
    if not principal.has_scope("admin"):
        raise ScimError(403, None, "the token needs the admin scope")
    return principal


async def _body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ScimError(413, "tooLarge", f"bodies are at most {MAX_BODY} bytes")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ScimError(400, "invalidSyntax", "the body is not JSON") from None


def _origin(request: Request) -> Origin:
    host = request.client.host if request.client else ""
    return Origin(ip_address=host, user_agent=request.headers.get("user-agent", "scim"))


def _check_version(request: Request, current: str) -> None:
    """`If-Match` (RFC 7644 §3.14): refuse a change made against an older version."""
    wanted = request.headers.get("if-match")
    if wanted and wanted.strip() != "*" and current not in [v.strip() for v in wanted.split(",")]:
        raise ScimError(412, None, "the resource changed since that version")


@dataclass(frozen=True)
class Query:
    """A list query, from GET parameters or a POST `…/.search` body (RFC 7644 §3.4.3)."""

    start: int = 1
    count: int = DEFAULT_COUNT
    filter: str | None = None
    attributes: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()


def _query(values: dict[str, Any]) -> Query:
    try:
        start = max(1, int(values.get("startIndex") or 1))
        raw_count = values.get("count")
        count = DEFAULT_COUNT if raw_count is None else int(raw_count)
    except (TypeError, ValueError):
        raise ScimError(400, "invalidValue", "startIndex and count are integers") from None
    raw_filter = values.get("filter")
    if raw_filter is not None and not isinstance(raw_filter, str):
        raise ScimError(400, "invalidFilter", "filter is a string")
    return Query(
        start,
        max(0, min(count, MAX_RESULTS)),
        raw_filter or None,
        _names(values.get("attributes")),
        _names(values.get("excludedAttributes")),
    )


def _names(value: Any) -> tuple[str, ...]:
    """Attribute names as a comma-separated string (GET) or a list (a .search body)."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ScimError(400, "invalidValue", "attributes are names")
    return tuple(item.strip() for item in items if item.strip())


async def _search_body(request: Request) -> Query:
    body = await _body(request)
    if not isinstance(body, dict):
        raise ScimError(400, "invalidSyntax", "a search body is a JSON object")
    return _query(body)


def _selection(request: Request) -> tuple[list[str], list[str]]:
    query = _query(dict(request.query_params))
    return list(query.attributes), list(query.excluded)


# --- discovery ------------------------------------------------------------------------------


async def service_provider(request: Request, services: Services, _: Principal) -> Response:
    docs = f"{services.settings.base_url}/docs/scim"
    return scim_response(service_provider_config(_base(services), docs))


async def list_resource_types(request: Request, services: Services, _: Principal) -> Response:
    found = resource_types(_base(services))
    wanted = request.path_params.get("name")
    if wanted is None:
        return scim_response(list_response(found, len(found), 1))
    for item in found:
        if item["id"] == wanted:
            return scim_response(item)
    raise not_found("ResourceType", wanted)


async def list_schemas(request: Request, services: Services, _: Principal) -> Response:
    found = schema_documents(_base(services))
    wanted = request.path_params.get("schema_id")
    if wanted is None:
        return scim_response(list_response(found, len(found), 1))
    for item in found:
        if item["id"] == wanted:
            return scim_response(item)
    raise not_found("Schema", wanted)


# --- Users ----------------------------------------------------------------------------------


async def _user_json(
    services: Services, session: Any, workspace_id: str, user_id: str
) -> dict[str, Any]:
    user, link = await users.access_user(session, workspace_id, user_id)
    found = await store.groups_of(session, workspace_id, [user.id])
    return users.user_resource(_base(services), user, link, found.get(user.id, []))


async def _users_page(
    services: Services, principal: Principal, query: Query, offset: int, limit: int
) -> tuple[int, list[dict[str, Any]]]:
    condition = to_sql(parse_filter(query.filter), store.USER_COLUMNS) if query.filter else None
    async with services.db.read() as session:
        total = await store.count_users(session, principal.workspace_id, condition)
        rows = await store.list_users(
            session, principal.workspace_id, condition, offset=offset, limit=limit
        )
        memberships = await store.groups_of(
            session, principal.workspace_id, [user.id for user, _ in rows]
        )
    base = _base(services)
    resources = [
        project(
            users.user_resource(base, user, link, memberships.get(user.id, [])),
            list(query.attributes),
            list(query.excluded),
        )
        for user, link in rows
    ]
    return total, resources


async def users_list(request: Request, services: Services, principal: Principal) -> Response:
    return await _list(services, principal, _query(dict(request.query_params)), [_users_page])


async def users_search(request: Request, services: Services, principal: Principal) -> Response:
    return await _list(services, principal, await _search_body(request), [_users_page])


async def root_search(request: Request, services: Services, principal: Principal) -> Response:
    """`POST /.search`: Users, then Groups, as one list."""
    pages: list[Page] = [_users_page, _groups_page]
    return await _list(services, principal, await _search_body(request), pages)


Page = Callable[[Services, Principal, Query, int, int], Awaitable[tuple[int, list[dict[str, Any]]]]]


async def _list(
    services: Services, principal: Principal, query: Query, pages: list[Page]
) -> Response:
    """One page of one or several resource types, concatenated in order."""
    total, resources = 0, []
    offset, wanted = query.start - 1, query.count
    for page in pages:
        found, items = await page(services, principal, query, max(0, offset - total), wanted)
        resources += items
        wanted -= len(items)
        total += found
    return scim_response(list_response(resources, total, query.start))


async def users_create(request: Request, services: Services, principal: Principal) -> Response:
    fields = users.check_user_fields(await _body(request))
    async with services.db.write() as uow:
        user = await users.do_create(uow, principal, fields, _origin(request))
    return await _answer_user(services, principal, user.id, status=201)


async def _answer_user(
    services: Services, principal: Principal, user_id: str, status: int = 200
) -> Response:
    async with services.db.read() as session:
        resource = await _user_json(services, session, principal.workspace_id, user_id)
    return scim_response(resource, status, resource["meta"]["version"])


async def user_get(request: Request, services: Services, principal: Principal) -> Response:
    attributes, excluded = _selection(request)
    async with services.db.read() as session:
        resource = await _user_json(
            services, session, principal.workspace_id, request.path_params["user_id"]
        )
    return scim_response(
        project(resource, attributes, excluded), version=resource["meta"]["version"]
    )


async def user_put(request: Request, services: Services, principal: Principal) -> Response:
    fields = users.check_user_fields(await _body(request))
    user_id = request.path_params["user_id"]
    async with services.db.write() as uow:
        user, link = await users.access_user(uow, principal.workspace_id, user_id)
        _check_version(request, etag(user.render_version))
        await users.do_replace(uow, principal, user, link, fields, _origin(request))
    services.credentials.forget_user(principal.workspace_id, user_id)
    return await _answer_user(services, principal, user_id)


async def user_patch(request: Request, services: Services, principal: Principal) -> Response:
    body = await _body(request)
    user_id = request.path_params["user_id"]
    async with services.db.write() as uow:
        current = await _user_json(services, uow.session, principal.workspace_id, user_id)
        _check_version(request, current["meta"]["version"])
        fields = users.check_user_fields(apply_patch(current, body))
        user, link = await users.access_user(uow, principal.workspace_id, user_id)
        await users.do_replace(uow, principal, user, link, fields, _origin(request))
    services.credentials.forget_user(principal.workspace_id, user_id)
    return await _answer_user(services, principal, user_id)


async def user_delete(request: Request, services: Services, principal: Principal) -> Response:
    user_id = request.path_params["user_id"]
    async with services.db.write() as uow:
        user, link = await users.access_user(uow, principal.workspace_id, user_id)
        _check_version(request, etag(user.render_version))
        await users.do_remove(uow, principal, user, link, _origin(request))
    services.credentials.forget_user(principal.workspace_id, user_id)
    return Response(status_code=204)


# --- Groups ---------------------------------------------------------------------------------


async def _group_json(
    services: Services, session: Any, workspace_id: str, group_id: str
) -> dict[str, Any]:
    group, link = await groups.access_group(session, workspace_id, group_id)
    members = (await members_by_group(session, workspace_id, [group.id])).get(group.id, [])
    return groups.group_resource(_base(services), group, link, members)


async def _groups_page(
    services: Services, principal: Principal, query: Query, offset: int, limit: int
) -> tuple[int, list[dict[str, Any]]]:
    condition = to_sql(parse_filter(query.filter), store.GROUP_COLUMNS) if query.filter else None
    workspace_id = principal.workspace_id
    async with services.db.read() as session:
        total = await store.count_groups(session, workspace_id, condition)
        rows = await store.list_groups(session, workspace_id, condition, offset=offset, limit=limit)
        members = await members_by_group(session, workspace_id, [group.id for group, _ in rows])
    base = _base(services)
    resources = [
        project(
            groups.group_resource(base, g, link, members.get(g.id, [])),
            list(query.attributes),
            list(query.excluded),
        )
        for g, link in rows
    ]
    return total, resources


async def groups_list(request: Request, services: Services, principal: Principal) -> Response:
    return await _list(services, principal, _query(dict(request.query_params)), [_groups_page])


async def groups_search(request: Request, services: Services, principal: Principal) -> Response:
    return await _list(services, principal, await _search_body(request), [_groups_page])


async def _answer_group(
    services: Services, principal: Principal, group_id: str, status: int = 200
) -> Response:
    async with services.db.read() as session:
        resource = await _group_json(services, session, principal.workspace_id, group_id)
    return scim_response(resource, status, resource["meta"]["version"])


async def groups_create(request: Request, services: Services, principal: Principal) -> Response:
    fields = groups.check_group_fields(await _body(request))
    async with services.db.write() as uow:
        group = await groups.do_create(uow, principal, fields)
    return await _answer_group(services, principal, group.id, status=201)


async def group_get(request: Request, services: Services, principal: Principal) -> Response:
    attributes, excluded = _selection(request)
    async with services.db.read() as session:
        resource = await _group_json(
            services, session, principal.workspace_id, request.path_params["group_id"]
        )
    return scim_response(
        project(resource, attributes, excluded), version=resource["meta"]["version"]
    )


async def group_put(request: Request, services: Services, principal: Principal) -> Response:
    fields = groups.check_group_fields(await _body(request))
    group_id = request.path_params["group_id"]
    async with services.db.write() as uow:
        group, link = await groups.access_group(uow, principal.workspace_id, group_id)
        _check_version(request, etag(group.date_update))
        await groups.do_replace(uow, principal, group, link, fields)
    return await _answer_group(services, principal, group_id)


async def group_patch(request: Request, services: Services, principal: Principal) -> Response:
    body = await _body(request)
    group_id = request.path_params["group_id"]
    async with services.db.write() as uow:
        current = await _group_json(services, uow.session, principal.workspace_id, group_id)
        _check_version(request, current["meta"]["version"])
        fields = groups.check_group_fields(apply_patch(current, body))
        group, link = await groups.access_group(uow, principal.workspace_id, group_id)
        await groups.do_replace(uow, principal, group, link, fields)
    return await _answer_group(services, principal, group_id)


async def group_delete(request: Request, services: Services, principal: Principal) -> Response:
    group_id = request.path_params["group_id"]
    async with services.db.write() as uow:
        group, _link = await groups.access_group(uow, principal.workspace_id, group_id)
        _check_version(request, etag(group.date_update))
        await groups.do_remove(uow, principal, group)
    return Response(status_code=204)


async def unknown(request: Request, services: Services, _: Principal) -> Response:
    raise ScimError(404, None, f"no SCIM endpoint at {request.url.path}")


def _read_only(handler: Handler) -> Handler:
    """Discovery documents answer GET; any other method is 405, not "not found"."""

    async def guarded(request: Request, services: Services, principal: Principal) -> Response:
        if request.method != "GET":
            raise ScimError(405, None, f"{request.method} is not allowed here")
        return await handler(request, services, principal)

    return guarded


def scim_routes() -> list[BaseRoute]:
    def route(path: str, handler: Handler, *methods: str) -> Route:
        return Route(PREFIX + path, _guarded(handler), methods=list(methods))

    return [
        route("/ServiceProviderConfig", _read_only(service_provider), *ANY),
        route("/ResourceTypes", _read_only(list_resource_types), *ANY),
        route("/ResourceTypes/{name}", _read_only(list_resource_types), *ANY),
        route("/Schemas", _read_only(list_schemas), *ANY),
        route("/Schemas/{schema_id:path}", _read_only(list_schemas), *ANY),
        route("/.search", root_search, "POST"),
        route("/Users/.search", users_search, "POST"),
        route("/Groups/.search", groups_search, "POST"),
        route("/Users", users_list, "GET"),
        route("/Users", users_create, "POST"),
        route("/Users/{user_id}", user_get, "GET"),
        route("/Users/{user_id}", user_put, "PUT"),
        route("/Users/{user_id}", user_patch, "PATCH"),
        route("/Users/{user_id}", user_delete, "DELETE"),
        route("/Groups", groups_list, "GET"),
        route("/Groups", groups_create, "POST"),
        route("/Groups/{group_id}", group_get, "GET"),
        route("/Groups/{group_id}", group_put, "PUT"),
        route("/Groups/{group_id}", group_patch, "PATCH"),
        route("/Groups/{group_id}", group_delete, "DELETE"),
        route("/{rest:path}", unknown, *ANY),
    ]
