"""Does a text speak of a competency? Case- and «ё»-folding, simple Russian stems.

Good enough to suggest events and sites for a deficit: «оценивания» matches «оценивание»,
«Функциональной грамотности» matches «функциональная грамотность». A keyword of several
words matches when every word's stem occurs in the text.
"""

import re
from collections.abc import Iterable

# Longest first: the first ending that leaves a stem of at least MIN_STEM letters is cut.
# nominalised verbs («оценивание», «оценивания», «оцениванием»), verbs, adjectives and
# participles, nouns
_ENDING_LIST = (
    "анием ением ание ение ания ения анию ению аний ений "
    "ать ять еть ить ует ют ет ит ся "
    "ыми ими ого его ому ему ая яя ое ее ые ие ый ий ой ей ую юю ых их ым им ом ем "
    "ами ями ах ях ов ев ью ия ии ию а я о е ы и у ю ь й"
)
_ENDINGS = tuple(sorted(set(_ENDING_LIST.split(" ")), key=len, reverse=True))
MIN_STEM = 4
_WORD = re.compile(r"[0-9a-zа-я]+")


def fold(text: str) -> str:
    """Lower case, «ё» as «е»."""
    return text.casefold().replace("ё", "е")


def stem(word: str) -> str:
    """A crude stem: the word without its most likely ending (short words stay whole)."""
    word = fold(word)
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def stems(text: str) -> list[str]:
    """The stems of every word of ``text``."""
    return [stem(word) for word in _WORD.findall(fold(text))]


def matches(keyword: str, text: str) -> bool:
    """Whether every word of ``keyword`` occurs (by stem) in ``text``.

    A text word matches a keyword stem when it starts with it (the stemmer is crude:
    «оцениван» is a prefix of «оценивание»'s other forms too)."""
    wanted = stems(keyword)
    if not wanted:
        return False
    words = stems(text)
    return all(
        any(w.startswith(k) or (k.startswith(w) and len(w) >= MIN_STEM) for w in words)
        for k in wanted
    )


def matching_keywords(keywords: Iterable[str], text: str) -> list[str]:
    """The keywords that ``text`` speaks of, in the given order."""
    return [k for k in keywords if k.strip() and matches(k, text)]
