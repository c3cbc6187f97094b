"""Password hashing (argon2) and secret tokens (random, stored only as SHA-256 hashes)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from parley.platform.ids import looks_like

_hasher = PasswordHasher()
# A hash of a random password, so that checking a login for an unknown email costs the same
# time as for a known one (no user enumeration through timing).
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-cost check; a missing hash still runs one argon2 verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_secret(prefix: str = "", nbytes: int = 32) -> str:
    """A new unguessable secret, e.g. a token `xoxp-…`."""
    return prefix + secrets.token_urlsafe(nbytes)


def hash_secret(secret: str) -> str:
    """The stored form of a token: SHA-256 hex (tokens have full entropy; no salt needed)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secrets_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def workspace_in_secret(secret: str) -> str | None:
    """The workspace id a secret begins with: tokens `xoxp-T…-…`, and session, invitation
    and upload secrets `T…-…`. Which shard to look it up on (decision 0010); untrusted, so
    a wrong one only means the lookup finds nothing."""
    if len(secret) > 200:
        return None
    if secret[:5] in ("xoxp-", "xoxb-", "xapp-"):
        secret = secret[5:]
    candidate = secret.split("-", 1)[0]
    return candidate if looks_like(candidate, "T") else None
