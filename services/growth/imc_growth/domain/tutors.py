"""Tutors and mentors (002 §4.1, §4.3: педагоги-тьюторы; 003 §3.2.2: наставнический центр,
школа молодого педагога): who is appointed to whom, and their meetings."""

from collections.abc import Sequence
from datetime import date
from typing import Final
from uuid import UUID

from imc_shared.errors import InvalidInput

ASSIGNMENT_KIND_TITLES: Final = {"tutor": "тьютор", "mentor": "наставник"}
"""As the transcript and the appointment name them."""


def check_assignment(
    *,
    kind: str,
    tutor_person_id: UUID,
    teacher_ids: Sequence[UUID],
    starts_on: date,
    ends_on: date | None,
) -> None:
    """A known kind, at least one teacher other than the tutor, a term that ends after
    it starts."""
    if kind not in ASSIGNMENT_KIND_TITLES:
        raise InvalidInput(
            "Вид назначения: tutor (педагог-тьютор) или mentor (наставник)", field="kind"
        )
    if not teacher_ids:
        raise InvalidInput("Укажите педагога или группу педагогов", field="teacher_ids")
    if len(teacher_ids) > 100:
        raise InvalidInput("Не более 100 педагогов в группе", field="teacher_ids")
    if tutor_person_id in teacher_ids:
        raise InvalidInput("Тьютор (наставник) не может сопровождать сам себя", field="teacher_ids")
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(
            "Срок сопровождения заканчивается раньше, чем начинается", field="ends_on"
        )


def check_meeting(
    *,
    held_on: date,
    hours: float,
    topic: str,
    present: Sequence[UUID],
    members: Sequence[UUID],
    starts_on: date,
    today: date,
) -> None:
    """A meeting in the assignment's term, not in the future, of its own teachers."""
    if held_on > today:
        raise InvalidInput("Нельзя отметить встречу, которая ещё не состоялась", field="held_on")
    if held_on < starts_on:
        raise InvalidInput(
            f"Встреча раньше начала сопровождения ({starts_on:%d.%m.%Y})", field="held_on"
        )
    if not 0 < hours <= 12:
        raise InvalidInput(
            "Продолжительность встречи — больше 0 и не более 12 часов", field="hours"
        )
    if len(" ".join(topic.split())) < 3:
        raise InvalidInput("Укажите тему встречи", field="topic")
    if not present:
        raise InvalidInput("Отметьте присутствовавших педагогов", field="present")
    strangers = [p for p in present if p not in members]
    if strangers:
        raise InvalidInput(
            "Среди присутствовавших есть педагог, которого этот тьютор (наставник) не сопровождает",
            field="present",
        )
