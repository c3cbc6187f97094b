"""Time-limited TURN credentials: the shared-secret scheme coturn checks (`use-auth-secret`).

The username is `<unix expiry>:<user id>` and the password base64(HMAC-SHA1(secret,
username)); coturn recomputes it with each of its `static-auth-secret`s and refuses an
expired timestamp, so Parley never tells coturn about users. Rotation: list the new secret
first (it signs) and keep the old one accepted until every credential it signed expired.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from parley.features.calls.media.engine import IceServer


def turn_username(user_id: str, expires_at: int) -> str:
    return f"{expires_at}:{user_id}"


def turn_password(secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def credential_valid(secrets: list[str], username: str, password: str, *, now: int) -> bool:
    """What coturn decides for a credential (kept here to document and test the scheme):
    not expired, and signed by one of the live secrets."""
    expiry, sep, _user = username.partition(":")
    if not sep or not expiry.isdigit() or int(expiry) < now:
        return False
    return any(hmac.compare_digest(turn_password(s, username), password) for s in secrets)


@dataclass(frozen=True)
class TurnCredentials:
    """`IceServers` from settings: STUN/TURN URLs and the signing secret (the first)."""

    urls: list[str]
    secrets: list[str]
    ttl: int

    def for_user(self, user_id: str, *, now: int) -> tuple[list[IceServer], int]:
        if not self.urls:
            return [], 0
        stun = [url for url in self.urls if url.startswith("stun")]
        turn = [url for url in self.urls if not url.startswith("stun")]
        servers = [IceServer(urls=stun)] if stun else []
        if turn and self.secrets:
            username = turn_username(user_id, now + self.ttl)
            password = turn_password(self.secrets[0], username)
            servers.append(IceServer(urls=turn, username=username, credential=password))
        return servers, self.ttl
