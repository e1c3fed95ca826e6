"""Reports a site owes during its term (000 §3.5: monitoring and analysis of results;
001 §4.7: results reviewed by the council).

The regulations fix the duty, not the calendar; the schedule is a monitoring report every
``interval_months`` from the start of the term and a final analytical report at its end.
"""

from dataclasses import dataclass
from datetime import date

from imc_applications.domain.terms import add_months

_ORDINALS = {1: "первое", 2: "второе", 3: "третье", 4: "четвёртое", 5: "пятое", 6: "шестое"}


@dataclass(frozen=True)
class ReportSlot:
    """One report: what it is and when it is due."""

    title: str
    due_on: date
    final: bool


def schedule(term_start: date, term_end: date, interval_months: int) -> list[ReportSlot]:
    """The reports of a term: periodic monitoring, then the final analysis on ``term_end``."""
    slots = []
    number = 1
    due = add_months(term_start, interval_months)
    while due < term_end:
        ordinal = _ORDINALS.get(number, f"{number}-е")
        slots.append(
            ReportSlot(
                title=f"Отчёт о мониторинге результатов деятельности за {ordinal} полугодие"
                if interval_months == 6
                else f"Отчёт о мониторинге результатов деятельности № {number}",
                due_on=due,
                final=False,
            )
        )
        number += 1
        due = add_months(term_start, interval_months * number)
    slots.append(
        ReportSlot(
            title="Аналитический отчёт по итогам деятельности площадки",
            due_on=term_end,
            final=True,
        )
    )
    return slots


def reminder_due(due_on: date, today: date, days_before: tuple[int, ...]) -> int | None:
    """Which reminder (days before, or a negative number once late) is due ``today``."""
    left = (due_on - today).days
    if left < 0:
        return -1
    for days in sorted(days_before):
        if left <= days:
            return days
    return None
