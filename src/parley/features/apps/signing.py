"""Slack request signing (v0): what apps verify with `slack_sdk.signature.SignatureVerifier`."""

from __future__ import annotations

import hashlib
import hmac
import time


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, content_type: str) -> dict[str, str]:
    """Headers for a signed POST of `body` to an app, stamped now."""
    timestamp = str(int(time.time()))
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signature(secret, timestamp, body),
    }
