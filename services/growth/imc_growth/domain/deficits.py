"""Professional deficits (003 §2: выявление профессиональных дефицитов): where one was
found, and the rule that a deficit is closed with evidence, not by a checkbox."""

from collections.abc import Iterable
from datetime import date
from typing import Final, NamedTuple
from uuid import UUID

from imc_contracts import DeficitCount
from imc_shared.errors import Conflict, InvalidInput

DEFICIT_SOURCE_TITLES: Final = {
    "survey": "анкетирование (мониторинг потребностей)",
    "diagnostic": "диагностическая работа",
    "results_analysis": "анализ результатов (ГИА, ВПР, оценочных процедур)",
    "observation": "наблюдение методиста (посещение занятий)",
}
DEFICIT_STATUS_TITLES: Final = {"open": "не устранён", "closed": "устранён"}
MIN_EVIDENCE: Final = 10


def check_source(source: str, source_date: date, today: date) -> None:
    """A known source, on a day not in the future."""
    if source not in DEFICIT_SOURCE_TITLES:
        raise InvalidInput(
            f"Неизвестный источник «{source}»; допустимые: " + ", ".join(DEFICIT_SOURCE_TITLES),
            field="source",
        )
    if source_date > today:
        raise InvalidInput("Дата выявления дефицита не может быть в будущем", field="source_date")


def check_subject(subject: str) -> str:
    cleaned = " ".join(subject.split())
    if len(cleaned) > 100:
        raise InvalidInput("Название предмета длиннее 100 символов", field="subject")
    return cleaned


class ClosingStep(NamedTuple):
    """A step of a route as the closing rule sees it."""

    step_id: UUID
    status: str
    deficit_id: UUID | None
    """The deficit its goal is tied to."""
    title: str


def check_closing(
    *,
    status: str,
    evidence: str,
    steps: Iterable[ClosingStep],
    deficit_id: UUID,
    step_id: UUID | None,
) -> ClosingStep:
    """The completed step that closes the deficit; refuses without evidence.

    A deficit is closed only when a step of a route, under a goal tied to this deficit,
    is done (the teacher attended, the course was approved, the mentoring hours were
    met) AND a methodist states what shows the gap is closed.
    """
    if status == "closed":
        raise Conflict("Дефицит уже устранён", field="status")
    text = " ".join(evidence.split())
    tied = [s for s in steps if s.deficit_id == deficit_id]
    done = [s for s in tied if s.status == "done"]
    if step_id is not None:
        chosen = next((s for s in tied if s.step_id == step_id), None)
        if chosen is None:
            raise InvalidInput(
                "Указанный шаг маршрута не относится к цели, связанной с этим дефицитом",
                field="step_id",
            )
        if chosen.status != "done":
            raise InvalidInput(
                f"Шаг «{chosen.title}» ещё не выполнен: дефицит закрывается по выполненному "
                "шагу индивидуального образовательного маршрута",
                field="step_id",
            )
        done = [chosen]
    if not done:
        raise InvalidInput(
            "Дефицит закрывается по подтверждённому результату, а не отметкой: в "
            "индивидуальном образовательном маршруте педагога нет выполненного шага по цели, "
            "связанной с этим дефицитом",
            field="step_id",
        )
    if len(text) < MIN_EVIDENCE:
        raise InvalidInput(
            "Дефицит закрывается по подтверждённому результату, а не отметкой: опишите, "
            f"что подтверждает устранение дефицита (не короче {MIN_EVIDENCE} символов)",
            field="evidence",
        )
    return done[0]


class Tally(NamedTuple):
    """One deficit as the summary counts it."""

    competency_code: str
    competency_title: str
    subject: str
    status: str
    person_id: UUID


def count_rows(deficits: Iterable[Tally]) -> tuple[DeficitCount, ...]:
    """Counts per competency and subject; no person leaves this function."""
    groups: dict[tuple[str, str], tuple[str, int, int, set[UUID]]] = {}
    for d in deficits:
        key = (d.competency_code, d.subject)
        title, opened, closed, people = groups.get(key, (d.competency_title, 0, 0, set()))
        people.add(d.person_id)
        groups[key] = (
            title,
            opened + (d.status == "open"),
            closed + (d.status == "closed"),
            people,
        )
    return tuple(
        DeficitCount(
            competency_code=code,
            competency_title=title,
            subject=subject,
            open=opened,
            closed=closed,
            teachers=len(people),
        )
        for (code, subject), (title, opened, closed, people) in sorted(groups.items())
    )
