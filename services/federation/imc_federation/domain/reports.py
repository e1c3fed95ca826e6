"""The tables the centre exports: their Russian titles, file names and columns."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from imc_federation.domain import deficits, views
from imc_shared.auth import Role


@dataclass(frozen=True)
class Column:
    """One column of an exported table."""

    header: str
    width: int
    """In characters, as Excel counts them."""
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Report:
    """One exported table."""

    code: str
    title: str
    """The sheet's name and the file's name (without the district)."""
    columns: tuple[Column, ...]
    readers: frozenset[Role] | None = None
    """Who may download it; ``None``: whoever may read the centre."""


@dataclass(frozen=True)
class DeficitRow:
    """One line of the deficits table: a competency in a subject of one district."""

    district: views.DistrictDeficits
    line: views.DeficitLine


def deficit_rows(summary: views.Deficits) -> list[DeficitRow]:
    """The lines of every district, district by district."""
    return [DeficitRow(district, line) for district in summary.districts for line in district.lines]


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def _person(person: views.Person | None) -> str:
    return f"{person.full_name}, {person.position}" if person else ""


def _yes(value: bool) -> str:
    return "да" if value else "нет"


SITES = Report(
    "sites",
    "Площадки",
    (
        Column("Округ", 28, lambda s: s.district_name),
        Column("Образовательная организация", 40, lambda s: s.organisation_short_name),
        Column("Вид площадки", 40, lambda s: s.kind_title),
        Column("Тема", 50, lambda s: s.topic),
        Column("Статус", 14, lambda s: s.status_title),
        Column("Начало срока", 14, lambda s: s.term_start),
        Column("Окончание срока", 16, lambda s: s.term_end),
        Column("Руководитель", 36, lambda s: _person(s.leader)),
        Column("Соруководитель", 36, lambda s: _person(s.co_leader)),
        Column("Приказ", 22, lambda s: f"№ {s.order_number} от {s.order_date:%d.%m.%Y}"),
    ),
)
EVENTS = Report(
    "events",
    "Мероприятия",
    (
        Column("Округ", 28, lambda e: e.district_name),
        Column("Начало", 17, lambda e: e.starts_at),
        Column("Окончание", 17, lambda e: e.ends_at),
        Column("Название", 50, lambda e: e.title),
        Column("Форма", 28, lambda e: e.form_title),
        Column("Уровень", 18, lambda e: e.level_title),
        Column("Организатор", 36, lambda e: e.organiser_name),
        Column("Место проведения", 36, lambda e: e.venue or e.online_url),
        Column("Часы", 8, lambda e: e.hours),
        Column("Зарегистрировано", 18, lambda e: e.registered),
        Column("Присутствовало", 16, lambda e: e.attended),
        Column("Межмуниципальное", 18, lambda e: _yes(e.intermunicipal)),
        Column("Статус", 16, lambda e: e.status_title),
    ),
)
PLANS = Report(
    "plans",
    "Выполнение планов",
    (
        Column("Округ", 28, lambda p: p.district_name),
        Column("Учебный год", 12, lambda p: p.school_year),
        Column("Вид плана", 36, lambda p: p.kind_title),
        Column("Название", 50, lambda p: p.title),
        Column("Предмет", 20, lambda p: p.subject),
        Column("Статус", 14, lambda p: p.status_title),
        Column("Всего пунктов", 14, lambda p: p.items_total),
        Column("Выполнено", 12, lambda p: p.items_done),
        Column("Просрочено", 12, lambda p: p.items_overdue),
        Column("Выполнено, %", 14, lambda p: p.percent_done),
    ),
)
PARTICIPATION = Report(
    "participation",
    "Участие в мероприятиях",
    (
        Column("Округ", 28, lambda r: r.district_name),
        Column("Образовательная организация", 40, lambda r: r.name),
        Column("Подтверждено регистраций", 24, lambda r: r.registrations),
        Column("Присутствовало", 16, lambda r: r.attended),
        Column("Зачтено часов", 14, lambda r: r.hours),
    ),
)
LINKS = Report(
    "links",
    "Связь с округами",
    (
        Column("Округ", 28, lambda k: k.district_name),
        Column("Состояние", 24, lambda k: k.state_title),
        Column(
            "Задержка, с", 12, lambda k: None if k.lag_seconds is None else round(k.lag_seconds)
        ),
        Column("Последний сигнал", 18, lambda k: k.last_heartbeat_at),
        Column("Последнее сообщение", 20, lambda k: k.last_message_at),
        Column("Тревога", 10, lambda k: _yes(k.alert)),
        Column("Отклонено сообщений", 20, lambda k: k.rejected),
    ),
)
DEFICITS = Report(
    "deficits",
    "Профессиональные дефициты",
    (
        Column("Округ", 28, lambda r: r.district.name),
        Column("Сведения на", 17, lambda r: r.district.as_of),
        Column("Предмет", 24, lambda r: r.line.subject_title),
        Column("Компетенция", 50, lambda r: r.line.competency_title),
        Column("Открытых дефицитов", 18, lambda r: r.line.open),
        Column("Закрытых дефицитов", 18, lambda r: r.line.closed),
        Column("Доля закрытых, %", 16, lambda r: _percent(r.line.closure_rate)),
        Column("Педагогов с дефицитом", 20, lambda r: r.line.teachers),
        Column("Педагогов с ИОМ в округе", 22, lambda r: r.district.teachers_with_routes),
    ),
    readers=deficits.READERS,
)
REPORTS: Final[dict[str, Report]] = {
    r.code: r for r in (SITES, EVENTS, PLANS, PARTICIPATION, LINKS, DEFICITS)
}


def file_name(report: Report, district_name: str | None) -> str:
    """The download's file name, e.g. «Площадки — Яйский муниципальный округ.xlsx»."""
    suffix = f" — {district_name}" if district_name else ""
    return f"{report.title}{suffix}.xlsx"
