"""Slack-format identifiers: a one-letter kind prefix and random upper-case base32 characters."""

from __future__ import annotations

import secrets

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTVWXYZ"  # no I, O, U: unambiguous when read aloud


def new_id(prefix: str, length: int = 10) -> str:
    """A new random id such as `U04ABCDEF12`."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def looks_like(value: str, *prefixes: str) -> bool:
    """Whether `value` has the shape of an id with one of the given prefixes."""
    return (
        bool(value)
        and value[0] in prefixes
        and 3 <= len(value) <= 24
        and value[1:].isalnum()
        and value[1:].upper() == value[1:]
    )
