"""Russian language helpers for official documents: dates, plurals, initials, cases.

Everything here is pure (no I/O) and follows the conventions of Russian
office work (ГОСТ Р 7.0.97-2016): dates as «20» декабря 2021 г. or 20.12.2021,
signatures as initials followed by the surname (Н.А. Сладкова).

The case helpers (:func:`genitive_phrase`, :func:`dative_phrase`) are deliberately
small: they inflect the leading adjectives and the head noun of a typical
official phrase («опорная методическая площадка», «Яйский муниципальный округ»,
«муниципальное бюджетное общеобразовательное учреждение «…»») and leave the
rest (quoted names, genitive tails) untouched. They are not a morphological
analyser and return the phrase unchanged when they do not recognise it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

MONTHS_GENITIVE: tuple[str, ...] = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
"""Month names in the genitive case, as used in dates (1 → «января»)."""

Case = Literal["genitive", "dative"]

_VELARS = "гкх"
_SIBILANTS = "жшчщ"
_VOWELS = "аеёиоуыэюя"

# Nominative adjective endings -> (genitive, dative) endings; the special
# cases after velars and sibilants are handled in _inflect_adjective.
_ADJECTIVE_ENDINGS: dict[str, tuple[str, str]] = {
    "ый": ("ого", "ому"),
    "ой": ("ого", "ому"),
    "ий": ("его", "ему"),
    "ая": ("ой", "ой"),
    "яя": ("ей", "ей"),
    "ое": ("ого", "ому"),
    "ее": ("его", "ему"),
}

_EDGE_PUNCTUATION = "()[],;:.!?"


def plural_ru(n: int, forms: tuple[str, str, str]) -> str:
    """Pick the Russian plural form for ``n``.

    ``forms`` are the forms for 1, 2 and 5 (e.g. ``("год", "года", "лет")``);
    11–14 take the third form. Only the form is returned, without the number.
    """
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def years_phrase(n: int) -> str:
    """Return a number of years in words as Russian writes it: «1 год», «2 года», «5 лет»."""
    return f"{n} {plural_ru(n, ('год', 'года', 'лет'))}"


def format_date_official(d: date) -> str:
    """Format a date the way orders write it: ``«20» декабря 2021 г.``."""
    return f"«{d.day:02d}» {MONTHS_GENITIVE[d.month - 1]} {d.year} г."


def format_date_numeric(d: date) -> str:
    """Format a date in the numeric official form ``ДД.ММ.ГГГГ`` (``20.12.2021``)."""
    return f"{d.day:02d}.{d.month:02d}.{d.year:04d}"


def _initials(token: str) -> str:
    """Initials of one given name or patronymic; keeps already abbreviated ones (``Н.А.``)."""
    pieces = [p for p in token.split(".") if p]
    return "".join(f"{p[0].upper()}." for p in pieces)


def _looks_like_initials(token: str) -> bool:
    return "." in token and all(len(p) <= 2 for p in token.split(".") if p)


def initials_surname(full_name: str) -> str:
    """Turn «Фамилия Имя Отчество» into «И.О. Фамилия» for a signature.

    ``"Сладкова Наталья Александровна"`` → ``"Н.А. Сладкова"``. Also accepts
    «Сладкова Н.А.», «Сладкова Н. А.» and «Н.А. Сладкова» (normalised to the same
    result); a single word is returned as it is.
    """
    parts = full_name.split()
    if len(parts) <= 1:
        return full_name.strip()
    if _looks_like_initials(parts[0]) and not _looks_like_initials(parts[-1]):
        # Already «И.О. Фамилия» (possibly «И. О. Фамилия»).
        surname, given = parts[-1], parts[:-1]
    else:
        surname, given = parts[0], parts[1:]
    return f"{''.join(_initials(g) for g in given)} {surname}"


def _match_case(template: str, ending: str) -> str:
    return ending.upper() if template.isupper() else ending


def _inflect_adjective(word: str, case: Case) -> str | None:
    lower = word.lower()
    for nominative, (genitive, dative) in _ADJECTIVE_ENDINGS.items():
        if not lower.endswith(nominative) or len(lower) <= len(nominative) + 1:
            continue
        stem = word[: -len(nominative)]
        before = lower[-len(nominative) - 1]
        ending = genitive if case == "genitive" else dative
        if nominative == "ий" and before in _VELARS:
            ending = "ого" if case == "genitive" else "ому"
        elif nominative == "ая" and before in _SIBILANTS:
            ending = "ей"
        return stem + _match_case(word, ending)
    return None


def _inflect_noun(word: str, case: Case) -> str | None:
    lower = word.lower()
    genitive = case == "genitive"
    if lower.endswith("ие"):
        return word[:-2] + _match_case(word, "ия" if genitive else "ию")
    if lower.endswith("ия"):
        return word[:-2] + _match_case(word, "ии")
    if lower.endswith("а"):
        hard = lower[-2:-1] in _VELARS + _SIBILANTS
        ending = ("и" if hard else "ы") if genitive else "е"
        return word[:-1] + _match_case(word, ending)
    if lower.endswith("я"):
        return word[:-1] + _match_case(word, "и" if genitive else "е")
    if lower.endswith("о"):
        return word[:-1] + _match_case(word, "а" if genitive else "у")
    if lower.endswith("й"):
        return word[:-1] + _match_case(word, "я" if genitive else "ю")
    if lower[-1:].isalpha() and lower[-1] not in _VOWELS + "ьъ":
        return word + _match_case(word, "а" if genitive else "у")
    return None


def _is_abbreviation(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def _inflect_phrase(phrase: str, case: Case) -> str:
    tokens = re.split(r"(\s+)", phrase)
    result: list[str] = []
    for index, token in enumerate(tokens):
        if not token or token.isspace():
            result.append(token)
            continue
        core = token.strip(_EDGE_PUNCTUATION)
        start = token.find(core) if core else 0
        prefix, suffix = token[:start], token[start + len(core) :]
        if not core or _is_abbreviation(core) or not re.fullmatch(r"[а-яёА-ЯЁ-]+", core):
            # A quoted name, a number or an abbreviation: stop inflecting here.
            return phrase
        adjective = _inflect_adjective(core, case)
        if adjective is not None:
            result.append(prefix + adjective + suffix)
            continue
        noun = _inflect_noun(core, case)
        if noun is None:
            return phrase
        result.append(prefix + noun + suffix)
        # The head noun ends the inflected part; the rest is already in its case.
        return "".join(result) + "".join(tokens[index + 1 :])
    return phrase


def genitive_phrase(phrase: str) -> str:
    """Put an official noun phrase into the genitive case (кого? чего?).

    ``"опорная (стажировочная) методическая площадка"`` →
    ``"опорной (стажировочной) методической площадки"``;
    ``"Яйский муниципальный округ"`` → ``"Яйского муниципального округа"``.
    Inflects the leading adjectives and the head noun only; returns the phrase
    unchanged when it does not recognise its shape.
    """
    return _inflect_phrase(phrase, "genitive")


def dative_phrase(phrase: str) -> str:
    """Put an official noun phrase into the dative case (кому? чему?).

    ``"муниципальное бюджетное общеобразовательное учреждение «Школа № 2»"`` →
    ``"муниципальному бюджетному общеобразовательному учреждению «Школа № 2»"``.
    Inflects the leading adjectives and the head noun only; returns the phrase
    unchanged when it does not recognise its shape.
    """
    return _inflect_phrase(phrase, "dative")


def lower_first(text: str) -> str:
    """Lower-case the first letter for use inside a sentence, unless it starts an abbreviation."""
    if not text:
        return text
    first = text.split(maxsplit=1)[0]
    if _is_abbreviation(first) or first.startswith("«"):
        return text
    return text[0].lower() + text[1:]


def months_phrase(n: int) -> str:
    """Return a number of months as Russian writes it: «1 месяц», «3 месяца», «12 месяцев»."""
    return f"{n} {plural_ru(n, ('месяц', 'месяца', 'месяцев'))}"


def duration_phrase(months: int) -> str:
    """A duration in whole months, in years where it divides: «2 года», «1 год 6 месяцев»."""
    years, rest = divmod(months, 12)
    if years and rest:
        return f"{years_phrase(years)} {months_phrase(rest)}"
    if years:
        return years_phrase(years)
    return months_phrase(rest)


def whole_months(start: date, end: date) -> int | None:
    """How many whole months a term from ``start`` to ``end`` (inclusive) lasts.

    ``01.10.2025``–``30.09.2027`` → 24; ``None`` when the term is not a whole number of
    months (e.g. it ends mid-month) or ends before it starts.
    """
    after = date.fromordinal(end.toordinal() + 1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if months < 1 or after.day != start.day:
        return None
    return months


def term_phrase(start: date, end: date) -> str:
    """The length of a term in words («2 года»), or ``""`` when it is not whole months."""
    months = whole_months(start, end)
    return duration_phrase(months) if months else ""


def upper_first(text: str) -> str:
    """Capitalise the first letter (a position heading a signature block: «Директор»)."""
    return text[:1].upper() + text[1:]
