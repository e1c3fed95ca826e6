"""Council decisions on applications (seeds/000 §3.1, §3.3–3.5)."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from imc_shared.errors import Conflict, InvalidInput

MIN_TERM_YEARS: Final = 1
MAX_TERM_YEARS: Final = 2


@dataclass(frozen=True)
class Person:
    """A leader or co-leader named by the decision."""

    full_name: str
    position: str


@dataclass(frozen=True)
class Assignment:
    """What an assignment decision fixes: the term, the leaders and the order."""

    term_years: int
    term_start: date
    term_end: date
    leader: Person
    co_leader: Person
    order_number: str
    order_date: date


def term_end(start: date, years: int) -> date:
    """The last day of a term of ``years`` starting on ``start``."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + years, day=28)
    return anniversary - timedelta(days=1)


def _person(value: Person | None, field: str, title: str) -> Person:
    if value is None or not value.full_name.strip():
        raise InvalidInput(f"Укажите {title} (п. 3.4 Положения об ОСМП)", field=field)
    if not value.position.strip():
        raise InvalidInput(f"Укажите должность: {title}", field=f"{field}.position")
    return Person(" ".join(value.full_name.split()), value.position.strip())


def check_application_open(status: str) -> None:
    """A decision is taken once, on a submitted application."""
    if status != "submitted":
        raise Conflict("Решение по этой заявке уже принято", field="application_id")


def check_assignment(
    *,
    term_years: int | None,
    term_start: date | None,
    leader: Person | None,
    co_leader: Person | None,
    order_number: str | None,
    order_date: date | None,
    decided_on: date,
) -> Assignment:
    """Validate an assignment; the first broken rule is raised with its field."""
    if term_years is None or not MIN_TERM_YEARS <= term_years <= MAX_TERM_YEARS:
        raise InvalidInput(
            "Статус ОСМП присваивается на срок от одного до двух лет (п. 3.3 Положения)",
            field="term_years",
        )
    checked_leader = _person(leader, "leader", "руководителя ОСМП")
    checked_co_leader = _person(co_leader, "co_leader", "соруководителя ОСМП — методиста ИМЦ")
    if not order_number or not order_number.strip():
        raise InvalidInput(
            "Укажите номер приказа, которым подтверждается статус (п. 3.3)", field="order_number"
        )
    issued = order_date or decided_on
    if issued < decided_on:
        raise InvalidInput(
            "Приказ не может быть издан раньше решения методического совета",
            field="order_date",
        )
    start = term_start or issued
    if start < decided_on:
        raise InvalidInput(
            "Срок статуса не может начинаться раньше решения совета", field="term_start"
        )
    return Assignment(
        term_years=term_years,
        term_start=start,
        term_end=term_end(start, term_years),
        leader=checked_leader,
        co_leader=checked_co_leader,
        order_number=order_number.strip(),
        order_date=issued,
    )


def check_refusal(reason: str | None) -> str:
    """A refusal states its reason."""
    if not reason or len(reason.strip()) < 5:
        raise InvalidInput("Укажите причину отказа", field="reason")
    return reason.strip()


def check_protocol(protocol: str) -> str:
    """The council protocol the decision is recorded in."""
    if len(protocol.strip()) < 3:
        raise InvalidInput(
            "Укажите протокол заседания методического совета", field="council_protocol"
        )
    return protocol.strip()
