"""The built-in emoji short names (Slack/GitHub style) and the skin-tone suffix syntax."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

# `thumbsup::skin-tone-2` … `::skin-tone-6`, as Slack writes toned reactions.
_SKIN_TONE = re.compile(r"^(?P<base>.+)::skin-tone-(?P<tone>[2-6])$")


@cache
def standard_names() -> frozenset[str]:
    """Every standard emoji short name, read once from the data file shipped in the package."""
    text = (
        resources.files("parley.features.emoji").joinpath("standard_names.txt").read_text("utf-8")
    )
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def is_standard(name: str) -> bool:
    return name in standard_names()


def split_skin_tone(name: str) -> tuple[str, int | None]:
    """`("thumbsup", 2)` for `thumbsup::skin-tone-2`, `(name, None)` without a tone."""
    match = _SKIN_TONE.match(name)
    if match is None:
        return name, None
    return match.group("base"), int(match.group("tone"))


def strip_colons(name: str) -> str:
    """Clients may send `:tada:`; Slack accepts the name with or without its colons."""
    return name.strip().strip(":").strip()
