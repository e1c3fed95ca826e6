"""Jinja2 set-up of the portal: the environment, Russian filters, the shared page context."""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig

from imc_portal.api.schemas import Link
from imc_portal.security import visitor_of
from imc_portal.services.centre import REPORT_TITLES, plan_status_title
from imc_portal.services.home import CENTRE_ROLES
from imc_portal.services.sessions import Visitor
from imc_portal.settings import PortalSettings
from imc_shared.auth import COUNCIL, ROLE_TITLES, STAFF, Role

TEMPLATES = Path(__file__).parent / "templates"
MOSCOW_OFFSET_HOURS = 3
INSTANCE_KINDS = {
    "district": "Муниципальная методическая служба",
    "centre": "Межмуниципальный центр методического сопровождения",
}
NO_VALUE = "—"
MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
MINUTE, HOUR, DAY = 60, 3600, 86400


def ru_date(value: date | None) -> str:
    """A date in Russian numeric form, ``15.10.2026``; a dash when there is none."""
    if value is None:
        return NO_VALUE
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def ru_datetime(value: datetime | None, zone: ZoneInfo) -> str:
    """A moment as ``15.10.2026 14:05`` in ``zone``; naive values are taken as UTC."""
    if value is None:
        return NO_VALUE
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(zone)
    return f"{ru_date(local)} {local.hour:02d}:{local.minute:02d}"


def ru_long_date(value: date) -> str:
    """A day as a heading: «23 ноября 2026 г., понедельник»."""
    month = MONTHS_GENITIVE[value.month - 1]
    return f"{value.day} {month} {value.year} г., {WEEKDAYS[value.weekday()]}"


def ru_time(value: datetime, zone: ZoneInfo) -> str:
    """The time of day of a moment in ``zone``, ``14:05``; naive values are taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(zone)
    return f"{local.hour:02d}:{local.minute:02d}"


def ru_span(start: datetime, end: datetime, zone: ZoneInfo, *, with_date: bool = True) -> str:
    """When an event runs: «15.10.2026 14:00–16:00», or «14:00–16:00» without the date;
    an end on another day carries its own date."""
    same_day = ru_datetime(start, zone)[:10] == ru_datetime(end, zone)[:10]
    begin = ru_datetime(start, zone) if with_date else ru_time(start, zone)
    finish = ru_time(end, zone) if same_day else ru_datetime(end, zone)
    return f"{begin}–{finish}" if same_day else f"{begin} – {finish}"


def ru_number(value: float | None) -> str:
    """A figure as Russians write it: «12», «12,5», «12 480»; a dash when there is none."""
    if value is None:
        return NO_VALUE
    rounded = round(float(value), 1)
    whole = rounded.is_integer()
    text = f"{rounded:,.0f}" if whole else f"{rounded:,.1f}"
    return text.replace(",", " ").replace(".", ",")


def ru_percent(value: float | None) -> str:
    """A share in per cent, «75 %»; a dash when there is none."""
    return NO_VALUE if value is None else f"{ru_number(value)} %"


def ru_duration(seconds: float) -> str:
    """A span in words: «40 с», «3 мин», «2 ч 5 мин», «3 сут 4 ч»."""
    total = max(int(seconds), 0)
    if total < MINUTE:
        return f"{total} с"
    if total < HOUR:
        return f"{total // MINUTE} мин"
    if total < DAY:
        hours, minutes = divmod(total // MINUTE, 60)
        return f"{hours} ч {minutes} мин" if minutes else f"{hours} ч"
    days, hours = divmod(total // HOUR, 24)
    return f"{days} сут {hours} ч" if hours else f"{days} сут"


def web_url(value: str | None) -> str:
    """``value`` when it is a web address (http or https), else nothing: no other scheme
    from a backend becomes a link on the page."""
    if value and value.strip().lower().startswith(("https://", "http://")):
        return value.strip()
    return ""


def link_note(link: Link) -> str:
    """What to say about a link beside its state: the lag, or how long it has been down."""
    if link.state == "up" and link.lag_seconds is not None:
        if link.lag_seconds < MINUTE:
            return "отставание менее минуты"
        return f"отставание {ru_duration(link.lag_seconds)}"
    if link.state == "down" and link.down_for_seconds is not None:
        return f"связь прервана {ru_duration(link.down_for_seconds)} назад"
    return ""


def ru_term(start: date, end: date) -> str:
    """A term as «с 15.10.2026 по 14.10.2028»."""
    return f"с {ru_date(start)} по {ru_date(end)}"


def ru_order(number: str, on: date | None) -> str:
    """An order's requisites as «№ 45-од от 15.10.2026»."""
    if not number:
        return NO_VALUE
    return f"№ {number} от {ru_date(on)}" if on else f"№ {number}"


def plural(count: int, one: str, few: str, many: str) -> str:
    """The Russian form of a noun for ``count``: 1 площадка, 2 площадки, 5 площадок."""
    tens, units = count % 100, count % 10
    if units == 1 and tens != 11:
        return one
    if 2 <= units <= 4 and not 12 <= tens <= 14:
        return few
    return many


def zone_label(zone: ZoneInfo, at: datetime) -> str:
    """How Russians name a time zone: «МСК», «МСК+2», «МСК−1»."""
    offset = at.astimezone(zone).utcoffset()
    hours = round(offset.total_seconds() / 3600) - MOSCOW_OFFSET_HOURS if offset else -3
    if hours == 0:
        return "МСК"
    return f"МСК+{hours}" if hours > 0 else f"МСК−{-hours}"


def role_title(role: Role | str) -> str:
    """How a role is named to people: «методист», «координатор ММЦ»."""
    return ROLE_TITLES[Role(role)]


def nav_items(mode: str, visitor: Visitor | None) -> list[tuple[str, str, str]]:
    """The sections a visitor may open: (address, key, title)."""
    if visitor is None:
        return [("/public", "public", "Методические площадки")]
    items = [("/", "home", "Главная")]
    if mode == "district":
        items.append(("/sites", "sites", "Методические площадки"))
    elif visitor.role in CENTRE_ROLES:
        items += [
            ("/centre", "dashboard", "Сводка по округам"),
            ("/events", "events", "Календарь мероприятий"),
            ("/sites", "sites", "Методические площадки"),
            ("/deficits", "deficits", "Профессиональные дефициты"),
        ]
    # applications area: applications for a site status (not a teacher's business)
    if visitor.role is not Role.TEACHER:
        items.append(("/applications", "applications", "Заявки"))
    # registry area: the registry's organisations, people, structures; documents
    items += [("/organisations", "registry", "Реестр"), ("/documents", "documents", "Документы")]
    # events area: the calendar and the notifications, in both modes
    items += [("/calendar", "calendar", "Мероприятия"), ("/inbox", "inbox", "Уведомления")]
    # growth area: professional development (the district's growth service)
    if mode == "district":
        items += growth_nav_items(visitor.role)
    # resources area: the bank of methodical materials (both modes)
    items += resources_nav_items(visitor.role)
    # analytics area: state exam results (staff; a school its own results)
    items += analytics_nav_items(visitor.role)
    # council area: meetings of the methodical council and the orders journal
    if visitor.role in STAFF | COUNCIL:
        items += [("/council", "council", "Методический совет"), ("/orders", "orders", "Приказы")]
    items.append(("/public", "public", "Открытый перечень"))
    return items


def growth_nav_items(role: Role) -> list[tuple[str, str, str]]:
    """The growth area's menu items for a role (district mode)."""
    if role in STAFF:
        return [("/growth", "growth", "Профессиональное развитие")]
    if role is Role.TEACHER:
        return [
            ("/growth/surveys", "growth-surveys", "Мои анкеты"),
            ("/growth/route", "growth-route", "Мой маршрут"),
        ]
    if role is Role.SCHOOL_REPRESENTATIVE:
        return [("/growth/teachers", "growth", "Развитие педагогов")]
    return []


def resources_nav_items(role: Role) -> list[tuple[str, str, str]]:
    """The resources area's menu item (every role of the instance reads the bank)."""
    if role is Role.SERVICE:
        return []
    return [("/resources", "resources", "Банк методических материалов")]


def analytics_nav_items(role: Role) -> list[tuple[str, str, str]]:
    """The analytics area's menu item: staff, and a school for its own results."""
    if role in STAFF:
        return [("/analytics", "analytics", "Анализ результатов ГИА")]
    if role is Role.SCHOOL_REPRESENTATIVE:
        return [("/analytics/school", "analytics", "Результаты ГИА")]
    return []


def make_environment(settings: PortalSettings) -> Environment:
    """The Jinja2 environment: autoescaped, strict about undefined names, with filters."""
    zone = ZoneInfo(settings.time_zone)
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["ru_date"] = ru_date
    environment.filters["ru_datetime"] = lambda value: ru_datetime(value, zone)
    environment.filters["ru_term"] = ru_term
    environment.filters["ru_long_date"] = ru_long_date
    environment.filters["ru_time"] = lambda value: ru_time(value, zone)
    environment.filters["ru_span"] = lambda start, end, with_date=True: ru_span(
        start, end, zone, with_date=with_date
    )
    environment.filters["ru_number"] = ru_number
    environment.filters["ru_percent"] = ru_percent
    environment.filters["web_url"] = web_url
    environment.globals["link_note"] = link_note
    environment.globals["plan_status_title"] = plan_status_title
    environment.globals["report_titles"] = REPORT_TITLES
    environment.filters["plural"] = plural
    environment.globals["ru_order"] = ru_order
    environment.globals["visitor_of"] = visitor_of
    environment.globals["role_title"] = role_title
    environment.globals["nav_items"] = nav_items
    return environment


def template_config(settings: PortalSettings) -> TemplateConfig[JinjaTemplateEngine]:
    """Litestar's template configuration for the portal."""
    engine = JinjaTemplateEngine.from_environment(make_environment(settings))
    return TemplateConfig(instance=engine)


def base_context(settings: PortalSettings, *, now: datetime | None = None) -> dict[str, Any]:
    """What every page needs: the instance, its header and the moment of rendering."""
    zone = ZoneInfo(settings.time_zone)
    moment = now or datetime.now(UTC)
    return {
        "mode": settings.mode,
        "instance_name": settings.instance_name,
        "header_title": settings.header_title,
        "instance_kind": INSTANCE_KINDS[settings.mode],
        "generated_at": moment,
        "max_upload_mb": settings.max_upload_mb,
        "zone_label": zone_label(zone, moment),
    }
