"""The teacher's transcript (справка о профессиональном развитии педагогического
работника): the events attended, the further-training courses completed, the tutoring and
mentoring received and the professional deficits closed over a period, with the hours.

The growth service sends the data; the transcript carries a verification number and a QR
code leading to the public verification page, like the internship statement. A registration
number from the journal, when the caller gives one, is printed in the date line instead of
the verification number. The total of hours must be the sum of the rows' hours: a
transcript never prints a total it cannot account for.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import msgspec

from imc_documents.domain.common import Letterhead
from imc_documents.domain.plans import figure
from imc_documents.domain.russian import (
    format_date_numeric,
    format_date_official,
    initials_surname,
    plural_ru,
    upper_first,
)
from imc_shared.errors import InvalidInput

TRANSCRIPT_TEMPLATE = "teacher_transcript.docx"

Hours = int | float
"""A number of hours: whole for events and courses, possibly fractional for mentoring."""

MENTORING_KINDS: dict[str, str] = {
    "тьютор": "тьютор",
    "tutor": "тьютор",
    "наставник": "наставник",
    "mentor": "наставник",
}
"""Accepted spellings of a mentoring row's kind → the word printed."""
_SUPPORT = {"тьютор": "тьюторское сопровождение", "наставник": "наставничество"}


class TranscriptEvent(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An event the teacher took part in (seminar, conference, master class…)."""

    title: str
    form: str
    """E.g. «муниципальный семинар», «мастер-класс»."""
    date: dt.date
    hours: int
    certificate: str = ""
    """The document received: «сертификат № 7KQ2-M9XD»; none when empty."""


class TranscriptCourse(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A further-training course (дополнительная профессиональная программа)."""

    title: str
    provider: str
    """Who taught it: «КРИПКиПРО», «ГАУ ДПО «…»»."""
    hours: int
    completed_on: dt.date


class TranscriptMentoring(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Tutoring or mentoring the teacher received."""

    kind: str
    """«тьютор» or «наставник»."""
    tutor: str
    """The tutor's (mentor's) full name."""
    hours: Hours
    topic: str = ""


class ClosedDeficit(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A professional deficit the teacher overcame."""

    competency: str
    closed_on: dt.date
    evidence: str
    """What shows it is closed: «повторная диагностика, 85 %», «открытый урок»."""


class TranscriptData(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What a teacher's transcript states."""

    issued_on: dt.date
    teacher_name: str
    """Full name, e.g. «Кузнецова Мария Ивановна»."""
    teacher_position: str
    organisation: str
    """Where the teacher works: «МБОУ «СОШ № 7»»."""
    period: str
    """As printed after «Период:»: «2025/2026 учебный год», «по состоянию на 23.11.2026»."""
    total_hours: Hours
    """The sum of the hours of every event, course and mentoring row."""
    events: list[TranscriptEvent] = []
    courses: list[TranscriptCourse] = []
    mentoring: list[TranscriptMentoring] = []
    closed_deficits: list[ClosedDeficit] = []
    number: str = ""
    """Registration number from the journal; the verification number is printed if empty."""
    signatory_name: str = ""
    """Who signs; the letterhead's signatory when empty."""
    signatory_position: str = ""


def _text(value: str) -> str:
    return " ".join(value.split())


def hours_text(value: Hours) -> str:
    """Hours as a number the Russian way: «36», «1 204», «1,5»."""
    return figure(value)


def hours_words(value: Hours) -> str:
    """«1 час», «24 часа», «84 часа», «1,5 часа» (a fraction takes «часа»), joined by a
    no-break space."""
    if isinstance(value, float) and not value.is_integer():
        return f"{figure(value)}\u00a0часа"
    whole = int(value)
    return f"{figure(whole)}\u00a0{plural_ru(whole, ('час', 'часа', 'часов'))}"


def _refuse_negative(value: Hours, field: str) -> None:
    if value < 0 or (isinstance(value, float) and not math.isfinite(value)):
        raise InvalidInput("Объём в часах не может быть отрицательным", field=field)


def _kind(value: str, field: str) -> str:
    kind = MENTORING_KINDS.get(_text(value).lower())
    if kind is None:
        raise InvalidInput(
            f"Неверный вид сопровождения «{_text(value)}»: ожидается «тьютор» или «наставник»",
            field=field,
        )
    return kind


def transcript_context(
    data: TranscriptData, letterhead: Letterhead, *, number: str, verify_url: str
) -> dict[str, Any]:
    """The variables of the transcript (``qr`` is added on render).

    :class:`InvalidInput` when an hour count is negative, a mentoring kind is unknown or
    ``total_hours`` is not the sum of the rows' hours.
    """
    for index, event in enumerate(data.events):
        _refuse_negative(event.hours, f"data.events[{index}].hours")
    for index, course in enumerate(data.courses):
        _refuse_negative(course.hours, f"data.courses[{index}].hours")
    kinds = []
    for index, row in enumerate(data.mentoring):
        kinds.append(_kind(row.kind, f"data.mentoring[{index}].kind"))
        _refuse_negative(row.hours, f"data.mentoring[{index}].hours")
    _refuse_negative(data.total_hours, "data.total_hours")
    events_hours = sum(e.hours for e in data.events)
    courses_hours = sum(c.hours for c in data.courses)
    mentoring_hours: Hours = sum(m.hours for m in data.mentoring)
    counted: Hours = events_hours + courses_hours + mentoring_hours
    if not math.isclose(data.total_hours, counted, rel_tol=0, abs_tol=1e-6):
        raise InvalidInput(
            f"Общий объём часов ({hours_text(data.total_hours)}) не равен сумме часов "
            f"мероприятий ({hours_text(events_hours)}), курсов повышения квалификации "
            f"({hours_text(courses_hours)}) и тьюторского сопровождения и наставничества "
            f"({hours_text(mentoring_hours)}) – {hours_text(counted)}",
            field="data.total_hours",
        )
    events = [
        {
            "number": f"{index}.",
            "title": _text(event.title),
            "form": _text(event.form),
            "date": format_date_numeric(event.date),
            "hours": hours_text(event.hours),
            "certificate": _text(event.certificate) or "–",
        }
        for index, event in enumerate(sorted(data.events, key=lambda e: e.date), start=1)
    ]
    courses = [
        {
            "number": f"{index}.",
            "title": _text(course.title),
            "provider": _text(course.provider),
            "completed_on": format_date_numeric(course.completed_on),
            "hours": hours_text(course.hours),
        }
        for index, course in enumerate(sorted(data.courses, key=lambda c: c.completed_on), 1)
    ]
    mentoring = [
        {
            "number": f"{index}.",
            "support": _SUPPORT[kind],
            "tutor": _text(row.tutor),
            "topic": _text(row.topic) or "–",
            "hours": hours_text(row.hours),
        }
        for index, (row, kind) in enumerate(zip(data.mentoring, kinds, strict=True), start=1)
    ]
    deficits = [
        {
            "number": f"{index}.",
            "competency": _text(deficit.competency),
            "closed_on": format_date_numeric(deficit.closed_on),
            "evidence": _text(deficit.evidence),
        }
        for index, deficit in enumerate(sorted(data.closed_deficits, key=lambda d: d.closed_on), 1)
    ]
    signatory_name = _text(data.signatory_name) or letterhead.signatory_name
    signatory_position = _text(data.signatory_position) or letterhead.signatory_position
    return {
        "authority": letterhead.authority,
        "district_name": letterhead.district_name,
        "place": letterhead.place,
        "issue_date_official": format_date_official(data.issued_on),
        "signatory_position": upper_first(signatory_position),
        "signatory_initials": initials_surname(signatory_name),
        "number": number,
        "registration_number": _text(data.number) or number,
        "verify_url": verify_url,
        "teacher_name": _text(data.teacher_name),
        "teacher_position": _text(data.teacher_position),
        "organisation": _text(data.organisation),
        "period": _text(data.period),
        "events": events,
        "events_hours": hours_text(events_hours),
        "courses": courses,
        "courses_hours": hours_text(courses_hours),
        "mentoring": mentoring,
        "mentoring_hours": hours_text(mentoring_hours),
        "deficits": deficits,
        "total_hours": hours_text(data.total_hours),
        "total_hours_words": hours_words(data.total_hours),
    }
