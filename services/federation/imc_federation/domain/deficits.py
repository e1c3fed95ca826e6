"""Professional deficits of teachers across districts: counts only, never a name.

Each district sends the centre its whole anonymous summary (seeds/002 §4.1, 003 §2):
per competency and subject, how many deficits are open and how many are closed, and how
many distinct teachers have one. The centre adds them up by district and by subject.

What adds up and what does not: open and closed deficits add up everywhere. Teachers add
up across districts for one competency in one subject (a teacher belongs to one
district), but not across competencies or subjects (one teacher may lack several), so
the district and subject totals carry no teacher count. The teachers with an individual
educational route (ИОМ) come per district and add up across districts.

Lines are ordered by name, never by their figures: the centre compares no district with
another (no league tables).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from imc_shared.auth import STAFF, Role

READERS: Final[frozenset[Role]] = STAFF
"""Who may see the deficits at the centre: its staff, never a teacher or a school."""

NO_SUBJECT: Final = "без привязки к предмету"
"""How a line with no subject (deficits found across subjects) is named."""


@dataclass(frozen=True)
class Line:
    """A competency in a subject: a line of a district's summary, or such lines summed."""

    competency_code: str
    competency_title: str
    subject: str
    open: int
    closed: int
    teachers: int


@dataclass(frozen=True)
class Group:
    """The lines of one subject, with their sums (no teacher count: see the module)."""

    subject: str
    open: int
    closed: int
    lines: list[Line]


def closure_rate(open_: int, closed: int) -> float | None:
    """The share of deficits closed, ``closed / (open + closed)`` rounded to four
    places; ``None`` when there are none at all."""
    total = open_ + closed
    return round(closed / total, 4) if total else None


def subject_title(subject: str) -> str:
    """A subject as people read it; the empty subject has a name of its own."""
    return subject or NO_SUBJECT


def _name_key(text: str) -> str:
    return text.casefold().replace("ё", "е")


def _subject_key(subject: str) -> tuple[bool, str]:
    """Subjects by name; the lines with no subject last."""
    return (not subject, _name_key(subject))


def lines(counts: Iterable[Line]) -> list[Line]:
    """The counts summed per competency and subject (over districts, or duplicate lines
    of one district), by subject, then by competency title."""
    sums: dict[tuple[str, str], list[int]] = {}
    titles: dict[tuple[str, str], str] = {}
    for count in counts:
        key = (count.subject, count.competency_code)
        total = sums.setdefault(key, [0, 0, 0])
        total[0] += count.open
        total[1] += count.closed
        total[2] += count.teachers
        titles.setdefault(key, count.competency_title)
    result = [
        Line(
            competency_code=code,
            competency_title=titles[(subject, code)],
            subject=subject,
            open=open_,
            closed=closed,
            teachers=teachers,
        )
        for (subject, code), (open_, closed, teachers) in sums.items()
    ]
    return sorted(
        result,
        key=lambda line: (
            _subject_key(line.subject),
            _name_key(line.competency_title),
            line.competency_code,
        ),
    )


def by_subject(counts: Iterable[Line]) -> list[Group]:
    """The counts grouped by subject (subjects by name, no subject last)."""
    groups: dict[str, list[Line]] = {}
    for line in lines(counts):
        groups.setdefault(line.subject, []).append(line)
    return [
        Group(
            subject=subject,
            open=sum(line.open for line in grouped),
            closed=sum(line.closed for line in grouped),
            lines=grouped,
        )
        for subject, grouped in groups.items()
    ]
