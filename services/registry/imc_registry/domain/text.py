"""Text normalisation shared by the rules: what counts as "the same name"."""

import re

_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "'": '"', "`": '"'})


def squash(value: str) -> str:
    """Trim and collapse runs of whitespace (non-breaking spaces too) into one space."""
    return _SPACES.sub(" ", value.replace("\u00a0", " ")).strip()


def fold(value: str) -> str:
    """A comparison key: squashed, case-folded, «ё» as «е», one kind of quotes."""
    return squash(value).casefold().replace("ё", "е").translate(_QUOTES)


def search_key(*parts: str) -> str:
    """What a text search matches against: the folded parts, joined."""
    return " | ".join(fold(part) for part in parts if part)
