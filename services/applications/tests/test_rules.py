"""Decision and package rules of seeds/000 §3.2–3.5."""

from datetime import date

import pytest

from imc_applications.domain.decisions import (
    Person,
    check_application_open,
    check_assignment,
    check_refusal,
    term_end,
)
from imc_applications.domain.documents import check_document, check_topic
from imc_shared.errors import Conflict, InvalidInput

LEADER = Person("Белова Марина Александровна", "заместитель директора по УВР")
CO_LEADER = Person("Лаптева Светлана Николаевна", "методист МБУ ИМЦ УО Яйского округа")
DAY = date(2026, 10, 14)


def assign(**overrides: object):
    values: dict[str, object] = {
        "term_years": 2,
        "term_start": None,
        "leader": LEADER,
        "co_leader": CO_LEADER,
        "order_number": "64",
        "order_date": None,
        "decided_on": DAY,
    }
    values.update(overrides)
    return check_assignment(**values)  # type: ignore[arg-type]


def test_assignment_runs_for_whole_years_from_the_order() -> None:
    assignment = assign(order_date=date(2026, 10, 15))
    assert assignment.term_start == date(2026, 10, 15)
    assert assignment.term_end == date(2028, 10, 14)


@pytest.mark.parametrize("years", [0, 3, None, -1])
def test_term_must_be_one_or_two_years(years: int | None) -> None:
    with pytest.raises(InvalidInput) as error:
        assign(term_years=years)
    assert error.value.field == "term_years"
    assert "от одного до двух лет" in error.value.message


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"leader": None}, "leader"),
        ({"co_leader": None}, "co_leader"),
        ({"leader": Person("Белова М.А.", " ")}, "leader.position"),
        ({"order_number": ""}, "order_number"),
        ({"order_date": date(2026, 10, 1)}, "order_date"),
        ({"term_start": date(2026, 1, 1)}, "term_start"),
    ],
)
def test_assignment_names_the_broken_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        assign(**overrides)
    assert error.value.field == field


def test_term_end_handles_29_february() -> None:
    assert term_end(date(2028, 2, 29), 1) == date(2029, 2, 27)


def test_refusal_needs_a_reason_and_a_decision_is_taken_once() -> None:
    with pytest.raises(InvalidInput):
        check_refusal(" ")
    assert check_refusal(" тема утратила актуальность ") == "тема утратила актуальность"
    with pytest.raises(Conflict):
        check_application_open("assigned")


def test_documents_are_checked_by_content_not_by_name() -> None:
    assert check_document("statement", "z.pdf", b"%PDF-1.7 ...", 1000) == "application/pdf"
    with pytest.raises(InvalidInput, match="повреждён"):
        check_document("statement", "z.pdf", b"MZ\x90\x00", 1000)
    with pytest.raises(InvalidInput, match="допустимы"):
        check_document("work_plan", "plan.exe", b"MZ", 1000)
    with pytest.raises(InvalidInput, match="больше"):
        check_document("work_plan", "plan.pdf", b"%PDF-" + b"x" * 2000, 1000)
    with pytest.raises(InvalidInput) as error:
        check_document("information_note", "", b"", 1000)
    assert error.value.field == "information_note"


def test_topic_is_trimmed_and_must_say_something() -> None:
    assert check_topic("  Функциональная   грамотность ") == "Функциональная грамотность"
    with pytest.raises(InvalidInput):
        check_topic("тема")
