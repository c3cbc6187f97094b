"""The built-in emoji short names (Slack/GitHub style) and the skin-tone suffix syntax."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

# `thumbsup::skin-tone-2` … `::skin-tone-6`, as Slack writes toned reactions.
_SKIN_TONE = re.compile(r"^(?P<base>.+)::skin-tone-(?P<tone>[2-6])$")


# standard_names.txt: the `emoji` package's names; emojibase_names.txt: Slack's and GitHub's
# names from emojibase-data that it lacks (`flag-fr`, …), the names the web picker offers.
_NAME_FILES = ("standard_names.txt", "emojibase_names.txt")


@cache
def standard_names() -> frozenset[str]:
    """Every standard emoji short name, read once from the data files shipped in the package."""
    package = resources.files("parley.features.emoji")
    lines = (
        line.strip()
        for file in _NAME_FILES
        for line in package.joinpath(file).read_text("utf-8").splitlines()
    )
    return frozenset(line for line in lines if line and not line.startswith("#"))


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
