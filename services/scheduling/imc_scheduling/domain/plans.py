"""Annual work plans of the IMC / ММЦ (002 §6.1, 000 §3.6.2) and subject plans."""

import re
from datetime import date
from typing import Final

from imc_shared.errors import Conflict, InvalidInput

PLAN_KIND_TITLES: Final = {
    "imc": "план работы ИМЦ",
    "mmc": "план работы ММЦ",
    "subject": "план работы методического объединения по предмету",
}
PLAN_STATUS_TITLES: Final = {
    "draft": "проект",
    "approved": "утверждён",
    "published": "опубликован",
}
_YEAR = re.compile(r"^(\d{4})/(\d{4})$")


def school_year_bounds(school_year: str) -> tuple[date, date]:
    """«2026/2027» → 1 September 2026 … 31 August 2027."""
    match = _YEAR.match(school_year.strip())
    if not match or int(match[2]) != int(match[1]) + 1:
        raise InvalidInput("Учебный год указывается как «2026/2027»", field="school_year")
    return date(int(match[1]), 9, 1), date(int(match[2]), 8, 31)


def validate_plan(kind: str, title: str, school_year: str, subject: str) -> None:
    """Raise :class:`InvalidInput` naming the field."""
    if kind not in PLAN_KIND_TITLES:
        raise InvalidInput(
            "Вид плана: imc (план ИМЦ), mmc (план ММЦ) или subject (предметный план)",
            field="kind",
        )
    if not title.strip():
        raise InvalidInput("Укажите название плана", field="title")
    school_year_bounds(school_year)
    if kind == "subject" and not subject.strip():
        raise InvalidInput("Для предметного плана укажите предмет", field="subject")


def refuse_unless_draft(status: str) -> None:
    """Only a draft plan changes; an approved one is changed by a new version."""
    if status != "draft":
        raise Conflict(
            f"План {PLAN_STATUS_TITLES.get(status, status)} — изменять можно только проект",
            field="status",
        )


def refuse_unless_imc_plan(kind: str) -> None:
    """A road-map row is agreed with the IMC's own annual plan (000 §3.6.1), not with the
    centre's or a subject plan."""
    if kind != "imc":
        raise InvalidInput(
            "Дорожная карта согласуется с планом работы ИМЦ; выбранный пункт относится к "
            f"документу «{PLAN_KIND_TITLES.get(kind, kind)}»",
            field="plan_item_id",
        )


FULFILLABLE: Final = ("approved", "published")


def refuse_fulfilment(status: str, done_on: date | None, today: date) -> None:
    """Only an approved or published plan records fulfilment, and not ahead of time.

    ``done_on`` is ``None`` when a fulfilment is withdrawn (the same status rule holds).
    """
    if status not in FULFILLABLE:
        raise Conflict(
            f"План {PLAN_STATUS_TITLES.get(status, status)} — отмечать выполнение можно "
            "только в утверждённом или опубликованном плане",
            field="status",
        )
    if done_on is not None and done_on > today:
        raise InvalidInput(
            f"Дата выполнения не может быть позже сегодняшней ({today:%d.%m.%Y})",
            field="done_on",
        )


def overdue(deadline: date | None, done_on: date | None, today: date) -> bool:
    """An item is overdue when its deadline has passed and it is not done."""
    return done_on is None and deadline is not None and deadline < today


def fulfilment(items: list[tuple[date | None, date | None]], today: date) -> tuple[int, int, int]:
    """(total, done, overdue) of a plan's items given as (deadline, done_on) pairs."""
    done = sum(1 for _, done_on in items if done_on is not None)
    late = sum(1 for deadline, done_on in items if overdue(deadline, done_on, today))
    return len(items), done, late


def percent(part: int, whole: int) -> int:
    """A whole percentage (0 for an empty plan)."""
    return round(100 * part / whole) if whole else 0
