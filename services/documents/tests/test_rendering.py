"""Rendering of the order on a site status: Russian helpers, DOCX template, PDF."""

from __future__ import annotations

import io
import re
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from imc_documents.domain.order import (
    OSMP_TITLE,
    SiteOrderData,
    order_context,
    organisation_dative,
)
from imc_documents.domain.russian import (
    dative_phrase,
    format_date_numeric,
    format_date_official,
    genitive_phrase,
    initials_surname,
    lower_first,
    plural_ru,
    years_phrase,
)
from imc_documents.rendering.docx import TemplateError, render_docx
from imc_documents.rendering.pdf import PdfConversionError, PdfConverter
from imc_documents.templates import ORDER_SITE_STATUS

HAS_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))
needs_soffice = pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice is not installed")

TOPIC = "Формирование функциональной грамотности обучающихся на уроках естественно-научного цикла"


def yaya_order(**changes: object) -> SiteOrderData:
    """An order of the Yaya IMC (seed 000) for a school of the district."""
    values: dict[str, object] = {
        "authority": (
            "Муниципальное бюджетное учреждение «Информационно-методический центр "
            "Управления образования администрации Яйского муниципального округа»"
        ),
        "district_name": "Яйский муниципальный округ",
        "place": "пгт Яя",
        "order_number": "147",
        "order_date": date(2025, 9, 22),
        "organisation_full_name": (
            "Муниципальное бюджетное общеобразовательное учреждение "
            "«Яйская средняя общеобразовательная школа № 2»"
        ),
        "organisation_short_name": "МБОУ «Яйская СОШ № 2»",
        "site_kind_title": OSMP_TITLE,
        "topic": TOPIC,
        "term_start": date(2025, 10, 1),
        "term_end": date(2027, 9, 30),
        "term_years": 2,
        "leader_name": "Кузнецова Ольга Викторовна",
        "leader_position": (
            "заместитель директора по учебно-воспитательной работе МБОУ «Яйская СОШ № 2»"
        ),
        "co_leader_name": "Сергеева Елена Николаевна",
        "co_leader_position": "методист МБУ ИМЦ УО Яйского округа",
        "signatory_position": "Директор",
        "signatory_name": "Сладкова Наталья Александровна",
        "council_protocol": "протокол № 3 от 15.09.2025",
    }
    values.update(changes)
    return SiteOrderData(**values)  # type: ignore[arg-type]


def normalise(text: str) -> str:
    """Collapse whitespace (incl. NBSP) and glue words broken after a hyphen."""
    return re.sub(r"-\s+", "-", " ".join(text.split()))


def docx_text(document: bytes) -> str:
    """All text of a DOCX: body paragraphs and table cells."""
    doc = Document(io.BytesIO(document))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return normalise("\n".join(parts))


def pdf_text(pdf: bytes) -> str:
    """All text of a PDF as pypdf extracts it, whitespace normalised."""
    reader = PdfReader(io.BytesIO(pdf))
    return normalise("\n".join(page.extract_text() for page in reader.pages))


# --- Russian helpers ---------------------------------------------------------------


def test_format_date_official() -> None:
    assert format_date_official(date(2021, 12, 20)) == "«20» декабря 2021 г."
    assert format_date_official(date(2025, 3, 5)) == "«05» марта 2025 г."
    assert format_date_official(date(2024, 5, 1)) == "«01» мая 2024 г."


def test_format_date_numeric() -> None:
    assert format_date_numeric(date(2021, 12, 20)) == "20.12.2021"
    assert format_date_numeric(date(2025, 1, 9)) == "09.01.2025"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 лет"),
        (1, "1 год"),
        (2, "2 года"),
        (3, "3 года"),
        (4, "4 года"),
        (5, "5 лет"),
        (11, "11 лет"),
        (12, "12 лет"),
        (14, "14 лет"),
        (21, "21 год"),
        (22, "22 года"),
        (25, "25 лет"),
        (101, "101 год"),
        (111, "111 лет"),
        (112, "112 лет"),
        (1004, "1004 года"),
    ],
)
def test_years_phrase(n: int, expected: str) -> None:
    assert years_phrase(n) == expected


def test_plural_ru_other_words() -> None:
    forms = ("площадка", "площадки", "площадок")
    assert [plural_ru(n, forms) for n in (1, 3, 7, 13, 31)] == [
        "площадка",
        "площадки",
        "площадок",
        "площадок",
        "площадка",
    ]


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Сладкова Наталья Александровна", "Н.А. Сладкова"),
        ("  Скутина   Ольга  Анатольевна ", "О.А. Скутина"),
        ("Сладкова Н.А.", "Н.А. Сладкова"),
        ("Сладкова Н. А.", "Н.А. Сладкова"),
        ("Н.А. Сладкова", "Н.А. Сладкова"),
        ("Римский-Корсаков Николай Андреевич", "Н.А. Римский-Корсаков"),
        ("Иванова Мария", "М. Иванова"),
        ("Иванова", "Иванова"),
    ],
)
def test_initials_surname(full_name: str, expected: str) -> None:
    assert initials_surname(full_name) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        (OSMP_TITLE, "опорной (стажировочной) методической площадки"),
        ("Яйский муниципальный округ", "Яйского муниципального округа"),
        ("Мариинский муниципальный район", "Мариинского муниципального района"),
        ("городской округ", "городского округа"),
        ("муниципальная инновационная площадка", "муниципальной инновационной площадки"),
        ("общая школа", "общей школы"),
        ("ресурсный центр", "ресурсного центра"),
        ("МО «город Бугуруслан»", "МО «город Бугуруслан»"),
    ],
)
def test_genitive_phrase(phrase: str, expected: str) -> None:
    assert genitive_phrase(phrase) == expected


def test_dative_phrase_and_organisation() -> None:
    assert (
        dative_phrase("муниципальное автономное учреждение дополнительного образования")
        == "муниципальному автономному учреждению дополнительного образования"
    )
    assert (
        organisation_dative(
            "Муниципальное бюджетное общеобразовательное учреждение «Яйская СОШ № 2»"
        )
        == "муниципальному бюджетному общеобразовательному учреждению «Яйская СОШ № 2»"
    )
    assert (
        organisation_dative("Муниципальная бюджетная общеобразовательная организация «Лицей»")
        == "муниципальной бюджетной общеобразовательной организации «Лицей»"
    )
    # Not declinable (starts with an abbreviation): a generic dative noun in front.
    assert (
        organisation_dative("МБОУ «Яйская СОШ № 2»")
        == "образовательной организации МБОУ «Яйская СОШ № 2»"
    )
    assert lower_first("Муниципальное учреждение") == "муниципальное учреждение"
    assert lower_first("МБОУ «СОШ»") == "МБОУ «СОШ»"


# --- order data and context --------------------------------------------------------


def test_order_context_values() -> None:
    context = order_context(yaya_order())
    assert context["order_date_official"] == "«22» сентября 2025 г."
    assert context["order_date_numeric"] == "22.09.2025"
    assert context["term_start_numeric"] == "01.10.2025"
    assert context["term_end_numeric"] == "30.09.2027"
    assert context["term_years_phrase"] == "2 года"
    assert context["leader_initials"] == "О.В. Кузнецова"
    assert context["co_leader_initials"] == "Е.Н. Сергеева"
    assert context["signatory_initials"] == "Н.А. Сладкова"
    assert context["site_kind_title_genitive"] == "опорной (стажировочной) методической площадки"
    assert context["district_name_genitive"] == "Яйского муниципального округа"
    assert context["topic"] == TOPIC
    assert context["council_protocol"] == "протокол № 3 от 15.09.2025"


def test_order_data_rejects_inverted_term() -> None:
    with pytest.raises(ValueError, match="term_end"):
        yaya_order(term_start=date(2026, 1, 1), term_end=date(2025, 1, 1))
    with pytest.raises(ValueError, match="term_years"):
        yaya_order(term_years=0)


# --- DOCX --------------------------------------------------------------------------


def test_template_exists_and_is_a4_with_gost_margins() -> None:
    doc = Document(str(ORDER_SITE_STATUS))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30
    assert 10 <= round(section.right_margin.mm) <= 15
    assert round(section.top_margin.mm) == round(section.bottom_margin.mm) == 20
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman"
    assert normal.size.pt == 14


def test_template_tags_are_not_split_across_runs() -> None:
    doc = Document(str(ORDER_SITE_STATUS))
    for paragraph in doc.paragraphs:
        for run in paragraph.runs:
            text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", run.text)
            assert not any(mark in text for mark in ("{{", "}}", "{%", "%}")), run.text


def test_render_docx_contains_date_number_and_text() -> None:
    document = render_docx(ORDER_SITE_STATUS, order_context(yaya_order()))
    text = docx_text(document)
    assert "от «22» сентября 2025 г. № 147" in text
    assert "ПРИКАЗ" in text
    assert "пгт Яя" in text
    assert (
        "О присвоении статуса опорной (стажировочной) методической площадки МБОУ «Яйская СОШ № 2»"
    ) in text
    assert "(протокол № 3 от 15.09.2025)" in text
    assert f"по теме «{TOPIC}»" in text
    assert "с 01.10.2025 по 30.09.2027 (2 года)" in text
    assert "Присвоить муниципальному бюджетному общеобразовательному учреждению" in text
    assert "руководитель ОСМП – Кузнецова Ольга Викторовна" in text
    assert "соруководитель ОСМП – Сергеева Елена Николаевна, методист" in text
    assert "Н.А. Сладкова" in text
    assert "{{" not in text
    assert "{%" not in text


def test_render_docx_without_protocol_and_with_escaping() -> None:
    data = yaya_order(
        council_protocol=None,
        term_years=1,
        term_end=date(2026, 9, 30),
        topic="Школа & семья: <партнёрство>",
    )
    text = docx_text(render_docx(ORDER_SITE_STATUS, order_context(data)))
    assert "решения Методического совета, в целях" in text
    assert "протокол" not in text
    assert "(1 год)" in text
    assert "«Школа & семья: <партнёрство>»" in text


def test_unknown_variable_raises_template_error(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("Приказ № {{ order_number }} от {{ order_dat_official }}")
    template = tmp_path / "broken.docx"
    doc.save(str(template))
    with pytest.raises(TemplateError, match="order_dat_official") as caught:
        render_docx(template, {"order_number": "1"})
    assert caught.value.variable == "order_dat_official"
    assert caught.value.missing == frozenset({"order_dat_official"})


def test_missing_context_key_for_real_template_raises() -> None:
    context = order_context(yaya_order())
    del context["topic"]
    with pytest.raises(TemplateError) as caught:
        render_docx(ORDER_SITE_STATUS, context)
    assert caught.value.variable == "topic"


def test_undefined_attribute_raises_template_error(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("{{ leader.full_name }}")
    template = tmp_path / "attr.docx"
    doc.save(str(template))
    with pytest.raises(TemplateError, match="full_name") as caught:
        render_docx(template, {"leader": {}})
    assert caught.value.variable == "full_name"


# --- PDF ---------------------------------------------------------------------------


@needs_soffice
async def test_order_pdf_contains_topic_number_and_date(tmp_path: Path) -> None:
    document = render_docx(ORDER_SITE_STATUS, order_context(yaya_order()))
    async with PdfConverter() as converter:
        started = time.perf_counter()
        pdf = await converter.convert(document)
        cold = time.perf_counter() - started
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "ПРИКАЗ" in text
    assert "№ 147" in text
    assert "«22» сентября 2025 г." in text
    assert TOPIC in text
    assert "Н.А. Сладкова" in text
    (tmp_path / "order.pdf").write_bytes(pdf)
    print(f"cold DOCX→PDF conversion: {cold:.2f} s")


@needs_soffice
async def test_converter_rejects_garbage() -> None:
    async with PdfConverter() as converter:
        with pytest.raises(PdfConversionError, match="DOCX"):
            await converter.convert(b"this is not a docx")
        with pytest.raises(PdfConversionError, match="could not be loaded"):
            await converter.convert(b"PK\x03\x04" + bytes(200))


@needs_soffice
async def test_converter_times_out() -> None:
    async with PdfConverter(timeout=0.05) as converter:
        with pytest.raises(PdfConversionError, match=r"0\.05"):
            await converter.convert(render_docx(ORDER_SITE_STATUS, order_context(yaya_order())))
