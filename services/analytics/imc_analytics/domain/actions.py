"""A problem found becomes work in one step: a seminar in the scheduling service's plan
(its EventIn) or a teacher's professional deficit in the growth service (its DeficitIn,
source ``results_analysis``). Pure: the bodies are built here, sent elsewhere."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final
from uuid import UUID

from imc_analytics.domain.text import squash
from imc_analytics.domain.vocabulary import years_text
from imc_shared.errors import InvalidInput

EVENT: Final = "event"
DEFICIT: Final = "deficit"
DEFAULT_DURATION: Final = timedelta(hours=2)
STALE_PENDING: Final = timedelta(minutes=5)
"""A link left «pending» longer than this (the process died mid-call) may be retried."""


@dataclass(frozen=True)
class ProblemFacts:
    """What a problem says, for the texts of the event or the deficit."""

    kind: str
    code: str
    title: str
    element_code: str
    element_name: str
    exam_title: str
    subject: str
    years: list[int]
    causes: str
    recommendations: str


def target(kind: str, person_id: UUID | None = None) -> str:
    """What a link is unique by: one event per problem, one deficit per problem and
    teacher."""
    return EVENT if kind == EVENT else f"{DEFICIT}:{person_id}"


def source_ref(facts: ProblemFacts) -> str:
    """«Анализ результатов ОГЭ, Математика, 2024–2026 гг.: Задание 5 (2.1 Числа …)»."""
    return squash(
        f"Анализ результатов {facts.exam_title}, {facts.subject}, {years_text(facts.years)}: "
        f"{facts.title}"
    )[:300]


def event_title(facts: ProblemFacts) -> str:
    """A seminar titled from the content element (or the problem, when it has none)."""
    theme = facts.element_name or (
        f"Элемент содержания {facts.code}" if facts.kind == "element" else facts.title
    )
    return squash(
        f"Семинар «{theme}»: трудные вопросы {facts.exam_title} по предмету «{facts.subject}»"
    )[:300]


def event_body(
    facts: ProblemFacts,
    *,
    starts_at: datetime,
    ends_at: datetime | None,
    venue: str,
    online_url: str,
    title: str,
    hours: int,
    level: str,
    organiser_name: str,
    audience_low_results: bool,
) -> dict[str, Any]:
    """The scheduling service's EventIn for the seminar (naive times stay naive: the
    scheduling service reads them in the district's time zone)."""
    if not venue.strip() and not online_url.strip():
        raise InvalidInput(
            "Укажите место проведения семинара или ссылку на онлайн-трансляцию", field="venue"
        )
    end = ends_at or starts_at + DEFAULT_DURATION
    if end <= starts_at:
        raise InvalidInput("Окончание семинара должно быть позже начала", field="ends_at")
    description = [f"По итогам анализа: {source_ref(facts)}."]
    if squash(facts.causes):
        description.append(f"Причины: {squash(facts.causes)}")
    if squash(facts.recommendations):
        description.append(f"Рекомендации: {squash(facts.recommendations)}")
    return {
        "title": squash(title)[:300] or event_title(facts),
        "form": "seminar",
        "level": level,
        "organiser_kind": "imc",
        "organiser_name": organiser_name,
        "starts_at": starts_at.isoformat(),
        "ends_at": end.isoformat(),
        "venue": squash(venue),
        "online_url": online_url.strip(),
        "hours": hours,
        "description": "\n".join(description),
        "audience_subjects": [facts.subject],
        "audience_categories": ["teacher"],
        "audience_low_results": audience_low_results,
    }


def deficit_body(
    facts: ProblemFacts, *, person_id: UUID, competency_code: str, note: str, today: date
) -> dict[str, Any]:
    """The growth service's DeficitIn: found by the results analysis, today."""
    if not competency_code.strip():
        raise InvalidInput("Укажите компетенцию из каталога", field="competency_code")
    text = squash(note) or squash(facts.recommendations)
    return {
        "person_id": str(person_id),
        "competency_code": competency_code.strip(),
        "subject": facts.subject[:100],
        "source": "results_analysis",
        "source_date": today.isoformat(),
        "source_ref": source_ref(facts),
        "note": text[:2000],
    }
