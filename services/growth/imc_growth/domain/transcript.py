"""The record of a teacher's professional development: what counts, in hours, and how
the printed form (template ``teacher_transcript`` of the documents service) reads it."""

import hashlib
from collections.abc import Sequence
from datetime import date
from typing import Any, Final
from uuid import UUID

import msgspec

from imc_growth.domain.matching import fold

TEMPLATE: Final = "teacher_transcript"
MONTHS_GENITIVE: Final = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


def russian_date(day: date) -> str:
    """«17» марта 2027 г."""
    return f"«{day.day:02d}» {MONTHS_GENITIVE[day.month - 1]} {day.year} г."


def hours_value(hours: float) -> int | float:
    """Whole hours as an integer, otherwise to two decimals."""
    rounded = round(hours, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def is_internship(form: str, form_title: str) -> bool:
    """An internship by its form code (or, for an event unknown here, its form's title)."""
    return form == "internship" or fold(form_title).startswith("стажировк")


class EventLine(msgspec.Struct, kw_only=True):
    """An event or internship attended."""

    registration_id: UUID
    event_id: UUID
    kind: str
    """``event`` or ``internship``."""
    title: str
    form_title: str
    date: date
    hours: int
    certificate: str = ""
    """The certificate's number, once the documents service issued it."""


class CourseLine(msgspec.Struct, kw_only=True):
    """A course taken elsewhere, approved by a methodist."""

    step_id: UUID
    title: str
    provider: str
    hours: int
    completed_on: date | None


class MentoringLine(msgspec.Struct, kw_only=True):
    """Hours of meetings with a tutor or mentor."""

    assignment_id: UUID
    kind: str
    kind_title: str
    tutor_name: str
    topic: str
    hours: float


class ClosedDeficitLine(msgspec.Struct, kw_only=True):
    deficit_id: UUID
    competency_code: str
    competency: str
    subject: str
    closed_on: date | None
    evidence: str


class Transcript(msgspec.Struct, kw_only=True):
    """A teacher's record of development."""

    person_id: UUID
    full_name: str
    position: str
    organisation_id: UUID | None
    organisation: str
    date_from: date | None
    date_to: date
    period: str
    events: list[EventLine]
    courses: list[CourseLine]
    mentoring: list[MentoringLine]
    closed_deficits: list[ClosedDeficitLine]
    event_hours: int
    course_hours: int
    mentoring_hours: float
    total_hours: float


def period_text(date_from: date | None, date_to: date) -> str:
    """«с 01.09.2026 по 17.03.2027», or «по состоянию на 17.03.2027» with nothing before."""
    if date_from is None:
        return f"по состоянию на {date_to:%d.%m.%Y}"
    return f"с {date_from:%d.%m.%Y} по {date_to:%d.%m.%Y}"


def earliest(*groups: Sequence[date | None]) -> date | None:
    days = [d for group in groups for d in group if d is not None]
    return min(days) if days else None


def document_data(
    transcript: Transcript, *, issued_on: date, signatory_name: str, signatory_position: str
) -> dict[str, Any]:
    """The data of template ``teacher_transcript``; ``total_hours`` is the sum of the rows
    as printed (the documents service checks it to the hundredth)."""
    mentoring_hours = [hours_value(m.hours) for m in transcript.mentoring]
    mentoring = [
        {"kind": m.kind_title, "tutor": m.tutor_name, "topic": m.topic, "hours": hours}
        for m, hours in zip(transcript.mentoring, mentoring_hours, strict=True)
    ]
    total = (
        sum(e.hours for e in transcript.events)
        + sum(c.hours for c in transcript.courses)
        + sum(mentoring_hours)
    )
    return {
        "number": "",
        "issued_on": issued_on.isoformat(),
        "teacher_name": transcript.full_name,
        "teacher_position": transcript.position,
        "organisation": transcript.organisation,
        "period": transcript.period,
        "events": [
            {
                "title": e.title,
                "form": e.form_title,
                "date": e.date.isoformat(),
                "hours": e.hours,
                "certificate": f"сертификат № {e.certificate}" if e.certificate else "",
            }
            for e in transcript.events
        ],
        "courses": [
            {
                "title": c.title,
                "provider": c.provider,
                "hours": c.hours,
                "completed_on": c.completed_on.isoformat() if c.completed_on else "",
            }
            for c in transcript.courses
        ],
        "mentoring": mentoring,
        "closed_deficits": [
            {
                "competency": d.competency + (f" ({d.subject})" if d.subject else ""),
                "closed_on": d.closed_on.isoformat() if d.closed_on else "",
                "evidence": d.evidence,
            }
            for d in transcript.closed_deficits
        ],
        "total_hours": hours_value(total),
        "signatory_name": signatory_name,
        "signatory_position": signatory_position,
    }


def source_key(person_id: UUID, data: dict[str, Any]) -> str:
    """The same transcript printed twice the same day is one document; any change (a new
    event, another day) makes a new one."""
    digest = hashlib.sha256(msgspec.json.encode(data, order="sorted")).hexdigest()[:16]
    return f"growth:transcript:{person_id}:{data['issued_on']}:{digest}"
