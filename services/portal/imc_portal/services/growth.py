"""The growth area's common ground: who sees which part of «Профессиональное развитие»,
the state of a form (what was typed, what is wrong and where), the parsing of dates and
numbers as Russians type them, and the notices shown after a change.

Every page of the area reads the growth service on the visitor's behalf; the service
checks the rows (a teacher: their own; a school: its teachers) and the portal checks the
roles before it asks.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from imc_portal.clients import BackendRefusedError
from imc_portal.services.sessions import Visitor
from imc_shared.auth import STAFF, Role

PERSONAL_ROLES = frozenset(STAFF | {Role.TEACHER, Role.SCHOOL_REPRESENTATIVE})
"""Who reads a teacher's deficits, route and record (rows checked by the service)."""
TEACHERS_AND_STAFF = frozenset(STAFF | {Role.TEACHER})
"""Who answers surveys, sends evidence, records tutors' meetings (rows checked)."""
STAFF_AND_SCHOOLS = frozenset(STAFF | {Role.SCHOOL_REPRESENTATIVE})
"""Who lists teachers: the IMC all of them, a school its own."""

STALE = (
    "Запись успела измениться, пока вы её редактировали: обновите страницу и повторите действие."
)
NOT_LINKED = (
    "Ваша учётная запись не связана с карточкой педагога в реестре, поэтому сведения о "
    "вашем профессиональном развитии не показаны. Обратитесь к администратору ИМЦ."
)
NOT_ORGANISATION = (
    "Учётная запись не связана с образовательной организацией: сведения о педагогах не "
    "показаны. Обратитесь к администратору ИМЦ."
)

NOTICES = {
    "competency-added": "Компетенция добавлена в каталог.",
    "competency-saved": "Изменения компетенции сохранены.",
    "survey-created": "Черновик анкеты создан. Добавьте вопросы и откройте опрос.",
    "survey-saved": "Изменения анкеты сохранены.",
    "question-added": "Вопрос добавлен в анкету.",
    "question-removed": "Вопрос удалён из анкеты.",
    "survey-opened": "Опрос открыт: педагоги целевой группы получат уведомление.",
    "survey-closed": "Опрос завершён: ответы больше не принимаются.",
    "survey-copied": "Создан черновик анкеты на следующий учебный год с теми же вопросами.",
    "answers-saved": "Ваши ответы сохранены. Пока опрос идёт, их можно изменить.",
    "proposals-confirmed": "Отмеченные дефициты записаны.",
    "deficit-recorded": "Дефицит записан.",
    "deficit-closed": "Дефицит отмечен как устранённый.",
    "route-created": "Индивидуальный образовательный маршрут открыт.",
    "goal-added": "Цель добавлена в маршрут.",
    "step-added": "Шаг добавлен в маршрут.",
    "step-changed": "Срок или цель шага изменены.",
    "evidence-sent": "Документ отправлен методисту на проверку.",
    "step-approved": "Подтверждение принято: шаг выполнен.",
    "step-returned": "Подтверждение возвращено педагогу с указанием причины.",
    "assignment-created": "Назначение тьютора (наставника) сохранено.",
    "meeting-recorded": "Встреча записана.",
}
"""What a page says after a change (``?notice=...``): fixed texts, nothing from the URL."""

DATE_HINT = "Укажите дату в виде ДД.ММ.ГГГГ, например 17.03.2027."

STAFF_TABS = (
    ("/growth", "overview", "Обзор"),
    ("/growth/surveys", "surveys", "Анкеты"),
    ("/growth/deficits", "deficits", "Дефициты"),
    ("/growth/teachers", "teachers", "Педагоги и маршруты"),
    ("/growth/tutors", "tutors", "Тьюторы и наставники"),
    ("/growth/competencies", "competencies", "Компетенции"),
)
TEACHER_TABS = (
    ("/growth/surveys", "surveys", "Мои анкеты"),
    ("/growth/route", "route", "Мой маршрут"),
    ("/growth/deficits", "deficits", "Мои дефициты"),
    ("/growth/transcript", "transcript", "Сведения о развитии"),
    ("/growth/tutors", "tutors", "Тьюторское сопровождение"),
)
SCHOOL_TABS = (("/growth/teachers", "teachers", "Педагоги организации"),)


def is_staff(visitor: Visitor) -> bool:
    """Whether the visitor works for the IMC (builds surveys, routes, closes deficits)."""
    return visitor.role in STAFF


def tabs(visitor: Visitor) -> tuple[tuple[str, str, str], ...]:
    """The parts of the area the visitor may open: (address, key, title)."""
    if visitor.role in STAFF:
        return STAFF_TABS
    if visitor.role is Role.TEACHER:
        return TEACHER_TABS
    if visitor.role is Role.SCHOOL_REPRESENTATIVE:
        return SCHOOL_TABS
    return ()


def nav_section(visitor: Visitor, tab: str) -> str:
    """The key of the portal's main menu item a growth page belongs to."""
    if visitor.role is Role.TEACHER:
        return "growth-surveys" if tab == "surveys" else "growth-route"
    return "growth"


@dataclass
class FormState:
    """What a form showed or was sent, and what is wrong with it (field → message;
    ``form`` for what belongs to no one field)."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    status_code: int = 200

    def value(self, name: str, default: str = "") -> str:
        """A field's text as typed."""
        found = self.values.get(name, default)
        if isinstance(found, list):
            return str(found[0]) if found else default
        return str(found)

    def chosen(self, name: str) -> list[str]:
        """Every value of a field sent several times (checkboxes, a multiple select)."""
        found = self.values.get(name)
        if found is None:
            return []
        return [str(v) for v in found] if isinstance(found, list) else [str(found)]

    def has(self, name: str, value: object) -> bool:
        """Whether ``value`` was chosen in the field."""
        return str(value) in self.chosen(name)

    def error(self, name: str) -> str:
        """What is wrong with a field, if anything."""
        return self.errors.get(name, "")

    @property
    def failed(self) -> bool:
        return bool(self.errors)


def form_values(form: Any) -> dict[str, Any]:
    """The text fields of a submitted form (files and the CSRF token left out); a field
    sent several times becomes a list."""
    out: dict[str, Any] = {}
    keys = list(dict.fromkeys(form.keys()))
    for key in keys:
        if key == "csrf_token":
            continue
        values = [v.strip() for v in form.getall(key) if isinstance(v, str)]
        if not values:
            continue
        out[key] = values if len(values) > 1 else values[0]
    return out


def refusal(
    error: BackendRefusedError,
    fields: Iterable[str],
    *,
    values: Mapping[str, Any] | None = None,
    rename: Mapping[str, str] | None = None,
) -> FormState:
    """The service's refusal placed next to its field (renamed to the form's own name
    if need be), or at the top of the form; the typed values kept."""
    state = FormState(values=dict(values or {}), status_code=error.status_code)
    if error.status_code == 409 and error.field == "version":
        state.errors["form"] = STALE
        return state
    message = error.message
    if error.status_code == 403:
        message = f"Действие недоступно: {message}"
    name = error.field or ""
    name = (rename or {}).get(name, name)
    state.errors[name if name in set(fields) else "form"] = message
    return state


def parse_date(text: str) -> date | None:
    """A date as typed: ``2027-03-17`` (a date field) or ``17.03.2027``; None if it is
    neither (an empty text is not asked for here)."""
    cleaned = text.strip()
    try:
        if "." in cleaned:
            day, month, year = (int(part) for part in cleaned.split("."))
            return date(year, month, day) if year >= 1900 else None
        return date.fromisoformat(cleaned)
    except ValueError:
        return None


def read_date(
    state: FormState, name: str, *, required: bool = False, what: str = "дату"
) -> date | None:
    """The date of field ``name``; a Russian message next to it when it is wrong."""
    text = state.value(name)
    if not text:
        if required:
            state.errors[name] = f"Укажите {what}."
        return None
    found = parse_date(text)
    if found is None:
        state.errors[name] = f"Неверная дата «{text}». {DATE_HINT}"
    return found


def parse_number(text: str) -> Decimal | None:
    """A number as typed, with a comma or a dot: «1,5», «2»; None if it is not one."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def read_number(
    state: FormState, name: str, *, required: bool = False, whole: bool = False
) -> float | None:
    """The number of field ``name``; a Russian message next to it when it is wrong."""
    text = state.value(name)
    if not text:
        if required:
            state.errors[name] = "Укажите число часов."
        return None
    number = parse_number(text)
    if number is None or number < 0:
        state.errors[name] = f"«{text}» — не число. Укажите число, например 1,5."
        return None
    if whole and number != number.to_integral_value():
        state.errors[name] = "Укажите целое число часов."
        return None
    return float(number)


def parse_uuid(text: str) -> UUID | None:
    """A UUID from a form or a query; None for anything else."""
    try:
        return UUID(text.strip())
    except (ValueError, AttributeError):
        return None


def read_uuid(state: FormState, name: str, *, required: str = "") -> UUID | None:
    """The choice of field ``name`` (an id); ``required`` is the message when empty."""
    text = state.value(name)
    if not text:
        if required:
            state.errors[name] = required
        return None
    found = parse_uuid(text)
    if found is None:
        state.errors[name] = "Выберите значение из списка."
    return found


def version_of(state: FormState) -> int | None:
    """The version of the record the form was made from."""
    raw = state.value("version")
    return int(raw) if raw.isdigit() else None


def local_today(now: datetime, zone: ZoneInfo) -> date:
    """Today where the portal is."""
    return now.astimezone(zone).date()


def school_year_of(day: date) -> str:
    """The school year a day falls in (from 1 September): «2026/2027»."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}/{first + 1}"


def next_school_year(school_year: str) -> str:
    """The year after «2026/2027»: «2027/2028» (the text itself if it is not a year)."""
    try:
        first = int(school_year.split("/")[0]) + 1
    except ValueError:
        return school_year
    return f"{first}/{first + 1}"


def split_list(text: str) -> list[str]:
    """Items typed one per line or separated by commas or semicolons."""
    parts = text.replace(";", "\n").replace(",", "\n").splitlines()
    return [" ".join(p.split()) for p in parts if p.strip()]


def hours_text(value: float | None) -> str:
    """Hours as Russians write them: «2», «1,5»."""
    if value is None:
        return ""
    rounded = round(float(value), 2)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:g}".replace(".", ",")


def person_label(teacher: Any) -> str:
    """«Фамилия Имя Отчество (организация)» for a select."""
    organisation = getattr(teacher, "organisation", "")
    return f"{teacher.full_name} ({organisation})" if organisation else teacher.full_name


class Forms(dict[str, FormState]):
    """The states of a page's forms by name; a form not named is empty."""

    def __missing__(self, key: str) -> FormState:
        return FormState()
