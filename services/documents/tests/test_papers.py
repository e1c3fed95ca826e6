"""Documents rendered on request: certificates, internship statements, letters of thanks;
their validation, their once-per-source rule, the verification page and revocation.

The DOCX of every template is rendered with real data and read back with python-docx;
one test converts all three through the real LibreOffice in a single batch run and checks
the PDF text (pypdf) and the pages (pdftoppm). Golden files hold the text of each
rendered template (``UPDATE_GOLDEN=1`` rewrites them after an intended change).
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document as DocxDocument
from litestar.di import Provide
from litestar.testing import AsyncTestClient
from pypdf import PdfReader

from imc_documents.api.controllers import DocumentController, RenderController, VerifyController
from imc_documents.app import MIGRATIONS
from imc_documents.domain.awards import (
    CertificateData,
    StatementData,
    ThanksData,
    certificate_context,
    hours_phrase,
    new_verification_number,
    normalise_number,
    statement_context,
    thanks_context,
)
from imc_documents.domain.common import Letterhead
from imc_documents.rendering.docx import render_docx
from imc_documents.rendering.pdf import PdfConverter, WarmConverter
from imc_documents.rendering.qr import qr_image
from imc_documents.services.papers import PAPERS, PaperService, RenderRequest, parse_data
from imc_documents.settings import DocumentsSettings
from imc_documents.templates import (
    CERTIFICATE,
    INTERNSHIP_STATEMENT,
    LETTER_OF_THANKS,
    TEMPLATES_DIR,
)
from imc_shared.db import Database, migrate
from imc_shared.errors import InvalidInput
from imc_shared.http import create_http_app
from imc_shared.storage import FileStore

HAS_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))
GOLDEN = Path(__file__).parent / "golden"
LETTERHEAD = Letterhead(
    authority="МБУ «ИМЦ» Яйского муниципального округа",
    district_name="Яйский муниципальный округ",
    place="пгт Яя",
    signatory_name="Сладкова Наталья Александровна",
)
NUMBER = "7KQ2-M9XD"
URL = f"https://imc.example/verify/{NUMBER}"

CERTIFICATE_DATA: dict[str, Any] = {
    "participant_name": "Кузнецова Мария Ивановна",
    "participant_position": "учитель математики",
    "participant_organisation": "МБОУ «СОШ № 7»",
    "event_form": "муниципальный семинар",
    "event_title": "Формирующее оценивание на уроках математики",
    "event_date": "2021-12-20",
    "hours": 6,
}
STATEMENT_DATA: dict[str, Any] = {
    "participant_name": "Петров Пётр Сергеевич",
    "participant_position": "учитель физики",
    "participant_organisation": "МБОУ «Яйская СОШ № 1»",
    "site_name": "МБОУ «СОШ № 7» г. Мариинска",
    "program_title": "Наставничество молодых педагогов",
    "start_date": "2021-12-13",
    "end_date": "2021-12-20",
    "hours": 36,
}
THANKS_DATA: dict[str, Any] = {
    "recipient_name": "Соколова Анна Викторовна",
    "recipient_position": "заместитель директора",
    "recipient_organisation": "МБОУ «СОШ № 7»",
    "addressee": "Уважаемая Анна Викторовна!",
    "reason": "активное участие в работе муниципальной стажировочной площадки",
    "issued_on": "2021-12-24",
}


REGULATION_ORDER_DATA: dict[str, Any] = {
    "issuer": "Управление образования администрации Мариинского муниципального округа",
    "order_number": "1531",
    "order_date": "2021-12-20",
    "place": "г. Мариинск",
    "regulation_title": "о муниципальной стажировочной площадке на базе МБОУ «СОШ № 7»",
    "purpose": "В целях определения условий для профессионального развития руководящих и "
    "педагогических работников",
    "points": [
        "Направить положение о стажировочной площадке в образовательные организации",
        "Разместить положение на официальном сайте управления образования",
    ],
    "control": "Контроль за исполнением приказа возложить на директора МКУ «ИМЦ» Орлову Т.Н.",
    "signatory_name": "Иванова Ирина Петровна",
    "signatory_position": "начальник управления образования",
    "appendix": ["1. Общие положения", "1.1. Стажировочная площадка создаётся на базе школы."],
}
LEADERS_ORDER_DATA: dict[str, Any] = {
    "order_number": "45-од",
    "order_date": "2026-10-15",
    "purpose": "В соответствии с Положением об опорной (стажировочной) методической площадке",
    "signatory_name": "Сладкова Наталья Александровна",
    "signatory_position": "директор",
    "sites": [
        {
            "site": "ОСМП МБОУ «СОШ № 7»",
            "leader_name": "Кузнецова Ольга Викторовна",
            "leader_position": "заместитель директора",
            "co_leader_name": "Сергеева Елена Николаевна",
            "co_leader_position": "методист ИМЦ",
        },
        {
            "site": "ОСМП МБДОУ «Детский сад № 3»",
            "leader_name": "Морозова Анна Павловна",
            "leader_position": "заведующий",
        },
    ],
}


def paper(template: str, data: dict[str, Any]) -> bytes:
    parsed = parse_data(template, data)
    context = PAPERS[template].context(parsed, LETTERHEAD, "", URL)
    return render_docx(TEMPLATES_DIR / PAPERS[template].file, context)


def regulation_order() -> bytes:
    return paper("order_regulation", REGULATION_ORDER_DATA)


def leaders_order() -> bytes:
    return paper("order_site_leaders", LEADERS_ORDER_DATA)


def certificate() -> bytes:
    data = parse_data("certificate", CERTIFICATE_DATA)
    assert isinstance(data, CertificateData)
    context = certificate_context(data, LETTERHEAD, number=NUMBER, verify_url=URL)
    return render_docx(CERTIFICATE, context, images={"qr": qr_image(URL)})


def statement() -> bytes:
    data = parse_data("internship_statement", STATEMENT_DATA)
    assert isinstance(data, StatementData)
    context = statement_context(data, LETTERHEAD, number=NUMBER, verify_url=URL)
    return render_docx(INTERNSHIP_STATEMENT, context, images={"qr": qr_image(URL)})


def thanks() -> bytes:
    data = parse_data("letter_of_thanks", THANKS_DATA)
    assert isinstance(data, ThanksData)
    return render_docx(LETTER_OF_THANKS, thanks_context(data, LETTERHEAD, number="БП-12"))


def docx_text(content: bytes) -> str:
    """Paragraphs and table cells of a DOCX, in document order, one per line."""
    doc = DocxDocument(io.BytesIO(content))
    lines: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif child.tag.endswith("}tbl"):
            lines.extend(
                "".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                for cell in child.iter()
                if cell.tag.endswith("}p")
            )
    return "\n".join(line.rstrip() for line in lines).strip() + "\n"


def media(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [n for n in archive.namelist() if n.startswith("word/media/")]


# --- data and helpers ----------------------------------------------------------------


def test_a_missing_field_is_named_in_russian() -> None:
    data = dict(CERTIFICATE_DATA)
    del data["participant_name"]
    with pytest.raises(InvalidInput) as caught:
        parse_data("certificate", data)
    assert caught.value.field == "data.participant_name"
    assert "ФИО участника" in caught.value.message
    blank = dict(STATEMENT_DATA, program_title="  ")
    with pytest.raises(InvalidInput, match="программа стажировки"):
        parse_data("internship_statement", blank)


@pytest.mark.parametrize(
    ("template", "data", "field"),
    [
        ("diploma", CERTIFICATE_DATA, "template"),
        ("certificate", dict(CERTIFICATE_DATA, event_date="20.12.2021"), "data.event_date"),
        ("certificate", dict(CERTIFICATE_DATA, hours=0), "data.hours"),
        ("certificate", dict(CERTIFICATE_DATA, colour="red"), "data.colour"),
        ("letter_of_thanks", {**THANKS_DATA, "issued_on": None}, "data.issued_on"),
    ],
)
def test_bad_data_is_refused_with_the_field(
    template: str, data: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_data(template, data)
    assert caught.value.field == field


def test_a_missing_nested_field_is_named_with_its_path() -> None:
    data = {**LEADERS_ORDER_DATA, "sites": [{"site": "ОСМП", "leader_position": "зам"}]}
    with pytest.raises(InvalidInput) as caught:
        parse_data("order_site_leaders", data)
    assert caught.value.field == "data.sites[0].leader_name"
    with pytest.raises(InvalidInput) as empty:
        parse_data("order_site_leaders", {**LEADERS_ORDER_DATA, "sites": []})
    assert empty.value.field == "data.sites"
    without_number = {k: v for k, v in REGULATION_ORDER_DATA.items() if k != "order_number"}
    with pytest.raises(InvalidInput, match="номер приказа") as journal:
        parse_data("order_regulation", without_number)
    assert journal.value.field == "data.order_number"


def test_verification_numbers() -> None:
    number = new_verification_number()
    assert len(number) == 9 and number[4] == "-"
    assert normalise_number(number.lower()) == number
    assert normalise_number("7kq2m9xd") == "7KQ2-M9XD"
    assert normalise_number("7KQ2-M9XO") == "7KQ2-M9X0"
    assert normalise_number("../../etc") == ""
    assert [hours_phrase(n) for n in (1, 2, 6, 21, 36)] == [
        "1 час",
        "2 часа",
        "6 часов",
        "21 час",
        "36 часов",
    ]


# --- the DOCX of every template --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "render", "phrases", "images"),
    [
        (
            "certificate",
            certificate,
            [
                "СЕРТИФИКАТ",
                "Кузнецова Мария Ивановна",
                "учитель математики, МБОУ «СОШ № 7»",
                "принял(а) участие в работе муниципального семинара "
                "«Формирующее оценивание на уроках математики»",
                "«20» декабря 2021 г., в объёме 6 часов.",
                "Регистрационный № 7KQ2-M9XD",
                URL,
                "Н.А. Сладкова",
            ],
            1,
        ),
        (
            "internship_statement",
            statement,
            [
                "СПРАВКА",
                "о прохождении стажировки",
                "№\u00a07KQ2-M9XD",
                "с «13» декабря 2021 г. по «20» декабря 2021 г. прошёл(а) стажировку",
                "в объёме 36 часов",
                URL,
            ],
            1,
        ),
        (
            "letter_of_thanks",
            thanks,
            [
                "БЛАГОДАРСТВЕННОЕ ПИСЬМО",
                "Уважаемая Анна Викторовна!",
                "выражает Вам искреннюю благодарность за активное участие",
                "пгт Яя, «24» декабря 2021 г.",
                "Рег. № БП-12",
            ],
            0,
        ),
        (
            "order_regulation",
            regulation_order,
            [
                "Управление образования администрации Мариинского муниципального округа",
                "ПРИКАЗ",
                "от «20» декабря 2021 г.№\u00a01531",
                "г. Мариинск",
                "Об утверждении положения о муниципальной стажировочной площадке",
                "ПРИКАЗЫВАЮ:",
                "1. Утвердить Положение о муниципальной стажировочной площадке на базе "
                "МБОУ «СОШ № 7» (приложение 1).",
                "2. Направить положение о стажировочной площадке в образовательные организации.",
                "3. Разместить положение на официальном сайте управления образования.",
                "4. Контроль за исполнением приказа возложить на директора МКУ «ИМЦ» Орлову Т.Н.",
                "Начальник управления образования",
                "И.П. Иванова",
                "Приложение 1 к приказу от «20» декабря 2021 г. №\u00a01531",
                "ПОЛОЖЕНИЕ",
                "1.1. Стажировочная площадка создаётся на базе школы.",
            ],
            0,
        ),
        (
            "order_site_leaders",
            leaders_order,
            [
                "О назначении руководителей методических площадок",
                "от «15» октября 2026 г.№\u00a045-од",
                "пгт Яя",
                "1.1. ОСМП МБОУ «СОШ № 7»: руководитель – Кузнецова Ольга Викторовна, "
                "заместитель директора; соруководитель – Сергеева Елена Николаевна, "
                "методист ИМЦ;",
                "1.2. ОСМП МБДОУ «Детский сад № 3»: руководитель – Морозова Анна Павловна, "
                "заведующий.",
                "3. Контроль за исполнением настоящего приказа оставляю за собой.",
                "Н.А. Сладкова",
            ],
            0,
        ),
    ],
)
def test_template_renders_with_real_data_and_matches_its_golden_text(
    name: str, render: Any, phrases: list[str], images: int
) -> None:
    content = render()
    text = docx_text(content)
    for phrase in phrases:
        assert phrase in text, phrase
    assert "{{" not in text and "{%" not in text
    assert len(media(content)) == images  # the QR code of a verifiable paper
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden text {golden.name}: run with UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


def test_without_optional_fields_no_dangling_punctuation() -> None:
    data = parse_data(
        "certificate",
        {
            "participant_name": "Иванов Иван",
            "event_title": "Методический день",
            "event_date": "2022-03-05",
        },
    )
    assert isinstance(data, CertificateData)
    context = certificate_context(data, LETTERHEAD, number=NUMBER, verify_url=URL)
    text = docx_text(render_docx(CERTIFICATE, context, images={"qr": qr_image(URL)}))
    assert "принял(а) участие в работе мероприятия «Методический день»" in text
    assert "«05» марта 2022 г.." not in text and "«05» марта 2022 г." in text
    assert "\n,\n" not in text and ", ," not in text


# --- PDF through the real LibreOffice: the three templates in one run -----------------


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice is not installed")
async def test_all_papers_convert_in_one_batch_with_their_text(tmp_path: Path) -> None:
    async with WarmConverter(PdfConverter(), max_batch=10) as converter:
        pdfs = await converter.convert_many(
            [certificate(), statement(), thanks(), regulation_order()]
        )
        assert converter.batches == 1
    expected = [
        ["СЕРТИФИКАТ", "Кузнецова Мария Ивановна", "«20» декабря 2021 г.", "7KQ2-M9XD"],
        ["СПРАВКА", "Петров Пётр Сергеевич", "36 часов", "7KQ2-M9XD"],
        ["БЛАГОДАРСТВЕННОЕ ПИСЬМО", "Соколова Анна Викторовна", "«24» декабря 2021 г."],
        ["ПРИКАЗ", "№ 1531", "«20» декабря 2021 г.", "ПОЛОЖЕНИЕ", "И.П. Иванова"],
    ]
    for index, (pdf, phrases) in enumerate(zip(pdfs, expected, strict=True)):
        assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == (2 if index == 3 else 1)  # the order's appendix
        text = " ".join((page.extract_text() or "") for page in reader.pages)
        text = " ".join(text.split())
        for phrase in phrases:
            assert phrase in text, (index, phrase)
        path = tmp_path / f"{index}.pdf"
        path.write_bytes(pdf)
        rendered = await asyncio.to_thread(
            subprocess.run,
            ["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / f"page{index}")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert rendered.returncode == 0 and not rendered.stderr, rendered.stderr
        pages = await asyncio.to_thread(lambda: list(tmp_path.glob(f"page{index}*.png")))
        assert len(pages) == len(reader.pages)


# --- on request over HTTP, on a real database ------------------------------------------


class CountingConverter:
    def __init__(self) -> None:
        self.calls = 0

    async def convert(self, docx: bytes) -> bytes:
        assert docx.startswith(b"PK")
        self.calls += 1
        return b"%PDF-1.7 stand-in " + str(self.calls).encode()


SETTINGS = DocumentsSettings(
    service="documents",
    district="yaya",
    district_name="Яйский муниципальный округ",
    authority=LETTERHEAD.authority,
    place="пгт Яя",
    signatory_name="Сладкова Наталья Александровна",
    public_url="https://imc.example/",
    staff_token="s3cret",
)


@pytest.fixture
async def database(database_url: str) -> Database:
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db  # type: ignore[misc]
    await db.dispose()


def papers_for(database: Database, tmp_path: Path, converter: Any) -> PaperService:
    return PaperService(
        database=database,
        store=FileStore(tmp_path / "files"),
        converter=converter,
        letterhead=LETTERHEAD,
        district="Яйский муниципальный округ",
        verify_base_url=SETTINGS.public_url,
    )


async def test_rendered_once_per_source_and_template_version(
    database: Database, tmp_path: Path
) -> None:
    converter = CountingConverter()
    papers = papers_for(database, tmp_path, converter)
    first = await papers.render(RenderRequest("certificate", CERTIFICATE_DATA))
    again = await papers.render(RenderRequest("certificate", dict(CERTIFICATE_DATA)))
    assert first.created and not again.created
    assert again.document.id == first.document.id
    assert converter.calls == 1
    keyed = await papers.render(
        RenderRequest("certificate", CERTIFICATE_DATA, source_key="event:1:person:1")
    )
    keyed_again = await papers.render(
        RenderRequest("certificate", dict(CERTIFICATE_DATA, hours=8), source_key="event:1:person:1")
    )
    assert keyed.created and not keyed_again.created
    assert keyed.document.verification_number != first.document.verification_number
    # A changed template is a new version: the same source renders again.
    changed = tmp_path / "templates"
    changed.mkdir()
    for name in ("certificate.docx",):
        content = (CERTIFICATE.parent / name).read_bytes()
        with (
            zipfile.ZipFile(io.BytesIO(content)) as src,
            zipfile.ZipFile(changed / name, "w") as dst,
        ):
            for item in src.infolist():
                dst.writestr(item, src.read(item.filename))
            dst.writestr("docProps/custom-note.txt", "v2")
    papers.templates = changed
    newer = await papers.render(RenderRequest("certificate", CERTIFICATE_DATA))
    assert newer.created and newer.document.template_version != first.document.template_version
    assert converter.calls == 3


async def test_render_verify_and_revoke_over_http(database: Database, tmp_path: Path) -> None:
    converter = CountingConverter()
    papers = papers_for(database, tmp_path, converter)
    store = papers.store
    await database.engine.dispose()
    app = create_http_app(
        [RenderController, VerifyController, DocumentController],
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
        missing = await client.post(
            "/documents/render",
            json={"template": "certificate", "data": {"event_title": "Семинар"}},
        )
        assert missing.status_code == 422
        assert "ФИО участника" in missing.text or "дата мероприятия" in missing.text
        created = await client.post(
            "/documents/render", json={"template": "certificate", "data": CERTIFICATE_DATA}
        )
        assert created.status_code == 201, created.text
        doc = created.json()
        assert doc["kind"] == "certificate"
        assert doc["person_name"] == "Кузнецова Мария Ивановна"
        assert doc["number"] == doc["verification_number"]
        twice = await client.post(
            "/documents/render", json={"template": "certificate", "data": CERTIFICATE_DATA}
        )
        assert twice.status_code == 200 and twice.json()["id"] == doc["id"]
        thanks_doc = await client.post(
            "/documents/render", json={"template": "letter_of_thanks", "data": THANKS_DATA}
        )
        assert thanks_doc.status_code == 201 and thanks_doc.json()["verification_number"] is None
        listed = (await client.get("/documents")).json()
        assert {d["kind"] for d in listed} == {"certificate", "letter_of_thanks"}
        assert all(d["organisation_id"] and d["number"] for d in listed)
        docx = await client.get(f"/documents/{doc['id']}/file.docx")
        assert docx.status_code == 200
        assert "sertifikat" in docx.headers["content-disposition"]
        assert "Кузнецова Мария Ивановна" in docx_text(docx.content)
        assert media(docx.content)
        templates = (await client.get("/documents/render/templates")).json()
        assert {t["template"] for t in templates} == {
            "certificate",
            "internship_statement",
            "letter_of_thanks",
            "order_regulation",
            "order_site_leaders",
        }
        order = await client.post(
            "/documents/render",
            json={"template": "order_regulation", "data": REGULATION_ORDER_DATA},
        )
        assert order.status_code == 201, order.text
        assert order.json()["number"] == "1531"  # the journal's number, not a made-up one
        assert order.json()["verification_number"] is None

        number = doc["number"]
        page = await client.get(f"/verify/{number.lower()}")
        assert page.status_code == 200
        assert "text/html" in page.headers["content-type"]
        for phrase in (
            "подлинный и действителен",
            "Кузнецова Мария Ивановна",
            "Сертификат участника",
            "«20» декабря 2021 г.",
            "Яйский муниципальный округ",
        ):
            assert phrase in page.text, phrase
        unknown = await client.get("/verify/0000-0000")
        assert unknown.status_code == 404 and "не найден" in unknown.text
        garbage = await client.get("/verify/%3Cscript%3E")
        assert garbage.status_code == 404 and "<script>" not in garbage.text

        forbidden = await client.post(f"/verify/{number}/revoke", json={"reason": "ошибка"})
        assert forbidden.status_code == 403
        no_reason = await client.post(
            f"/verify/{number}/revoke", json={"reason": " "}, headers={"x-staff-token": "s3cret"}
        )
        assert no_reason.status_code == 422
        revoked = await client.post(
            f"/verify/{number}/revoke",
            json={"reason": "выдан ошибочно"},
            headers={"x-staff-token": "s3cret"},
        )
        assert revoked.status_code == 200 and revoked.json()["revoked_at"]
        page = await client.get(f"/verify/{number}")
        assert "отозван" in page.text and "выдан ошибочно" in page.text
        assert "действителен" not in page.text
        unknown_revoke = await client.post(
            "/verify/0000-0000/revoke",
            json={"reason": "x"},
            headers={"x-staff-token": "s3cret"},
        )
        assert unknown_revoke.status_code == 404
