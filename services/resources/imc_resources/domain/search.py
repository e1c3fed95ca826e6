"""Full-text search in Russian with morphology, the same on SQLite and PostgreSQL: words
are lower-cased (ё → е), stemmed with the Snowball Russian stemmer (Latin words with the
English one), and kept in an inverted index of (document, stem, weight). A query is
stemmed the same way, so «урок» finds «уроков» and «оценивания» finds «оценивание».

Weights put a match in the title above one in the keywords, the annotation and then the
text of the files; a document must contain every word of the query.
"""

import functools
import re
from collections import Counter
from typing import Final

import snowballstemmer

FIELD_WEIGHTS: Final = {"title": 100, "tags": 30, "subject": 30, "summary": 10, "text": 1}
TEXT_CAP: Final = 9
"""Occurrences in the text counted at most: a long text never outweighs a title."""
MAX_STEM: Final = 100
TAG_PREFIX: Final = "#"
"""A whole keyword is indexed as ``#<keyword>`` (for the filter by keyword)."""

_STOP_WORDS: Final = """
    а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да
    даже для до его ее если есть еще же за здесь и из или им их к как ко когда кто ли либо
    мне может мы на над надо наш не него нее нет ни них но ну о об однако он она они оно от
    очень по под при с со так также такой там те тем то того тоже той только том ты у уже
    хотя чего чей чем что чтобы чье чья эта эти это я
"""
STOP_WORDS: Final = frozenset(_STOP_WORDS.split())
_WORD: Final = re.compile(r"[0-9a-zа-я]+")
_CYRILLIC: Final = re.compile(r"[а-я]")
_russian = snowballstemmer.stemmer("russian")
_english = snowballstemmer.stemmer("english")


def normalise(text: str) -> str:
    """Lower case, ё → е."""
    return text.casefold().replace("ё", "е")


def tokens(text: str) -> list[str]:
    """The words of ``text``, normalised (numbers kept, one-letter words dropped)."""
    return [w for w in _WORD.findall(normalise(text)) if len(w) > 1 or w.isdigit()]


@functools.lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The stem of a normalised word."""
    if word.isdigit():
        return word[:MAX_STEM]
    stemmer = _russian if _CYRILLIC.search(word) else _english
    return str(stemmer.stemWord(word))[:MAX_STEM]


def stems(text: str) -> list[str]:
    """Stems of the words of ``text`` that are not stop words, in order."""
    return [stem(w) for w in tokens(text) if w not in STOP_WORDS]


def tag_key(tag: str) -> str:
    """The index key of a whole keyword."""
    return (TAG_PREFIX + " ".join(normalise(tag).split()))[:MAX_STEM]


def subject_key(subject: str) -> str:
    """A subject as compared in filters."""
    return " ".join(normalise(subject).split())


def index_terms(
    *, title: str, summary: str, tags: list[str], text: str, subject: str = ""
) -> dict[str, int]:
    """Stem -> weight of one document."""
    weights: Counter[str] = Counter()
    fields = (
        ("title", title),
        ("summary", summary),
        ("tags", " ".join(tags)),
        ("subject", subject),
    )
    for field, content in fields:
        for found in set(stems(content)):
            weights[found] += FIELD_WEIGHTS[field]
    for found, count in Counter(stems(text)).items():
        weights[found] += min(count, TEXT_CAP) * FIELD_WEIGHTS["text"]
    for tag in tags:
        if tag.strip():
            weights[tag_key(tag)] += FIELD_WEIGHTS["tags"]
    return dict(weights)


def query_stems(query: str) -> list[str]:
    """The distinct stems a query asks for (its stop words are dropped unless it has
    nothing else)."""
    words = tokens(query)
    meaningful = [w for w in words if w not in STOP_WORDS] or words
    return list(dict.fromkeys(stem(w) for w in meaningful))
