"""Jinja2 set-up of the portal: the environment, Russian filters, the shared page context."""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig

from imc_portal.settings import PortalSettings

TEMPLATES = Path(__file__).parent / "templates"
MOSCOW_OFFSET_HOURS = 3
INSTANCE_KINDS = {
    "district": "Муниципальная методическая служба",
    "centre": "Межмуниципальный центр методического сопровождения",
}
NO_VALUE = "—"


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
    environment.filters["plural"] = plural
    environment.globals["ru_order"] = ru_order
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
        "zone_label": zone_label(zone, moment),
    }
