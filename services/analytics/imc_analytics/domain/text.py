"""Text normalisation: what counts as "the same name" of a school, subject or header."""

import re

_SPACES = re.compile(r"\s+")
_QUOTES = re.compile(r"[«»“”„\"'`]")
_NUMBER_SIGN = re.compile(r"№\s*")


def squash(value: str) -> str:
    """Trim and collapse runs of whitespace (non-breaking spaces too) into one space."""
    return _SPACES.sub(" ", value.replace("\u00a0", " ")).strip()


def fold(value: str) -> str:
    """A comparison key: squashed, case-folded, «ё» as «е»."""
    return squash(value).casefold().replace("ё", "е")


def name_key(value: str) -> str:
    """A school's name as compared: folded, quotes dropped, «№ 1» and «№1» alike.

    «МБОУ «Яйская СОШ № 1»» and «мбоу "яйская сош №1"» give the same key.
    """
    return squash(_NUMBER_SIGN.sub("№", _QUOTES.sub(" ", fold(value))))


def upper_first(value: str) -> str:
    """«математика» → «Математика»."""
    return value[:1].upper() + value[1:]
