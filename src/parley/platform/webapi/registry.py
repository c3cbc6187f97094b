"""The one method registry: every Web API method declares scopes, tier and parameters here."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from parley.platform.webapi.context import Call
from parley.platform.webapi.params import NoParams, Params


class Tier(enum.Enum):
    """Slack's rate-limit tiers (calls per minute per token and method)."""

    T1 = "tier1"
    T2 = "tier2"
    T3 = "tier3"
    T4 = "tier4"
    SPECIAL = "special"
    NONE = "none"


class Auth(enum.Enum):
    TOKEN = "token"  # a token or browser session is required
    OPTIONAL = "optional"  # used when given (api.test)
    NONE = "none"  # public (sign-in, invite acceptance)


ALL_TOKEN_KINDS = frozenset({"user", "bot", "session"})
HUMAN_TOKEN_KINDS = frozenset({"user", "session"})

Handler = Callable[[Call, Any], Awaitable[dict[str, Any]]]
H = TypeVar("H", bound=Handler)


@dataclass(frozen=True)
class Method:
    name: str
    handler: Handler
    params: type[Params]
    scopes: tuple[str, ...]  # any one of these suffices; empty = no scope needed
    tier: Tier
    auth: Auth
    token_kinds: frozenset[str]
    summary: str
    errors: tuple[str, ...]
    missing_errors: dict[str, str]  # required argument -> Slack error when it is absent
    slack_compatible: bool  # False for Parley's own methods (auth.signin, admin.invites.*)
    partial: str  # what is missing compared with Slack, "" when complete
    response: type[BaseModel] | None = None  # documents the 200 body; never filters it


REGISTRY: dict[str, Method] = {}


def api_method(
    name: str,
    *,
    params: type[Params] = NoParams,
    scopes: tuple[str, ...] = (),
    tier: Tier = Tier.T3,
    auth: Auth = Auth.TOKEN,
    token_kinds: frozenset[str] = ALL_TOKEN_KINDS,
    errors: tuple[str, ...] = (),
    missing_errors: dict[str, str] | None = None,
    slack_compatible: bool = True,
    partial: str = "",
    response: type[BaseModel] | None = None,
) -> Callable[[H], H]:
    """Register the decorated coroutine as Web API method `name`.

    `response` documents the success body in the OpenAPI document (the web client's types
    are generated from it); handlers' results are sent as they are, never validated.
    """

    def register(handler: H) -> H:
        if name in REGISTRY:
            raise RuntimeError(f"Web API method {name} registered twice")
        summary = (handler.__doc__ or "").strip().splitlines()[0] if handler.__doc__ else name
        REGISTRY[name] = Method(
            name=name,
            handler=handler,
            params=params,
            scopes=scopes,
            tier=tier,
            auth=auth,
            token_kinds=token_kinds,
            summary=summary,
            errors=errors,
            missing_errors=missing_errors or {},
            slack_compatible=slack_compatible,
            partial=partial,
            response=response,
        )
        return handler

    return register
