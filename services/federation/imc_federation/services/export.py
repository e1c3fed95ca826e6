"""Use case: the centre's tables as XLSX workbooks."""

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from imc_federation.domain.reports import REPORTS, Report, deficit_rows, file_name
from imc_federation.services import deficits, queries
from imc_federation.settings import FederationSettings
from imc_shared.db import Database
from imc_shared.errors import NotFound

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Export:
    """A rendered workbook and its download name."""

    filename: str
    content: bytes


def find_report(code: str) -> Report:
    """The report called ``code``, or :class:`NotFound` in Russian."""
    report = REPORTS.get(code)
    if report is None:
        known = ", ".join(f"{r.code} ({r.title.lower()})" for r in REPORTS.values())
        raise NotFound(f"Отчёт «{code}» не найден. Доступные отчёты: {known}", field="report")
    return report


async def _rows(
    report: Report,
    database: Database,
    settings: FederationSettings,
    district: str | None,
    now: datetime,
) -> list[Any]:
    if report.code == "sites":
        return await queries.list_sites(database=database, settings=settings, district=district)
    if report.code == "events":
        return await queries.list_events(database=database, settings=settings, district=district)
    if report.code == "plans":
        return await queries.list_plans(
            database=database, settings=settings, now=now, district=district
        )
    if report.code == "deficits":
        return deficit_rows(
            await deficits.deficits(database=database, settings=settings, district=district)
        )
    if report.code == "participation":
        return await queries.participation(
            database=database, settings=settings, by="school", district=district
        )
    links = await queries.list_links(database=database, settings=settings, now=now)
    return [link for link in links if not district or link.district == district]


def _cell(value: Any, zone: ZoneInfo) -> tuple[Any, str | None]:
    """A value Excel can hold (no time zones) and its number format."""
    if isinstance(value, datetime):
        return value.astimezone(zone).replace(tzinfo=None), "DD.MM.YYYY HH:MM"
    if isinstance(value, date):
        return value, "DD.MM.YYYY"
    return value, None


def render(report: Report, rows: list[Any], zone: ZoneInfo) -> bytes:
    """One sheet: bold frozen header row, set column widths, one line per row."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = report.title[:31]
    sheet.append([column.header for column in report.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(report.columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = column.width
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(report.columns, start=1):
            value, number_format = _cell(column.value(row), zone)
            cell = sheet.cell(row=row_number, column=index, value=value)
            if number_format:
                cell.number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def export(
    *,
    database: Database,
    settings: FederationSettings,
    report: str,
    district: str | None,
    now: datetime,
) -> Export:
    """The report ``report`` (of one district or of all) as an XLSX workbook."""
    chosen = find_report(report)
    district = queries.known_district(settings, district)
    rows = await _rows(chosen, database, settings, district, now)
    names = settings.district_names()
    district_name = names.get(district, district) if district else None
    return Export(
        filename=file_name(chosen, district_name),
        content=render(chosen, rows, ZoneInfo(settings.time_zone)),
    )
