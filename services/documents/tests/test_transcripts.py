"""The teacher's transcript (справка о профессиональном развитии педагогического
работника): its data rules (a Russian refusal naming the field, the total of hours
accounted for), the DOCX it prints (read back with python-docx, a golden text), the PDF
through the real LibreOffice and rendering on request over HTTP with its verification page.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from docx import Document as DocxDocument
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_documents.api.controllers import (
    DocumentController,
    RenderController,
    RevokeController,
    VerifyController,
)
from imc_documents.app import MIGRATIONS
from imc_documents.domain.common import Letterhead
from imc_documents.domain.transcripts import (
    TRANSCRIPT_TEMPLATE,
    TranscriptData,
    hours_text,
    hours_words,
    transcript_context,
)
from imc_documents.rendering.docx import render_docx
from imc_documents.rendering.qr import qr_image
from imc_documents.services.papers import PAPERS, PaperService, parse_data
from imc_documents.settings import DocumentsSettings
from imc_documents.templates import TEACHER_TRANSCRIPT, TEMPLATES_DIR
from imc_shared import testing
from imc_shared.auth import SERVICE_KEY_ID, Role, ServiceAuth, TokenSigner
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
DISTRICT = "yaya"
TEACHER = UUID("0192f5a0-0000-7000-8000-00000000b002")
NUMBER = "7KQ2-M9XD"
URL = f"https://imc.example/public/verify/{NUMBER}"

EVENTS: list[dict[str, Any]] = [
    {
        "title": "Формирующее оценивание на уроках математики",
        "form": "муниципальный семинар",
        "date": "2025-12-19",
        "hours": 6,
        "certificate": "сертификат № 4HX8-2KQP",
    },
    {
        "title": "Функциональная грамотность: математическая грамотность",
        "form": "мастер-класс",
        "date": "2025-10-14",
        "hours": 2,
    },
    {
        "title": "Педагогические чтения «Учитель будущего»",
        "form": "муниципальная конференция",
        "date": "2026-03-25",
        "hours": 4,
    },
]
COURSES: list[dict[str, Any]] = [
    {
        "title": "Школа современного учителя математики",
        "provider": "ГАУ ДПО «КРИПКиПРО»",
        "hours": 72,
        "completed_on": "2026-03-27",
    }
]
MENTORING: list[dict[str, Any]] = [
    {
        "kind": "тьютор",
        "tutor": "Сергеева Елена Николаевна",
        "topic": "Оценивание образовательных результатов",
        "hours": 4.5,
    },
    {"kind": "Наставник", "tutor": "Орлова Татьяна Николаевна", "hours": 6},
]
DEFICITS: list[dict[str, Any]] = [
    {
        "competency": "Формирующее оценивание",
        "closed_on": "2026-05-20",
        "evidence": "повторная диагностика: 85 %",
    }
]
TRANSCRIPT: dict[str, Any] = {
    "issued_on": "2026-11-23",
    "teacher_name": "Кузнецова Мария Ивановна",
    "teacher_position": "учитель математики",
    "organisation": "МБОУ «СОШ № 7»",
    "period": "2025/2026–2026/2027 учебные годы",
    "events": EVENTS,
    "courses": COURSES,
    "mentoring": MENTORING,
    "closed_deficits": DEFICITS,
    "total_hours": 94.5,  # 12 + 72 + 10,5
}
BARE: dict[str, Any] = {
    "issued_on": "2026-11-23",
    "teacher_name": "Петров Пётр Сергеевич",
    "teacher_position": "учитель физики",
    "organisation": "МБОУ «Яйская СОШ № 1»",
    "period": "по состоянию на 23.11.2026",
    "total_hours": 0,
}


def transcript(data: dict[str, Any] = TRANSCRIPT, *, number: str = NUMBER) -> bytes:
    """The DOCX rendered as the service renders it (the QR code included)."""
    parsed = parse_data("teacher_transcript", data)
    url = f"https://imc.example/public/verify/{number}"
    context = PAPERS["teacher_transcript"].context(parsed, LETTERHEAD, number, url)
    return render_docx(TEACHER_TRANSCRIPT, context, images={"qr": qr_image(url)})


def paragraphs(content: bytes) -> list[str]:
    return [p.text for p in DocxDocument(io.BytesIO(content)).paragraphs]


def tables(content: bytes) -> list[list[list[str]]]:
    """Every table as rows of cell texts (merged cells repeated as python-docx gives them)."""
    doc = DocxDocument(io.BytesIO(content))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]


def table_headed(content: bytes, head: str) -> list[list[str]]:
    found = [t for t in tables(content) if t and head in t[0]]
    assert len(found) == 1, (head, tables(content))
    return found[0]


def media(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [n for n in archive.namelist() if n.startswith("word/media/")]


# --- the template ---------------------------------------------------------------------


def test_the_template_is_a4_portrait_with_gost_margins() -> None:
    assert TEMPLATES_DIR / TRANSCRIPT_TEMPLATE == TEACHER_TRANSCRIPT
    doc = DocxDocument(str(TEACHER_TRANSCRIPT))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert round(section.top_margin.mm) == round(section.bottom_margin.mm) == 20
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size.pt == 14
    assert doc.core_properties.title == (
        "Справка о профессиональном развитии педагогического работника"
    )


def test_the_paper_is_registered_as_verifiable_with_the_teacher_as_person() -> None:
    paper = PAPERS["teacher_transcript"]
    assert paper.file == TRANSCRIPT_TEMPLATE and paper.verifiable
    assert paper.title == "Справка о профессиональном развитии педагогического работника"
    assert paper.number_of is None  # a verification number is made for it
    assert paper.person(parse_data("teacher_transcript", TRANSCRIPT)) == (
        "Кузнецова Мария Ивановна"
    )


# --- the DOCX ---------------------------------------------------------------------------


def test_transcript_prints_the_teacher_every_row_and_the_totals(golden: Any) -> None:
    content = transcript()
    text = "\n".join(paragraphs(content))
    for phrase in (
        "МБУ «ИМЦ» Яйского муниципального округа",
        "СПРАВКА",
        "о профессиональном развитии педагогического работника",
        "«23» ноября 2026 г.\t№\u00a07KQ2-M9XD",
        "Педагогический работник: Кузнецова Мария Ивановна",
        "Должность: учитель математики",
        "Место работы: МБОУ «СОШ № 7»",
        "Период: 2025/2026–2026/2027 учебные годы",
        "1. Участие в мероприятиях\n",
        "2. Обучение по дополнительным профессиональным программам\n",
        "3. Тьюторское сопровождение и наставничество\n",
        "4. Преодолённые профессиональные дефициты\n",
        "Общий объём профессионального развития за период составляет 94,5\u00a0часа.",
        "пгт Яя, «23» ноября 2026 г.",
    ):
        assert phrase in text, phrase
    assert ": нет." not in text
    assert "{{" not in text and "{%" not in text and "None" not in text

    events = table_headed(content, "Наименование мероприятия")
    assert events[0] == [
        "№ п/п",
        "Наименование мероприятия",
        "Форма проведения",
        "Дата",
        "Объём (часов)",
        "Документ",
    ]
    # A row per event, in the order of their dates, then the total.
    assert events[1:-1] == [
        [
            "1.",
            "Функциональная грамотность: математическая грамотность",
            "мастер-класс",
            "14.10.2025",
            "2",
            "–",
        ],
        [
            "2.",
            "Формирующее оценивание на уроках математики",
            "муниципальный семинар",
            "19.12.2025",
            "6",
            "сертификат № 4HX8-2KQP",
        ],
        [
            "3.",
            "Педагогические чтения «Учитель будущего»",
            "муниципальная конференция",
            "25.03.2026",
            "4",
            "–",
        ],
    ]
    assert events[-1][0] == "Итого" and events[-1][-1] == "12"
    courses = table_headed(content, "Наименование программы")
    assert courses[1] == [
        "1.",
        "Школа современного учителя математики",
        "ГАУ ДПО «КРИПКиПРО»",
        "27.03.2026",
        "72",
    ]
    assert courses[-1][-1] == "72" and len(courses) == 3
    mentoring = table_headed(content, "Тьютор (наставник)")
    assert mentoring[1:-1] == [
        [
            "1.",
            "тьюторское сопровождение",
            "Сергеева Елена Николаевна",
            "Оценивание образовательных результатов",
            "4,5",
        ],
        ["2.", "наставничество", "Орлова Татьяна Николаевна", "–", "6"],
    ]
    assert mentoring[-1][-1] == "10,5"
    deficits = table_headed(content, "Профессиональный дефицит (компетенция)")
    assert deficits[1:] == [
        ["1.", "Формирующее оценивание", "20.05.2026", "повторная диагностика: 85 %"]
    ]

    signature = table_headed(content, "Директор")
    assert signature == [["Директор", "Н.А. Сладкова"]]
    verification = [t for t in tables(content) if "Проверить подлинность" in t[0][-1]]
    assert verification[0][0][-1] == (
        f"Номер для проверки подлинности: {NUMBER}\nПроверить подлинность: {URL}"
    )
    assert len(media(content)) == 1  # the QR code
    golden("teacher_transcript", content)


def test_an_empty_transcript_renders_and_says_none_in_each_section() -> None:
    content = transcript(BARE)
    text = "\n".join(paragraphs(content))
    for phrase in (
        "Педагогический работник: Петров Пётр Сергеевич",
        "Период: по состоянию на 23.11.2026",
        "1. Участие в мероприятиях: нет.",
        "2. Обучение по дополнительным профессиональным программам: нет.",
        "3. Тьюторское сопровождение и наставничество: нет.",
        "4. Преодолённые профессиональные дефициты: нет.",
        "составляет 0\u00a0часов.",
    ):
        assert phrase in text, phrase
    # Only the signature and the verification block remain as tables.
    assert len(tables(content)) == 2
    assert len(media(content)) == 1


def test_a_journal_number_and_a_given_signatory_are_printed() -> None:
    content = transcript(
        {
            **BARE,
            "number": "01-12/245",
            "signatory_name": "Орлова Татьяна Николаевна",
            "signatory_position": "заместитель директора",
            "courses": COURSES,
            "total_hours": 72,
        }
    )
    text = "\n".join(paragraphs(content))
    assert "«23» ноября 2026 г.\t№\u00a001-12/245" in text
    assert "1. Участие в мероприятиях: нет." in text
    assert "составляет 72\u00a0часа." in text
    assert table_headed(content, "Заместитель директора") == [
        ["Заместитель директора", "Т.Н. Орлова"]
    ]
    verification = [t for t in tables(content) if "Проверить подлинность" in t[0][-1]]
    assert f"Номер для проверки подлинности: {NUMBER}" in verification[0][0][-1]


def test_hours_are_written_the_russian_way() -> None:
    assert [hours_text(v) for v in (6, 1204, 4.5, 12.0, 0.25)] == [
        "6",
        "1\u00a0204",
        "4,5",
        "12",
        "0,25",
    ]
    assert [hours_words(v) for v in (1, 2, 5, 21, 84, 111, 1.5, 10.0, 0)] == [
        "1\u00a0час",
        "2\u00a0часа",
        "5\u00a0часов",
        "21\u00a0час",
        "84\u00a0часа",
        "111\u00a0часов",
        "1,5\u00a0часа",
        "10\u00a0часов",
        "0\u00a0часов",
    ]


# --- data rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (
            {**TRANSCRIPT, "total_hours": 90},
            "data.total_hours",
            "Общий объём часов (90) не равен сумме часов мероприятий (12), курсов повышения "
            "квалификации (72) и тьюторского сопровождения и наставничества (10,5) – 94,5",
        ),
        (
            {k: v for k, v in TRANSCRIPT.items() if k != "total_hours"},
            "data.total_hours",
            "«общий объём часов»",
        ),
        (
            {k: v for k, v in TRANSCRIPT.items() if k != "teacher_name"},
            "data.teacher_name",
            "«ФИО педагогического работника»",
        ),
        ({**TRANSCRIPT, "organisation": "  "}, "data.organisation", "образовательная организация"),
        (
            {**TRANSCRIPT, "events": [{**EVENTS[0], "title": " "}]},
            "data.events[0].title",
            "«наименование»",
        ),
        (
            {**TRANSCRIPT, "events": [{k: v for k, v in EVENTS[0].items() if k != "date"}]},
            "data.events[0].date",
            "«дата»",
        ),
        ({**TRANSCRIPT, "events": [{**EVENTS[0], "date": "19.12.2025"}]}, "data.events", "ГГГГ"),
        (
            {**TRANSCRIPT, "courses": [{**COURSES[0], "provider": ""}]},
            "data.courses[0].provider",
            "«организация, проводившая обучение»",
        ),
        (
            {**TRANSCRIPT, "mentoring": [{**MENTORING[0], "kind": "куратор"}]},
            "data.mentoring[0].kind",
            "«куратор»: ожидается «тьютор» или «наставник»",
        ),
        (
            {**TRANSCRIPT, "events": [{**EVENTS[0], "hours": -6}], "total_hours": 82.5},
            "data.events[0].hours",
            "не может быть отрицательным",
        ),
        (
            {
                **TRANSCRIPT,
                "closed_deficits": [{k: v for k, v in DEFICITS[0].items() if k != "evidence"}],
            },
            "data.closed_deficits[0].evidence",
            "«подтверждение преодоления дефицита»",
        ),
        ({**TRANSCRIPT, "grade": "высшая"}, "data.grade", "не знает поля"),
        ({**TRANSCRIPT, "issued_on": "23.11.2026"}, "data.issued_on", "ГГГГ-ММ-ДД"),
    ],
)
def test_bad_data_is_refused_in_russian_with_the_field(
    data: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_data("teacher_transcript", data)
    assert caught.value.field == field
    assert words in caught.value.message, caught.value.message


def test_fractional_mentoring_hours_add_up_without_float_noise() -> None:
    data = {
        **BARE,
        "mentoring": [{**MENTORING[0], "hours": 0.1}, {**MENTORING[0], "hours": 0.2}],
        "total_hours": 0.3,
    }
    parsed = parse_data("teacher_transcript", data)
    assert isinstance(parsed, TranscriptData)
    context = transcript_context(parsed, LETTERHEAD, number=NUMBER, verify_url=URL)
    assert context["mentoring_hours"] == "0,3" and context["total_hours_words"] == "0,3\u00a0часа"
    assert [m["support"] for m in context["mentoring"]] == ["тьюторское сопровождение"] * 2


# --- PDF through the real LibreOffice -----------------------------------------------------


async def test_transcripts_convert_to_pdf_with_their_text(
    warm_converter: Any, check_pdf: Any
) -> None:
    full, bare = await warm_converter.convert_many([transcript(), transcript(BARE)])
    assert isinstance(full, bytes) and isinstance(bare, bytes)
    pages = await asyncio.to_thread(
        check_pdf,
        "teacher_transcript",
        full,
        [
            "СПРАВКА",
            "о профессиональном развитии педагогического работника",
            "Кузнецова Мария Ивановна",
            "«23» ноября 2026 г.",
            "Формирующее оценивание на уроках математики",
            "19.12.2025",
            "Итого",
            "10,5",
            "94,5 часа",
            "Н.А. Сладкова",
            NUMBER,
        ],
    )
    assert pages == 2
    assert (
        await asyncio.to_thread(
            check_pdf,
            "teacher_transcript_bare",
            bare,
            ["Петров Пётр Сергеевич", "1. Участие в мероприятиях: нет.", "0 часов", NUMBER],
        )
        == 1
    )


# --- on request over HTTP, on a real database ----------------------------------------------


class CountingConverter:
    def __init__(self) -> None:
        self.calls = 0

    async def convert(self, docx: bytes) -> bytes:
        assert docx.startswith(b"PK")
        self.calls += 1
        return b"%PDF-1.7 stand-in " + str(self.calls).encode()


SETTINGS = DocumentsSettings(
    service="documents",
    district=DISTRICT,
    district_name="Яйский муниципальный округ",
    authority=LETTERHEAD.authority,
    place="пгт Яя",
    signatory_name="Сладкова Наталья Александровна",
    public_url="https://imc.example/",
    **testing.auth_settings(),
)


@pytest.fixture
async def database(database_url: str) -> Database:
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db  # type: ignore[misc]
    await db.dispose()


async def test_transcript_renders_over_http_once_and_is_verifiable(
    database: Database, tmp_path: Path
) -> None:
    converter = CountingConverter()
    papers = PaperService(
        database=database,
        store=FileStore(tmp_path / "files"),
        converter=converter,
        letterhead=LETTERHEAD,
        district="Яйский муниципальный округ",
        verify_base_url=SETTINGS.public_url,
    )
    store = papers.store
    await database.engine.dispose()
    app = create_http_app(
        [RenderController, VerifyController, RevokeController, DocumentController],
        settings=SETTINGS,
        title="Документы",
        dependencies={
            "database": Provide(lambda: database, sync_to_thread=False),
            "store": Provide(lambda: store, sync_to_thread=False),
            "papers": Provide(lambda: papers, sync_to_thread=False),
            "settings": Provide(lambda: SETTINGS, sync_to_thread=False),
        },
    )
    async with AsyncTestClient(app) as client:
        client.auth = testing.auth(DISTRICT)
        templates = {
            t["template"]: t for t in (await client.get("/documents/render/templates")).json()
        }
        listed = templates["teacher_transcript"]
        assert listed["verifiable"] is True
        assert listed["title"] == "Справка о профессиональном развитии педагогического работника"
        required = {f["name"] for f in listed["fields"] if f["required"]}
        assert required == {
            "issued_on",
            "teacher_name",
            "teacher_position",
            "organisation",
            "period",
            "total_hours",
        }

        wrong = await client.post(
            "/documents/render",
            json={"template": "teacher_transcript", "data": {**TRANSCRIPT, "total_hours": 100}},
        )
        assert wrong.status_code == 422
        assert wrong.json()["field"] == "data.total_hours"
        assert "не равен сумме часов" in wrong.json()["message"]
        missing = await client.post(
            "/documents/render",
            json={"template": "teacher_transcript", "data": {**BARE, "period": ""}},
        )
        assert missing.status_code == 422 and missing.json()["field"] == "data.period"
        assert converter.calls == 0  # nothing rendered, nothing stored

        body = {
            "template": "teacher_transcript",
            "data": TRANSCRIPT,
            "source_key": f"growth:transcript:{TEACHER}",
            "person_id": str(TEACHER),
        }
        refused = await client.post(
            "/documents/render", json=body, auth=testing.auth(DISTRICT, Role.TEACHER)
        )
        assert refused.status_code == 403
        service_key = testing.keys()[SERVICE_KEY_ID][0]

        def service(name: str) -> httpx.Auth:
            return ServiceAuth(lambda: TokenSigner(service_key).service_token(name, DISTRICT))

        other_service = await client.post(
            "/documents/render", json=body, auth=service("scheduling")
        )
        assert other_service.status_code == 403
        assert "не выпускает" in other_service.json()["message"]
        other_paper = await client.post(
            "/documents/render",
            json={"template": "certificate", "data": {}},
            auth=service("growth"),
        )
        assert other_paper.status_code == 403
        created = await client.post("/documents/render", json=body, auth=service("growth"))
        assert created.status_code == 201, created.text
        doc = created.json()
        own = await client.get(
            f"/documents/{doc['id']}/file.docx",
            auth=testing.auth(DISTRICT, Role.TEACHER, person_id=TEACHER),
        )
        assert own.status_code == 200
        someone_elses = await client.get(
            f"/documents/{doc['id']}/file.docx",
            auth=testing.auth(DISTRICT, Role.TEACHER, person_id=uuid4()),
        )
        assert someone_elses.status_code == 403
        assert doc["kind"] == "teacher_transcript"
        assert doc["person_name"] == "Кузнецова Мария Ивановна"
        assert doc["title"] == (
            "Справка о профессиональном развитии педагогического работника: "
            "Кузнецова Мария Ивановна"
        )
        assert doc["dated"] == "2026-11-23"
        assert doc["number"] == doc["verification_number"] and len(doc["number"]) == 9
        again = await client.post("/documents/render", json=body)
        assert again.status_code == 200 and again.json()["id"] == doc["id"]
        assert converter.calls == 1

        docx = await client.get(f"/documents/{doc['id']}/file.docx")
        assert docx.status_code == 200
        text = "\n".join(paragraphs(docx.content))
        assert "Педагогический работник: Кузнецова Мария Ивановна" in text
        assert f"№\u00a0{doc['number']}" in text
        verification = [t for t in tables(docx.content) if "Проверить подлинность" in t[0][-1]]
        assert (
            f"Проверить подлинность: https://imc.example/public/verify/{doc['number']}"
            in verification[0][0][-1]
        )
        assert len(media(docx.content)) == 1

        page = await client.get(f"/public/verify/{doc['number']}", auth=None)
        assert page.status_code == 200
        for phrase in (
            "подлинный и действителен",
            "Справка о профессиональном развитии педагогического работника",
            "Кузнецова Мария Ивановна",
            "«23» ноября 2026 г.",
        ):
            assert phrase in page.text, phrase
