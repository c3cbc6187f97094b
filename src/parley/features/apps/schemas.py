"""JSON shapes the app platform answers with."""

from __future__ import annotations

from typing import Any

from parley.features.apps.actions import CreatedApp
from parley.features.apps.models import App, AppDelivery


def credentials_object(app: App, client_secret: str | None) -> dict[str, Any]:
    """`credentials` of `apps.manifest.create` (the client secret is shown only once)."""
    credentials = {
        "client_id": app.client_id,
        "verification_token": app.verification_token,
        "signing_secret": app.signing_secret,
    }
    if client_secret is not None:
        credentials["client_secret"] = client_secret
    return credentials


def created_app_object(created: CreatedApp) -> dict[str, Any]:
    app = created.app
    return {
        "app_id": app.id,
        "credentials": credentials_object(app, created.client_secret),
        # Parley: the app is installed in the creating workspace at once.
        "bot_user_id": app.bot_user_id,
        "bot_id": app.bot_id,
        "bot_token": created.bot_token,
        "app_token": created.app_token,
    }


def cli_app_object(created: CreatedApp) -> dict[str, Any]:
    """What `parley app create --json` prints."""
    app = created.app
    return {
        "app_id": app.id,
        "bot_user_id": app.bot_user_id,
        "bot_id": app.bot_id,
        "bot_token": created.bot_token,
        "signing_secret": app.signing_secret,
        "client_id": app.client_id,
        "client_secret": created.client_secret,
        "app_token": created.app_token,
        "verification_token": app.verification_token,
    }


def delivery_object(delivery: AppDelivery) -> dict[str, Any]:
    return {
        "event_id": delivery.event_id,
        "type": delivery.body.get("type"),
        "event_type": (delivery.body.get("event") or {}).get("type"),
        "state": delivery.state,
        "attempts": delivery.attempts,
        "retry_reason": delivery.retry_reason,
        "last_error": delivery.last_error,
    }
