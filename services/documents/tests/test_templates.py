"""The documents' templates rendered for realistic messages: DOCX text, and PDF text
through the real LibreOffice (one converter, one conversion per template)."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import pytest
from docx import Document

from imc_contracts import (
    AgendaItemResult,
    CouncilMeetingHeld,
    DecisionMade,
    Leader,
    OrderIssued,
    VoteTally,
)
from imc_contracts.vocabulary import SITE_KIND_TITLES, TERMINATION_GROUNDS
from imc_documents.domain.common import NO_ORGANISATION, DocumentSpec, Letterhead
from imc_documents.domain.kinds import kind_names, regulation_instrumental
from imc_documents.domain.letter import refusal_document
from imc_documents.domain.order import InvalidOrder, grounds_words, order_document
from imc_documents.domain.protocol import extract_document, members_phrase, protocol_document
from imc_documents.rendering.docx import TemplateError, render_docx
from imc_documents.rendering.pdf import PdfConversionError, PdfConverter
from imc_documents.templates import (
    ALL_TEMPLATES,
    ORDER_SITE_STATUS,
    ROAD_MAP,
    TEMPLATES_DIR,
    WORK_PLAN,
)

HAS_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))
needs_soffice = pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice is not installed")

TOPIC = "Формирование функциональной грамотности обучающихся на уроках естественно-научного цикла"
FULL_NAME = (
    "Муниципальное бюджетное общеобразовательное учреждение "
    "«Яйская средняя общеобразовательная школа № 2»"
)
SHORT_NAME = "МБОУ «Яйская СОШ № 2»"
LETTERHEAD = Letterhead(
    authority="Муниципальное бюджетное учреждение «Информационно-методический центр "
    "Управления образования администрации Яйского муниципального округа»",
    district_name="Яйский муниципальный округ",
    place="пгт Яя",
    signatory_name="Сладкова Наталья Александровна",
    signatory_position="директор",
)


def order(**changes: Any) -> OrderIssued:
    """An order of the Yaya IMC (seed 000) for a school of the district."""
    values: dict[str, Any] = {
        "order_id": UUID("0192f5a0-0000-7000-8000-000000000108"),
        "kind": "assignment",
        "number": "147-од",
        "order_date": date(2026, 10, 15),
        "issuer": LETTERHEAD.authority,
        "signatory": Leader(full_name="Кузнецова Марина Ивановна", position="директор"),
        "site_id": UUID("0192f5a0-0000-7000-8000-000000000104"),
        "organisation_id": UUID("0192f5a0-0000-7000-8000-000000000101"),
        "organisation_full_name": FULL_NAME,
        "organisation_short_name": SHORT_NAME,
        "site_kind": "osmp",
        "topic": TOPIC,
        "term_start": date(2026, 10, 15),
        "term_end": date(2028, 10, 14),
        "leader": Leader(
            full_name="Кузнецова Ольга Викторовна",
            position="заместитель директора по учебно-воспитательной работе",
        ),
        "co_leader": Leader(
            full_name="Сергеева Елена Николаевна", position="методист МБУ ИМЦ УО Яйского округа"
        ),
        "decision_id": UUID("0192f5a0-0000-7000-8000-000000000103"),
        "council_protocol": "протокол № 3 от 14.10.2026",
    }
    values.update(changes)
    return OrderIssued(**values)


def refusal(**changes: Any) -> DecisionMade:
    values: dict[str, Any] = {
        "decision_id": UUID("0192f5a0-0000-7000-8000-000000000203"),
        "application_id": UUID("0192f5a0-0000-7000-8000-000000000202"),
        "organisation_id": UUID("0192f5a0-0000-7000-8000-000000000101"),
        "organisation_full_name": FULL_NAME,
        "organisation_short_name": SHORT_NAME,
        "site_kind": "internship",
        "topic": TOPIC,
        "outcome": "refused",
        "decided_on": date(2026, 10, 14),
        "council_protocol": "протокол № 3 от 14.10.2026",
        "reason": "не представлен план работы площадки на период действия статуса",
    }
    values.update(changes)
    return DecisionMade(**values)


def meeting(**changes: Any) -> CouncilMeetingHeld:
    members = (
        "Кузнецова Марина Ивановна",
        "Орлова Татьяна Николаевна",
        "Петрова Анна Сергеевна",
        "Соколова Ирина Васильевна",
        "Морозов Алексей Игоревич",
    )
    items = (
        AgendaItemResult(
            item_id=UUID("0192f5a0-0000-7000-8000-000000000301"),
            number=1,
            type="application",
            title=f"О присвоении статуса опорной (стажировочной) методической площадки "
            f"{SHORT_NAME}",
            speaker="Петрова Анна Сергеевна, методист",
            tally=VoteTally(votes_for=5, votes_against=0, abstained=0),
            adopted=True,
            decision_text=f"Присвоить {SHORT_NAME} статус опорной (стажировочной) методической "
            f"площадки по теме «{TOPIC}» на срок два года.",
            organisation_id=UUID("0192f5a0-0000-7000-8000-000000000101"),
            organisation_short_name=SHORT_NAME,
        ),
        AgendaItemResult(
            item_id=UUID("0192f5a0-0000-7000-8000-000000000302"),
            number=2,
            type="termination",
            title="О прекращении деятельности инновационной школы МБОУ «Яйская ООШ № 4»",
            speaker="Соколова Ирина Васильевна, заместитель директора ИМЦ",
            tally=VoteTally(votes_for=2, votes_against=2, abstained=1),
            adopted=False,
            decision_text="Прекратить деятельность инновационной школы МБОУ «Яйская ООШ № 4».",
            organisation_id=UUID("0192f5a0-0000-7000-8000-000000000102"),
            organisation_short_name="МБОУ «Яйская ООШ № 4»",
        ),
    )
    values: dict[str, Any] = {
        "meeting_id": UUID("0192f5a0-0000-7000-8000-000000000309"),
        "protocol_number": "3",
        "held_on": date(2026, 10, 14),
        "place": "пгт Яя",
        "chair": "Кузнецова Марина Ивановна",
        "secretary": "Орлова Татьяна Николаевна",
        "members_total": 7,
        "members_present": members,
        "quorum": True,
        "items": items,
    }
    values.update(changes)
    return CouncilMeetingHeld(**values)


def normalise(text: str) -> str:
    """Collapse whitespace (incl. NBSP) and glue words broken after a hyphen."""
    return re.sub(r"-\s+", "-", " ".join(text.split()))


def docx_text(document: bytes) -> str:
    """All text of a DOCX: body paragraphs and table cells."""
    doc = Document(io.BytesIO(document))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return normalise("\n".join(parts))


def render(spec: DocumentSpec) -> bytes:
    return render_docx(TEMPLATES_DIR / spec.template, spec.context)


def assert_clean(text: str) -> None:
    assert "{{" not in text
    assert "{%" not in text
    assert "None" not in text


# --- templates -----------------------------------------------------------------------


@pytest.mark.parametrize("template", ALL_TEMPLATES, ids=lambda p: p.stem)
def test_template_is_a4_with_gost_margins_and_whole_tags(template: Path) -> None:
    doc = Document(str(template))
    section = doc.sections[0]
    size = (round(section.page_width.mm), round(section.page_height.mm))
    # Plans are wide tables: A4 turned to landscape, the margins the same.
    assert size == ((297, 210) if template in (ROAD_MAP, WORK_PLAN) else (210, 297))
    assert round(section.left_margin.mm) == 30
    assert 10 <= round(section.right_margin.mm) <= 15
    assert round(section.top_margin.mm) == round(section.bottom_margin.mm) == 20
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman"
    assert normal.size.pt == 14
    paragraphs = list(doc.paragraphs)
    paragraphs += [p for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    for paragraph in paragraphs:
        for run in paragraph.runs:
            text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", run.text)
            assert not any(mark in text for mark in ("{{", "}}", "{%", "%}")), run.text


# --- names of the kinds --------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "genitive", "regulation"),
    [
        (
            "osmp",
            "опорной (стажировочной) методической площадки",
            "Положением об опорной (стажировочной) методической площадке",
        ),
        (
            "internship",
            "муниципальной стажировочной площадки",
            "Положением о муниципальной стажировочной площадке",
        ),
        ("innovation_school", "инновационной школы", "Положением о школах"),
        ("support_school", "опорной школы", "Положением о школах"),
        ("edtech_lab", "лаборатории образовательных технологий", "Положением о школах"),
        ("base_site", "базовой методической площадки", "Положением о межмуниципальном"),
        ("intermunicipal_support", "межмуниципальной опорной площадки", "Положением о меж"),
        ("intermunicipal_resource", "межмуниципального ресурсного центра", "Положением о меж"),
    ],
)
def test_kind_names(kind: str, genitive: str, regulation: str) -> None:
    names = kind_names(kind)
    assert names.title == SITE_KIND_TITLES[kind]
    assert names.title_genitive == genitive
    assert names.regulation_instrumental.startswith(regulation)
    assert "(00" not in names.regulation_instrumental


def test_regulation_instrumental_drops_the_citation_code() -> None:
    assert (
        regulation_instrumental("Положение о муниципальной стажировочной площадке (001)")
        == "Положением о муниципальной стажировочной площадке"
    )


def test_grounds_in_words() -> None:
    assert grounds_words(("term_over",), "") == TERMINATION_GROUNDS["term_over"]
    assert grounds_words(("staff_changes", "other"), "переезд школы. ") == (
        "изменения в кадровом составе, влияющие на работу; иные обоснованные причины: переезд школы"
    )
    assert grounds_words((), "решение учредителя") == "решение учредителя"
    with pytest.raises(InvalidOrder, match="no grounds"):
        grounds_words((), "")
    with pytest.raises(InvalidOrder, match="unknown"):
        grounds_words(("weather",), "")


def test_members_phrase() -> None:
    assert members_phrase(5, 7) == "5 из 7 членов методического совета"
    assert members_phrase(11, 21) == "11 из 21 члена методического совета"


# --- orders --------------------------------------------------------------------------


def test_assignment_order_text() -> None:
    spec = order_document(order(), LETTERHEAD)
    assert spec.kind == "order_site_status"
    assert spec.subject_id == order().order_id
    assert spec.number == "147-од"
    assert spec.title == (
        f"О присвоении статуса опорной (стажировочной) методической площадки {SHORT_NAME}"
    )
    text = docx_text(render(spec))
    assert_clean(text)
    assert text.startswith("Муниципальное бюджетное учреждение «Информационно-методический")
    assert "ПРИКАЗ" in text
    assert "от «15» октября 2026 г. № 147-од" in text
    assert "пгт Яя" in text
    assert "В соответствии с Положением об опорной (стажировочной) методической площадке" in text
    assert "(протокол № 3 от 14.10.2026)" in text
    assert "муниципальной системы образования Яйского муниципального округа" in text
    assert "1. Присвоить муниципальному бюджетному общеобразовательному учреждению" in text
    assert f"(далее – ОСМП) по теме «{TOPIC}»" in text
    assert "на срок с 15.10.2026 по 14.10.2028 (2 года)" in text
    assert "2.1. руководитель ОСМП – Кузнецова Ольга Викторовна, заместитель директора" in text
    assert "2.2. соруководитель ОСМП – Сергеева Елена Николаевна, методист" in text
    assert "совместно с соруководителем" in text
    assert "Директор М.И. Кузнецова" in text  # signatory from the message, not the settings
    assert "О.В. Кузнецова" in text
    assert "Е.Н. Сергеева" in text


def test_assignment_without_co_leader_and_with_escaping() -> None:
    spec = order_document(
        order(
            site_kind="internship",
            co_leader=None,
            term_end=date(2027, 4, 14),
            topic="Школа & семья: <партнёрство>",
        ),
        LETTERHEAD,
    )
    text = docx_text(render(spec))
    assert_clean(text)
    assert "О присвоении статуса муниципальной стажировочной площадки" in text
    assert "(далее – стажировочная площадка)" in text
    assert "(6 месяцев)" in text
    assert "руководство стажировочной площадки: руководитель стажировочной площадки – " in text
    assert "соруководител" not in text
    assert "Е.Н. Сергеева" not in text
    assert "«Школа & семья: <партнёрство>»" in text


def test_extension_order_text() -> None:
    spec = order_document(
        order(kind="extension", term_end=date(2029, 10, 14), extension_months=12), LETTERHEAD
    )
    assert spec.kind == "order_site_extension"
    text = docx_text(render(spec))
    assert_clean(text)
    assert (
        f"О продлении срока деятельности опорной (стажировочной) методической площадки {SHORT_NAME}"
    ) in text
    assert "1. Продлить срок деятельности опорной (стажировочной) методической площадки" in text
    assert "на базе муниципального бюджетного общеобразовательного учреждения" in text
    assert "на 1 год (по 14.10.2029 включительно)" in text
    assert "(протокол № 3 от 14.10.2026)" in text
    assert "2. Сохранить руководство ОСМП:" in text


def test_termination_order_text() -> None:
    spec = order_document(
        order(
            kind="termination",
            site_kind="innovation_school",
            co_leader=None,
            effective_on=date(2027, 1, 1),
            grounds=("quality_decline", "other"),
            grounds_text="по ходатайству организации",
        ),
        LETTERHEAD,
    )
    assert spec.kind == "order_site_termination"
    text = docx_text(render(spec))
    assert_clean(text)
    assert f"О прекращении деятельности инновационной школы {SHORT_NAME}" in text
    assert "В соответствии с Положением о школах, обладающих статусом инновационной" in text
    assert "1. Прекратить деятельность инновационной школы (далее – инновационная школа)" in text
    assert "с 01.01.2027" in text
    assert (
        "Основание прекращения деятельности: снижение качества образовательного процесса; "
        "иные обоснованные причины: по ходатайству организации."
    ) in text


def test_blank_issuer_and_signatory_fall_back_to_the_letterhead() -> None:
    spec = order_document(
        order(issuer=" ", signatory=Leader(full_name="", position="")), LETTERHEAD
    )
    assert spec.context["issuer"] == LETTERHEAD.authority
    assert spec.context["signatory_position"] == "Директор"
    assert spec.context["signatory_initials"] == "Н.А. Сладкова"


def test_termination_without_grounds_is_invalid() -> None:
    with pytest.raises(InvalidOrder):
        order_document(order(kind="termination"), LETTERHEAD)


@pytest.mark.parametrize("order_kind", ["assignment", "extension", "termination"])
@pytest.mark.parametrize("site_kind", sorted(SITE_KIND_TITLES))
def test_every_order_renders_for_every_kind(order_kind: str, site_kind: str) -> None:
    spec = order_document(
        order(kind=order_kind, site_kind=site_kind, grounds=("other",), extension_months=6),
        LETTERHEAD,
    )
    text = docx_text(render(spec))
    assert_clean(text)
    names = kind_names(site_kind)
    assert names.title_genitive in text
    assert f"(далее – {names.short})" in text
    assert "Контроль за исполнением настоящего приказа оставляю за собой." in text


# --- refusal letter, protocol, extract -----------------------------------------------


def test_refusal_letter_text() -> None:
    spec = refusal_document(refusal(), LETTERHEAD, date(2026, 10, 16))
    assert spec.kind == "refusal_letter"
    assert spec.subject_id == refusal().decision_id
    text = docx_text(render(spec))
    assert_clean(text)
    assert "Руководителю МБОУ «Яйская СОШ № 2»" in text
    assert "от «16» октября 2026 г." in text
    assert "Об отказе в присвоении статуса муниципальной стажировочной площадки" in text
    assert "рассмотрена на заседании Методического совета 14.10.2026" in text
    assert "(протокол № 3 от 14.10.2026)" in text
    assert "принял решение отказать в присвоении статуса" in text
    assert "Причина отказа: не представлен план работы площадки" in text
    assert "Директор Н.А. Сладкова" in text


def test_refusal_letter_without_reason() -> None:
    text = docx_text(render(refusal_document(refusal(reason=None), LETTERHEAD, date.today())))
    assert_clean(text)
    assert "Причина отказа" not in text


def test_protocol_text() -> None:
    spec = protocol_document(meeting(), LETTERHEAD)
    assert spec.kind == "council_protocol"
    assert spec.subject_id == meeting().meeting_id
    assert spec.organisation_id == NO_ORGANISATION
    text = docx_text(render(spec))
    assert_clean(text)
    assert "ПРОТОКОЛ № 3" in text
    assert "заседания методического совета" in text
    assert "«14» октября 2026 г. пгт Яя" in text
    assert "Председатель – Кузнецова Марина Ивановна" in text
    assert "Секретарь – Орлова Татьяна Николаевна" in text
    assert "Присутствовали: 5 из 7 членов методического совета: Кузнецова Марина" in text
    assert "Кворум имеется." in text
    assert "ПОВЕСТКА ДНЯ: 1. О присвоении статуса" in text
    assert "2. О прекращении деятельности инновационной школы" in text
    assert "СЛУШАЛИ: Петрова Анна Сергеевна, методист." in text
    assert "ГОЛОСОВАЛИ: «за» – 5, «против» – 0, «воздержались» – 0." in text
    assert "ГОЛОСОВАЛИ: «за» – 2, «против» – 2, «воздержались» – 1." in text
    assert f"РЕШИЛИ: Присвоить {SHORT_NAME} статус" in text
    assert text.count("Решение не принято.") == 1
    assert "Председатель М.И. Кузнецова" in text
    assert "Секретарь Т.Н. Орлова" in text


def test_protocol_without_quorum() -> None:
    text = docx_text(render(protocol_document(meeting(quorum=False), LETTERHEAD)))
    assert "Кворум отсутствует." in text


def test_extract_has_its_item_only() -> None:
    held = meeting()
    spec = extract_document(held, held.items[1], LETTERHEAD)
    assert spec.kind == "council_extract"
    assert spec.subject_id == held.items[1].item_id
    assert spec.organisation_id == held.items[1].organisation_id
    text = docx_text(render(spec))
    assert_clean(text)
    assert "ВЫПИСКА ИЗ ПРОТОКОЛА № 3" in text
    assert "2. О прекращении деятельности инновационной школы" in text
    assert "О присвоении статуса" not in text
    assert "ГОЛОСОВАЛИ: «за» – 2, «против» – 2, «воздержались» – 1." in text
    assert "Решение не принято." in text
    assert "Выписка верна." in text


# --- the renderer --------------------------------------------------------------------


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
    context = order_document(order(), LETTERHEAD).context
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


# --- PDF through the real LibreOffice ------------------------------------------------


def documents() -> list[tuple[DocumentSpec, list[str]]]:
    """Every document made from a message, with phrases its PDF must hold."""
    held = meeting()
    return [
        (
            order_document(order(), LETTERHEAD),
            ["ПРИКАЗ", "№ 147-од", "«15» октября 2026 г.", TOPIC, "ПРИКАЗЫВАЮ", "М.И. Кузнецова"],
        ),
        (
            order_document(
                order(kind="extension", term_end=date(2029, 10, 14), extension_months=12),
                LETTERHEAD,
            ),
            ["О продлении срока деятельности", "по 14.10.2029 включительно"],
        ),
        (
            order_document(
                order(kind="termination", grounds=("term_over",), effective_on=date(2028, 10, 15)),
                LETTERHEAD,
            ),
            ["О прекращении деятельности", "завершение срока деятельности"],
        ),
        (
            refusal_document(refusal(), LETTERHEAD, date(2026, 10, 16)),
            ["Об отказе в присвоении статуса", "Причина отказа"],
        ),
        (
            protocol_document(held, LETTERHEAD),
            ["ПРОТОКОЛ № 3", "ПОВЕСТКА ДНЯ", "СЛУШАЛИ", "ГОЛОСОВАЛИ", "«воздержались» – 1"],
        ),
        (
            extract_document(held, held.items[0], LETTERHEAD),
            ["ВЫПИСКА ИЗ ПРОТОКОЛА № 3", "РЕШИЛИ", "Выписка верна"],
        ),
    ]


@pytest.mark.parametrize("index", range(6), ids=lambda i: documents()[i][0].kind)
def test_every_document_matches_its_golden_text(index: int, golden: Any) -> None:
    spec, _ = documents()[index]
    golden(spec.template.removesuffix(".docx"), render(spec))


async def test_every_document_converts_to_pdf_with_its_russian_text(
    warm_converter: Any, check_pdf: Any
) -> None:
    made = documents()
    pdfs = await warm_converter.convert_many([render(spec) for spec, _ in made])
    for (spec, phrases), pdf in zip(made, pdfs, strict=True):
        assert isinstance(pdf, bytes), (spec.kind, pdf)
        assert await asyncio.to_thread(check_pdf, spec.kind, pdf, phrases) >= 1


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
            await converter.convert(render(order_document(order(), LETTERHEAD)))


def test_specs_are_plain_data() -> None:
    """A spec's context survives msgspec encoding (no live objects leak into templates)."""
    held = meeting()
    for spec in (
        order_document(order(), LETTERHEAD),
        refusal_document(refusal(), LETTERHEAD, date(2026, 10, 16)),
        protocol_document(held, LETTERHEAD),
        extract_document(held, held.items[0], LETTERHEAD),
    ):
        assert msgspec.json.decode(msgspec.json.encode(spec.context)) is not None
