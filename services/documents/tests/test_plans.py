"""The road map, the work plan, the information note and the annual analysis report: their
data rules (a Russian refusal naming the field), the text they print, rendering on request
over HTTP (once per source) and a district's replacement checked before use.

Their golden texts and PDFs are checked with the other papers in test_papers.py.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document as DocxDocument
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_documents.api.controllers import DocumentController, RenderController, TemplateController
from imc_documents.app import MIGRATIONS
from imc_documents.domain.common import Letterhead
from imc_documents.domain.plans import figure, work_plan_context
from imc_documents.rendering.docx import render_docx
from imc_documents.services.library import TITLES, TemplateLibrary
from imc_documents.services.papers import PAPERS, PaperService, parse_data
from imc_documents.settings import DocumentsSettings
from imc_documents.templates import TEMPLATES_DIR
from imc_shared import testing
from imc_shared.db import Database, migrate
from imc_shared.errors import InvalidInput
from imc_shared.http import create_http_app
from imc_shared.storage import FileStore

LETTERHEAD = Letterhead(
    authority="МБУ «ИМЦ» Яйского муниципального округа",
    district_name="Яйский муниципальный округ",
    place="пгт Яя",
    signatory_name="Сладкова Наталья Александровна",
)
ROW: dict[str, Any] = {
    "activity": "Открытые уроки наставников",
    "form": "мастер-класс",
    "responsible": "Кузнецова О.В.",
    "deadline": "ноябрь 2025 г.",
}
ROAD_MAP: dict[str, Any] = {
    "issued_on": "2025-09-01",
    "site": "муниципальной стажировочной площадки на базе МБОУ «СОШ № 7»",
    "period": "2025/2026 учебный год",
    "rows": [ROW, {**ROW, "activity": "Итоговая конференция", "state": "выполнено"}],
}
ITEM: dict[str, Any] = {
    "title": "Заседание методического совета",
    "form": "заседание",
    "responsible": "Сладкова Н.А.",
    "deadline": "август 2025 г.",
}
WORK_PLAN: dict[str, Any] = {
    "issued_on": "2025-08-29",
    "period": "2025/2026 учебный год",
    "sections": [{"title": "Организационная работа", "items": [ITEM]}],
}
TABLE: dict[str, Any] = {
    "title": "Мероприятия по кварталам",
    "columns": ["Квартал", "Мероприятий"],
    "rows": [["I", 14], ["II", 11]],
}
NOTE: dict[str, Any] = {
    "issued_on": "2025-12-22",
    "title": "о проведении муниципального семинара",
    "sections": [{"paragraphs": ["Семинар проведён 19 декабря 2025 г."]}],
}
REPORT: dict[str, Any] = {
    "issued_on": "2025-06-30",
    "period": "2024/2025 учебный год",
    "sections": [{"heading": "1. Мероприятия", "tables": [TABLE]}],
}


def text_of(content: bytes) -> str:
    doc = DocxDocument(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def rendered(template: str, data: dict[str, Any]) -> str:
    parsed = parse_data(template, data)
    context = PAPERS[template].context(parsed, LETTERHEAD, "", "")
    return text_of(render_docx(TEMPLATES_DIR / PAPERS[template].file, context))


# --- data rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "data", "field", "words"),
    [
        (
            "road_map",
            {k: v for k, v in ROAD_MAP.items() if k != "rows"},
            "data.rows",
            "мероприятия дорожной карты",
        ),
        ("road_map", {**ROAD_MAP, "rows": []}, "data.rows", "хотя бы одно мероприятие"),
        (
            "road_map",
            {**ROAD_MAP, "rows": [ROW, {**ROW, "activity": "  "}]},
            "data.rows[1].activity",
            "«мероприятие»",
        ),
        (
            "road_map",
            {**ROAD_MAP, "rows": [{k: v for k, v in ROW.items() if k != "deadline"}]},
            "data.rows[0].deadline",
            "сроки исполнения",
        ),
        ("road_map", {**ROAD_MAP, "issued_on": "01.09.2025"}, "data.issued_on", "ГГГГ-ММ-ДД"),
        ("road_map", {**ROAD_MAP, "colour": "red"}, "data.colour", "не знает поля"),
        (
            "work_plan",
            {**WORK_PLAN, "sections": [{"title": "Работа с кадрами", "items": []}]},
            "data.sections[0].items",
            "«Работа с кадрами» не содержит мероприятий",
        ),
        ("work_plan", {**WORK_PLAN, "period": " "}, "data.period", "период (учебный год)"),
        ("information_note", {**NOTE, "sections": []}, "data.sections", "хотя бы один раздел"),
        (
            "information_note",
            {k: v for k, v in NOTE.items() if k != "title"},
            "data.title",
            "«наименование»",
        ),
        (
            "annual_report",
            {**REPORT, "sections": [{"tables": [{**TABLE, "rows": [["I", 14], ["II"]]}]}]},
            "data.sections[0].tables[0].rows[1]",
            "1 ячеек вместо 2",
        ),
        (
            "annual_report",
            {**REPORT, "sections": [{"tables": [{**TABLE, "rows": []}]}]},
            "data.sections[0].tables[0].rows",
            "пуста",
        ),
        ("annual_report", {**REPORT, "sections": [{}]}, "data.sections[0]", "Раздел 1 пуст"),
    ],
)
def test_bad_data_is_refused_in_russian_with_the_field(
    template: str, data: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_data(template, data)
    assert caught.value.field == field
    assert words in caught.value.message


def test_figures_are_written_the_russian_way() -> None:
    assert [figure(v) for v in (1204, 42.9, 12.0, 1234.5, 0.25, "  II  квартал ")] == [
        "1\u00a0204",
        "42,9",
        "12",
        "1\u00a0234,5",
        "0,25",
        "II квартал",
    ]


def test_sections_and_items_are_numbered_and_a_given_approver_is_kept() -> None:
    data = parse_data(
        "work_plan",
        {
            **WORK_PLAN,
            "sections": [
                {"title": "Первый", "items": [ITEM]},
                {"title": "Второй", "items": [ITEM, ITEM]},
            ],
            "signatory_name": "Орлова Татьяна Николаевна",
            "signatory_position": "заместитель начальника управления образования",
        },
    )
    context = work_plan_context(data, LETTERHEAD)  # type: ignore[arg-type]
    assert [s["number"] for s in context["sections"]] == ["1.", "2."]
    assert [i["number"] for i in context["sections"][1]["entries"]] == ["2.1.", "2.2."]
    assert context["approver_position"] == "Заместитель начальника управления образования"
    assert context["approver_initials"] == "Т.Н. Орлова"
    assert context["approved_on_official"] == "«29» августа 2025 г."


# --- the text they print -----------------------------------------------------------------


def test_road_map_without_topic_or_leader_prints_neither() -> None:
    text = rendered("road_map", ROAD_MAP)
    assert "(план мероприятий) деятельности муниципальной стажировочной площадки на базе " in text
    assert "МБОУ «СОШ № 7» на 2025/2026 учебный год" in text
    assert "по теме" not in text and "Руководитель площадки" not in text
    assert "Директор МБУ «ИМЦ» Яйского муниципального округа" in text
    assert "Итоговая конференция" in text and "выполнено" in text


def test_note_without_number_or_executor_and_with_a_table() -> None:
    plain = rendered("information_note", NOTE)
    assert "№" not in plain and "Исп.:" not in plain and "Таблица" not in plain
    with_table = rendered(
        "information_note",
        {**NOTE, "number": "01-12/245", "sections": [*NOTE["sections"], {"tables": [TABLE]}]},
    )
    assert "№\u00a001-12/245" in with_table
    assert "Таблица 1 – Мероприятия по кварталам" in with_table
    assert "Квартал\nМероприятий\nI\n14\nII\n11" in with_table


def test_report_numbers_its_tables_through_the_sections() -> None:
    text = rendered(
        "annual_report",
        {
            **REPORT,
            "subject": "МКУ «ИМЦ» Мариинского муниципального округа",
            "sections": [
                {"heading": "1. Мероприятия", "tables": [TABLE]},
                {"heading": "2. Площадки", "paragraphs": ["Текст."], "tables": [TABLE, TABLE]},
            ],
        },
    )
    assert "АНАЛИЗ РАБОТЫ\nМКУ «ИМЦ» Мариинского муниципального округа\nза 2024/2025" in text
    for number in (1, 2, 3):
        assert f"Таблица {number} – Мероприятия по кварталам" in text
    assert "Таблица 4" not in text


# --- on request over HTTP, and a district's own template ---------------------------------


class CountingConverter:
    def __init__(self) -> None:
        self.calls = 0

    async def convert(self, docx: bytes) -> bytes:
        assert docx.startswith(b"PK")
        self.calls += 1
        return b"%PDF-1.7 stand-in"


@pytest.fixture
async def database(database_url: str) -> Database:
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db  # type: ignore[misc]
    await db.dispose()


async def test_plans_render_over_http_once_and_a_district_template_is_checked(
    database: Database, tmp_path: Path
) -> None:
    store = FileStore(tmp_path / "files")
    library = TemplateLibrary(database=database, store=store)
    converter = CountingConverter()
    papers = PaperService(
        database=database,
        store=store,
        converter=converter,
        letterhead=LETTERHEAD,
        district="Яйский муниципальный округ",
        verify_base_url="https://imc.example",
        library=library,
    )
    await database.engine.dispose()
    settings = DocumentsSettings(service="documents", district="yaya", **testing.auth_settings())
    app = create_http_app(
        [RenderController, DocumentController, TemplateController],
        settings=settings,
        title="Документы",
        dependencies={
            "database": Provide(lambda: database, sync_to_thread=False),
            "store": Provide(lambda: store, sync_to_thread=False),
            "papers": Provide(lambda: papers, sync_to_thread=False),
            "library": Provide(lambda: library, sync_to_thread=False),
        },
    )
    async with AsyncTestClient(app) as client:
        client.auth = testing.auth("yaya")
        missing = await client.post(
            "/documents/render",
            json={"template": "road_map", "data": {**ROAD_MAP, "rows": [{"activity": "Семинар"}]}},
        )
        assert missing.status_code == 422
        assert missing.json()["field"] == "data.rows[0].form"
        assert "«форма проведения»" in missing.json()["message"]
        assert "Дорожная карта методической площадки" in missing.json()["message"]

        created = []
        for template, data in (
            ("road_map", ROAD_MAP),
            ("work_plan", WORK_PLAN),
            ("information_note", {**NOTE, "number": "01-12/245"}),
            ("annual_report", REPORT),
        ):
            response = await client.post(
                "/documents/render", json={"template": template, "data": data}
            )
            assert response.status_code == 201, response.text
            again = await client.post(
                "/documents/render", json={"template": template, "data": data}
            )
            assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
            created.append(response.json())
        assert converter.calls == 4
        road_map, plan, note, report = created
        assert road_map["number"] == "" and road_map["verification_number"] is None
        assert road_map["dated"] == "2025-09-01"
        assert plan["title"] == "План работы на учебный год: 2025/2026 учебный год"
        assert note["number"] == "01-12/245"  # the caller's journal number, kept as given
        assert report["kind"] == "annual_report"

        docx = await client.get(f"/documents/{note['id']}/file.docx")
        assert docx.status_code == 200
        assert "filename*=UTF-8''spravka-01-12%2F245.docx" in docx.headers["content-disposition"]
        assert "ИНФОРМАЦИОННАЯ СПРАВКА" in text_of(docx.content)
        plan_docx = await client.get(f"/documents/{plan['id']}/file.docx")
        assert "Заседание методического совета" in text_of(plan_docx.content)

        listed = {t["template"]: t["title"] for t in (await client.get("/templates")).json()}
        assert set(listed) == set(TITLES)
        assert listed["road_map"] == "Дорожная карта методической площадки"
        assert listed["work_plan"] == "План работы на учебный год"
        assert listed["information_note"] == "Информационная справка"
        assert listed["annual_report"] == "Анализ работы за учебный год"

        refused = await client.post(
            "/templates/road_map", content=edited("road_map", "Согласовано: {{ agreed_by }}")
        )
        assert refused.status_code == 422
        assert refused.json()["variable"] == "agreed_by" and refused.json()["paragraph"]
        accepted = await client.post(
            "/templates/road_map", content=edited("road_map", "Период: {{ period }}")
        )
        assert accepted.status_code == 201, accepted.text
        newer = await client.post(
            "/documents/render", json={"template": "road_map", "data": ROAD_MAP}
        )
        assert newer.status_code == 201  # a new template version renders the source again
        newer_docx = await client.get(f"/documents/{newer.json()['id']}/file.docx")
        assert "Период: 2025/2026 учебный год" in text_of(newer_docx.content)


def edited(name: str, *paragraphs: str) -> bytes:
    """The built-in template ``name`` with paragraphs appended (as an operator would)."""
    doc = DocxDocument(str(TEMPLATES_DIR / f"{name}.docx"))
    for text in paragraphs:
        doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_a_plan_date_is_its_approval_date() -> None:
    data = parse_data("road_map", ROAD_MAP)
    assert data.issued_on == date(2025, 9, 1)  # type: ignore[attr-defined]
    text = rendered("road_map", ROAD_MAP)
    assert "УТВЕРЖДАЮ" in text and "«01» сентября 2025 г." in text
