"""Planning and reporting papers rendered on request: the road map of a site (001 §4.6),
the annual work plan, the information note (информационная справка) and the annual
analysis report (анализ работы за учебный год).

The letterhead and the default signatory come from the settings; a plan carries the
approval stamp «УТВЕРЖДАЮ» dated with the document's date (ГОСТ Р 7.0.97-2016, 5.23:
the date of an approved document is the date of its approval). A registration number,
when the paper has one, is the caller's (from the journal), never made up here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from imc_documents.domain.common import Letterhead
from imc_documents.domain.russian import format_date_official, initials_surname, upper_first
from imc_shared.errors import InvalidInput

ROAD_MAP_TEMPLATE = "road_map.docx"
WORK_PLAN_TEMPLATE = "work_plan.docx"
NOTE_TEMPLATE = "information_note.docx"
REPORT_TEMPLATE = "annual_report.docx"

Figure = str | int | float
"""A table cell: text or a number (numbers are written the Russian way: «12,5»)."""


class _Paper(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    issued_on: date
    """The document's date (a plan's: the date of its approval)."""
    number: str = ""
    """Registration number from the journal; none when empty."""
    signatory_name: str = ""
    """Who signs or approves; the letterhead's signatory when empty."""
    signatory_position: str = ""


class RoadMapRow(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One event or activity of a road map."""

    activity: str
    form: str
    responsible: str
    deadline: str
    """As plans write it: «сентябрь 2025 г.», «в течение года»."""
    result: str = ""
    state: str = ""
    """Отметка о выполнении: «выполнено», «в работе» or empty while planned."""


class RoadMapData(_Paper, frozen=True, kw_only=True):
    """The road map (plan of events) of a methodical site."""

    site: str
    """E.g. «муниципальной стажировочной площадки на базе МБОУ «СОШ № 7»» (genitive)."""
    period: str
    """E.g. «2025/2026 учебный год»."""
    rows: list[RoadMapRow]
    topic: str = ""
    leader_name: str = ""
    """The site leader who compiled it; signs under the table when given."""


class PlanItem(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One item of the work plan."""

    title: str
    form: str
    responsible: str
    deadline: str
    fulfilled: str = ""
    """Отметка о выполнении."""


class PlanSection(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A section of the work plan with its items."""

    title: str
    items: list[PlanItem]


class WorkPlanData(_Paper, frozen=True, kw_only=True):
    """The annual work plan of the IMC."""

    period: str
    sections: list[PlanSection]
    subject: str = ""
    """Whose plan, after «План работы»; the letterhead's authority when empty."""


class FigureTable(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A table of figures: a head row and rows of the same width."""

    title: str
    columns: list[str]
    rows: list[list[Figure]]


class TextSection(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A section of a note or report: a heading, paragraphs and tables."""

    heading: str = ""
    paragraphs: list[str] = []
    tables: list[FigureTable] = []


class InformationNoteData(_Paper, frozen=True, kw_only=True):
    """An information note (информационная справка), signed by the IMC head."""

    title: str
    """After «Информационная справка»: «о проведении муниципального семинара …»."""
    sections: list[TextSection]
    executor: str = ""
    """Отметка об исполнителе: «Сергеева Елена Николаевна, 8 (38441) 2-15-07»."""


class AnnualReportData(_Paper, frozen=True, kw_only=True):
    """The analysis of the IMC's work over a school year."""

    period: str
    sections: list[TextSection]
    subject: str = ""
    """Whose work is analysed; the letterhead's authority when empty."""


def _text(value: str) -> str:
    return " ".join(value.split())


def figure(value: Figure) -> str:
    """A cell as printed: «12», «12,5», text as given."""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0")
    if isinstance(value, float):
        if value.is_integer():
            return figure(int(value))
        return f"{value:,.2f}".rstrip("0").replace(",", "\u00a0").replace(".", ",")
    return _text(value)


def _signatory(data: _Paper, letterhead: Letterhead) -> dict[str, str]:
    name = data.signatory_name.strip() or letterhead.signatory_name
    position = data.signatory_position.strip() or letterhead.signatory_position
    return {
        "signatory_position": upper_first(position),
        "signatory_initials": initials_surname(name),
    }


def _common(data: _Paper, letterhead: Letterhead) -> dict[str, Any]:
    return {
        "authority": letterhead.authority,
        "district_name": letterhead.district_name,
        "place": letterhead.place,
        "number": data.number.strip(),
        "issue_date_official": format_date_official(data.issued_on),
        **_signatory(data, letterhead),
    }


def _approval(data: _Paper, letterhead: Letterhead) -> dict[str, Any]:
    """The approval stamp: «УТВЕРЖДАЮ», position with the organisation, name, date."""
    signatory = _signatory(data, letterhead)
    own = not data.signatory_position.strip()
    return {
        # The letterhead's head approves «Директор МБУ «ИМЦ» …»; a given position is whole.
        "approver_position": (
            f"{signatory['signatory_position']} {letterhead.authority}"
            if own
            else signatory["signatory_position"]
        ),
        "approver_initials": signatory["signatory_initials"],
        "approved_on_official": format_date_official(data.issued_on),
    }


def _require(items: list[Any], field: str, message: str) -> None:
    if not items:
        raise InvalidInput(message, field=field)


def road_map_context(data: RoadMapData, letterhead: Letterhead) -> dict[str, Any]:
    """The variables of the road map; :class:`InvalidInput` for a map with no rows."""
    _require(data.rows, "data.rows", "Дорожная карта должна содержать хотя бы одно мероприятие")
    rows = [
        {
            "number": f"{index}.",
            "activity": _text(row.activity),
            "form": _text(row.form),
            "responsible": _text(row.responsible),
            "deadline": _text(row.deadline),
            "result": _text(row.result),
            "state": _text(row.state),
        }
        for index, row in enumerate(data.rows, start=1)
    ]
    return {
        **_common(data, letterhead),
        **_approval(data, letterhead),
        "site": _text(data.site),
        "topic": _text(data.topic),
        "period": _text(data.period),
        "rows": rows,
        "leader_initials": initials_surname(data.leader_name) if data.leader_name.strip() else "",
    }


def work_plan_context(data: WorkPlanData, letterhead: Letterhead) -> dict[str, Any]:
    """The variables of the work plan; sections and items are numbered «1.», «1.1.»."""
    _require(data.sections, "data.sections", "План работы должен содержать хотя бы один раздел")
    sections = []
    for s, section in enumerate(data.sections, start=1):
        _require(
            section.items,
            f"data.sections[{s - 1}].items",
            f"Раздел плана «{_text(section.title)}» не содержит мероприятий",
        )
        items = [
            {
                "number": f"{s}.{i}.",
                "title": _text(item.title),
                "form": _text(item.form),
                "responsible": _text(item.responsible),
                "deadline": _text(item.deadline),
                "fulfilled": _text(item.fulfilled),
            }
            for i, item in enumerate(section.items, start=1)
        ]
        # «entries», not «items»: Jinja would find the dict method first.
        sections.append({"number": f"{s}.", "title": _text(section.title), "entries": items})
    return {
        **_common(data, letterhead),
        **_approval(data, letterhead),
        "subject": _text(data.subject) or letterhead.authority,
        "period": _text(data.period),
        "sections": sections,
    }


def _sections(sections: list[TextSection]) -> list[dict[str, Any]]:
    """Sections with their tables numbered through the document («Таблица 1 – …»)."""
    _require(sections, "data.sections", "Документ должен содержать хотя бы один раздел")
    shown = []
    counter = 0
    for s, section in enumerate(sections):
        tables = []
        for t, table in enumerate(section.tables):
            field = f"data.sections[{s}].tables[{t}]"
            width = len(table.columns)
            if width == 0:
                raise InvalidInput(
                    f"В таблице «{_text(table.title)}» не указаны столбцы", field=f"{field}.columns"
                )
            _require(table.rows, f"{field}.rows", f"Таблица «{_text(table.title)}» пуста")
            for r, row in enumerate(table.rows):
                if len(row) != width:
                    raise InvalidInput(
                        f"В строке {r + 1} таблицы «{_text(table.title)}» {len(row)} ячеек "
                        f"вместо {width}",
                        field=f"{field}.rows[{r}]",
                    )
            counter += 1
            tables.append(
                {
                    "caption": f"Таблица {counter} – {_text(table.title)}",
                    "columns": [_text(c) for c in table.columns],
                    "rows": [[figure(v) for v in row] for row in table.rows],
                }
            )
        paragraphs = [_text(p) for p in section.paragraphs if p.strip()]
        if not (section.heading.strip() or paragraphs or tables):
            raise InvalidInput(f"Раздел {s + 1} пуст", field=f"data.sections[{s}]")
        shown.append(
            {"heading": _text(section.heading), "paragraphs": paragraphs, "tables": tables}
        )
    return shown


def note_context(data: InformationNoteData, letterhead: Letterhead) -> dict[str, Any]:
    """The variables of the information note."""
    return {
        **_common(data, letterhead),
        "title": _text(data.title),
        "sections": _sections(data.sections),
        "executor": _text(data.executor),
    }


def report_context(data: AnnualReportData, letterhead: Letterhead) -> dict[str, Any]:
    """The variables of the annual analysis report."""
    return {
        **_common(data, letterhead),
        "subject": _text(data.subject) or letterhead.authority,
        "period": _text(data.period),
        "sections": _sections(data.sections),
    }
