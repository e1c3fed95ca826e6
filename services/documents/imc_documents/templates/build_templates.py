"""Build the DOCX templates of the documents service with python-docx.

Run ``uv run python -m imc_documents.templates.build_templates [name …]`` to regenerate
the ``.docx`` files next to this script (only the named ones, e.g. ``teacher_transcript``;
all of them when none is named). The templates use docxtpl's Jinja tags;
every tag is written inside one run so that Word keeps it intact and docxtpl
finds it. Layout follows ГОСТ Р 7.0.97-2016: A4, margins 30/15/20/20 mm,
Times New Roman 14 pt, requisites in the order of an official order (приказ).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from imc_documents.templates import (
    ANNUAL_REPORT,
    CERTIFICATE,
    COUNCIL_EXTRACT,
    COUNCIL_PROTOCOL,
    INFORMATION_NOTE,
    INTERNSHIP_STATEMENT,
    LETTER_OF_THANKS,
    ORDER_REGULATION,
    ORDER_SITE_EXTENSION,
    ORDER_SITE_LEADERS,
    ORDER_SITE_STATUS,
    ORDER_SITE_TERMINATION,
    REFUSAL_LETTER,
    ROAD_MAP,
    TEACHER_TRANSCRIPT,
    WORK_PLAN,
)

FONT_NAME = "Times New Roman"
FONT_SIZE = Pt(14)
PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_LEFT = Mm(30)
MARGIN_RIGHT = Mm(15)
MARGIN_TOP = Mm(20)
MARGIN_BOTTOM = Mm(20)
TEXT_WIDTH = Mm(210 - 30 - 15)
LANDSCAPE_TEXT_WIDTH = Mm(297 - 30 - 15)
TABLE_FONT_SIZE = Pt(12)
FIRST_LINE_INDENT = Mm(12.5)

CENTER = WD_PARAGRAPH_ALIGNMENT.CENTER
JUSTIFY = WD_PARAGRAPH_ALIGNMENT.JUSTIFY
LEFT = WD_PARAGRAPH_ALIGNMENT.LEFT
RIGHT = WD_PARAGRAPH_ALIGNMENT.RIGHT


@dataclass(frozen=True)
class Run:
    """A piece of text written as one run (keep each Jinja tag inside one)."""

    text: str
    bold: bool = False


def _setup_document(doc: DocumentObject, title: str) -> None:
    section = doc.sections[0]
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    section.left_margin = MARGIN_LEFT
    section.right_margin = MARGIN_RIGHT
    section.top_margin = MARGIN_TOP
    section.bottom_margin = MARGIN_BOTTOM
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)

    # Document defaults: drop the theme fonts of python-docx's default template
    # (they would win over an explicit font) and set Times New Roman, 14 pt, ru-RU.
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr_default):
        if child.tag in (qn("w:rFonts"), qn("w:lang"), qn("w:sz"), qn("w:szCs")):
            rpr_default.remove(child)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT_NAME)
    rpr_default.insert(0, fonts)
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), str(int(FONT_SIZE.pt * 2)))
        rpr_default.append(size)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "ru-RU")
    lang.set(qn("w:eastAsia"), "ru-RU")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr_default.append(lang)
    ppr_default = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault"))
    if ppr_default is not None:
        styles.find(qn("w:docDefaults")).remove(ppr_default)

    normal = doc.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = FONT_SIZE
    normal_fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:cs"):
        normal_fonts.set(qn(attr), FONT_NAME)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    pf.widow_control = True

    props = doc.core_properties
    props.title = title
    props.author = "Информационно-методический центр"
    props.language = "ru-RU"
    props.comments = (
        "Шаблон docxtpl: переменные в двойных фигурных скобках заполняет сервис документов."
    )
    props.subject = ""
    props.keywords = ""
    # python-docx's default template carries a thumbnail of an unrelated document.
    package_rels = doc.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(rel_id)


def _field_char(kind: str) -> BaseOxmlElement:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def _page_numbers(doc: DocumentObject) -> None:
    """Page number centred in the header from the second page on (ГОСТ Р 7.0.97, 6.5)."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.paragraph_format.alignment = CENTER
    run = paragraph.add_run()
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    placeholder = OxmlElement("w:t")
    placeholder.text = "2"
    for element in (
        _field_char("begin"),
        instruction,
        _field_char("separate"),
        placeholder,
        _field_char("end"),
    ):
        run._r.append(element)


def _paragraph(
    doc: DocumentObject,
    runs: Sequence[Run] | str = (),
    *,
    align: WD_PARAGRAPH_ALIGNMENT = JUSTIFY,
    first_line: Length | None = FIRST_LINE_INDENT,
    bold: bool = False,
    space_before: float = 0,
    space_after: float = 0,
    keep_with_next: bool = False,
) -> Paragraph:
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = first_line
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    if keep_with_next:
        fmt.keep_with_next = True
    if isinstance(runs, str):
        runs = [Run(runs, bold=bold)]
    for piece in runs:
        run = paragraph.add_run(piece.text)
        run.bold = piece.bold or bold
    return paragraph


def _empty(doc: DocumentObject) -> Paragraph:
    return _paragraph(doc, "", align=LEFT, first_line=None)


def _no_borders(table_element: CT_Tbl) -> None:
    """No borders, no left/right cell padding (``tblPr`` children in schema order)."""
    tbl_pr = table_element.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    # CT_TblPr sequence: … tblInd, tblBorders, shd, tblLayout, tblCellMar, tblLook, …
    _insert_before(tbl_pr, borders, ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"))
    _insert_before(tbl_pr, margins, ("w:tblLook", "w:tblCaption", "w:tblDescription"))


def _insert_before(
    parent: BaseOxmlElement, child: BaseOxmlElement, successors: Sequence[str]
) -> None:
    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


def _signature_table(doc: DocumentObject, position: str, name: str) -> None:
    """Position on the left, «И.О. Фамилия» on the right, aligned on the last line."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    _no_borders(table._tbl)
    widths = (Mm(100), TEXT_WIDTH - Mm(100))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    left, right = table.rows[0].cells
    for cell, width in zip((left, right), widths, strict=True):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    left.paragraphs[0].paragraph_format.alignment = LEFT
    left.paragraphs[0].add_run(position)
    right.paragraphs[0].paragraph_format.alignment = RIGHT
    right.paragraphs[0].add_run(name)


def _acquaintance_line(doc: DocumentObject, name: str, *, keep_with_next: bool) -> None:
    paragraph = _paragraph(
        doc,
        [Run(f"{name}\t_______________\t«___» ___________ 20___ г.")],
        align=LEFT,
        first_line=None,
        space_before=4,
        keep_with_next=keep_with_next,
    )
    tabs = paragraph.paragraph_format.tab_stops
    tabs.add_tab_stop(Mm(55), WD_TAB_ALIGNMENT.LEFT)
    tabs.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)


def _order_header(doc: DocumentObject) -> None:
    """Issuer, «ПРИКАЗ», date and number, place and the title (ГОСТ Р 7.0.97, seed 001)."""
    _paragraph(doc, "{{ issuer }}", align=CENTER, first_line=None, bold=True)
    _paragraph(
        doc, "ПРИКАЗ", align=CENTER, first_line=None, bold=True, space_before=12, space_after=12
    )
    date_line = _paragraph(
        doc,
        [Run("от {{ order_date_official }}\t№\u00a0{{ order_number }}")],
        align=LEFT,
        first_line=None,
    )
    date_line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _paragraph(doc, "{{ place }}", align=CENTER, first_line=None, space_before=6)
    _paragraph(
        doc,
        "{{ title }}",
        align=CENTER,
        first_line=None,
        bold=True,
        space_before=18,
        space_after=12,
        keep_with_next=True,
    )


def _tag(doc: DocumentObject, tag: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag (``{%p … %}``), removed on render."""
    _paragraph(doc, tag, align=LEFT, first_line=None)


def _leadership(doc: DocumentObject, number: str, verb: str) -> None:
    """«N. <verb> руководство …» with the co-leader sub-point only when there is one."""
    _tag(doc, "{%p if co_leader %}")
    _paragraph(doc, f"{number}. {verb} руководство {{{{ short_genitive }}}}:")
    _paragraph(
        doc,
        f"{number}.1. руководитель {{{{ short_genitive }}}} – {{{{ leader_name }}}}, "
        "{{ leader_position }};",
    )
    _paragraph(
        doc,
        f"{number}.2. соруководитель {{{{ short_genitive }}}} – {{{{ co_leader_name }}}}, "
        "{{ co_leader_position }}.",
    )
    _tag(doc, "{%p else %}")
    _paragraph(
        doc,
        f"{number}. {verb} руководство {{{{ short_genitive }}}}: руководитель "
        "{{ short_genitive }} – {{ leader_name }}, {{ leader_position }}.",
    )
    _tag(doc, "{%p endif %}")


def _order_footer(doc: DocumentObject, last_point: str) -> None:
    """The control point, the signature and the acquaintance lines of an order."""
    # The last point, the blank line and the signature stay on one page.
    _paragraph(doc, last_point, keep_with_next=True)
    blank = _empty(doc)
    blank.paragraph_format.keep_with_next = True
    blank.paragraph_format.space_after = Pt(14)
    _signature_table(doc, "{{ signatory_position }}", "{{ signatory_initials }}")
    _paragraph(
        doc,
        "С приказом ознакомлены:",
        align=LEFT,
        first_line=None,
        space_before=18,
        keep_with_next=True,
    )
    _acquaintance_line(doc, "{{ leader_initials }}", keep_with_next=False)
    _tag(doc, "{%p if co_leader %}")
    _acquaintance_line(doc, "{{ co_leader_initials }}", keep_with_next=False)
    _tag(doc, "{%p endif %}")


_PREAMBLE = (
    "В соответствии с {{ regulation }}, на основании решения Методического совета"
    "{% if council_protocol %} ({{ council_protocol }}){% endif %}"
)
_CONTROL = "Контроль за исполнением настоящего приказа оставляю за собой."


def _new_document(title: str) -> DocumentObject:
    doc = Document()
    _setup_document(doc, title)
    _page_numbers(doc)
    return doc


def _save(doc: DocumentObject, path: Path) -> Path:
    _check_tags(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def build_order_site_status(path: Path = ORDER_SITE_STATUS) -> Path:
    """Build the order «О присвоении статуса … » (any site kind) and save it to ``path``."""
    doc = _new_document("Приказ о присвоении статуса методической площадки")
    _order_header(doc)
    _paragraph(
        doc,
        _PREAMBLE + ", в целях распространения и внедрения актуального педагогического "
        "опыта, развития и совершенствования профессионализма педагогических работников"
        "{% if district_name_genitive %} муниципальной системы образования "
        "{{ district_name_genitive }}{% endif %}",
    )
    _paragraph(doc, "ПРИКАЗЫВАЮ:", align=LEFT, first_line=None, space_before=6, space_after=6)
    _paragraph(
        doc,
        "1. Присвоить {{ organisation_full_name_dative }} ({{ organisation_short_name }}) "
        "статус {{ site_kind_title_genitive }} (далее – {{ short }}) по теме «{{ topic }}» "
        "на срок с {{ term_start_numeric }} по {{ term_end_numeric }}"
        "{% if term_phrase %} ({{ term_phrase }}){% endif %}.",
    )
    _leadership(doc, "2", "Утвердить")
    _paragraph(
        doc,
        "3. Руководителю {{ short_genitive }}{% if co_leader %} совместно с соруководителем"
        "{% endif %} в течение месяца со дня издания настоящего приказа разработать план "
        "работы {{ short_genitive }}, согласовав его с планом работы "
        "информационно-методического центра, представить на утверждение Методическому "
        "совету и обеспечить его размещение на официальном сайте "
        "информационно-методического центра.",
    )
    _order_footer(doc, "4. " + _CONTROL)
    return _save(doc, path)


def build_order_site_extension(path: Path = ORDER_SITE_EXTENSION) -> Path:
    """Build the order «О продлении срока деятельности … » and save it to ``path``."""
    doc = _new_document("Приказ о продлении срока деятельности методической площадки")
    _order_header(doc)
    _paragraph(
        doc,
        _PREAMBLE + ", по итогам рассмотрения результатов деятельности "
        "{{ site_kind_title_genitive }} {{ organisation_short_name }}",
    )
    _paragraph(doc, "ПРИКАЗЫВАЮ:", align=LEFT, first_line=None, space_before=6, space_after=6)
    _paragraph(
        doc,
        "1. Продлить срок деятельности {{ site_kind_title_genitive }} (далее – {{ short }}) "
        "на базе {{ organisation_full_name_genitive }} ({{ organisation_short_name }}) "
        "по теме «{{ topic }}»{% if extension_phrase %} на {{ extension_phrase }} "
        "(по {{ term_end_numeric }} включительно){% else %} по {{ term_end_numeric }} "
        "включительно{% endif %}.",
    )
    _leadership(doc, "2", "Сохранить")
    _paragraph(
        doc,
        "3. Руководителю {{ short_genitive }} в течение месяца со дня издания настоящего "
        "приказа представить на утверждение Методическому совету план работы "
        "{{ short_genitive }} на период продления срока деятельности.",
    )
    _order_footer(doc, "4. " + _CONTROL)
    return _save(doc, path)


def build_order_site_termination(path: Path = ORDER_SITE_TERMINATION) -> Path:
    """Build the order «О прекращении деятельности … » and save it to ``path``."""
    doc = _new_document("Приказ о прекращении деятельности методической площадки")
    _order_header(doc)
    _paragraph(doc, _PREAMBLE)
    _paragraph(doc, "ПРИКАЗЫВАЮ:", align=LEFT, first_line=None, space_before=6, space_after=6)
    _paragraph(
        doc,
        "1. Прекратить деятельность {{ site_kind_title_genitive }} (далее – {{ short }}) "
        "на базе {{ organisation_full_name_genitive }} ({{ organisation_short_name }}) "
        "по теме «{{ topic }}» с {{ effective_numeric }}.",
    )
    _paragraph(doc, "2. Основание прекращения деятельности: {{ grounds_words }}.")
    _paragraph(
        doc,
        "3. Руководителю {{ short_genitive }} в течение месяца со дня издания настоящего "
        "приказа представить в Методический совет итоговый отчёт о результатах "
        "деятельности {{ short_genitive }}.",
    )
    _order_footer(doc, "4. " + _CONTROL)
    return _save(doc, path)


def _cell_text(cell: _Cell, lines: Sequence[Run | str], *, align: WD_PARAGRAPH_ALIGNMENT) -> None:
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.paragraph_format.alignment = align
        piece = Run(line) if isinstance(line, str) else line
        run = paragraph.add_run(piece.text)
        run.bold = piece.bold


def _two_columns(
    doc: DocumentObject, left_width: Length, *, total: Length = TEXT_WIDTH
) -> tuple[_Cell, _Cell]:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    _no_borders(table._tbl)
    widths = (left_width, total - left_width)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    left, right = table.rows[0].cells
    for cell, width in zip((left, right), widths, strict=True):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    return left, right


def build_refusal_letter(path: Path = REFUSAL_LETTER) -> Path:
    """Build the letter refusing a status (service letter, ГОСТ Р 7.0.97) to ``path``."""
    doc = _new_document("Письмо об отказе в присвоении статуса")
    # Letterhead on the left, addressee on the right.
    left, right = _two_columns(doc, Mm(85))
    _cell_text(
        left,
        [Run("{{ authority }}", bold=True), "{{ place }}", "", "от {{ letter_date_official }}"],
        align=CENTER,
    )
    _cell_text(right, ["Руководителю", "{{ organisation_short_name }}"], align=LEFT)
    _paragraph(doc, "{{ title }}", align=LEFT, first_line=None, space_before=18, space_after=12)
    _paragraph(
        doc,
        "Сообщаем, что заявка {{ organisation_short_name }} на присвоение статуса "
        "{{ site_kind_title_genitive }} по теме «{{ topic }}» рассмотрена на заседании "
        "Методического совета {{ decided_on_numeric }}"
        "{% if council_protocol %} ({{ council_protocol }}){% endif %}.",
    )
    _paragraph(
        doc,
        "По результатам рассмотрения Методический совет принял решение отказать "
        "в присвоении статуса {{ site_kind_title_genitive }}.",
    )
    _tag(doc, "{%p if reason %}")
    _paragraph(doc, "Причина отказа: {{ reason }}")
    _tag(doc, "{%p endif %}")
    _paragraph(
        doc,
        "После устранения указанных причин организация вправе повторно подать заявку "
        "на присвоение статуса в соответствии с {{ regulation }}.",
        keep_with_next=True,
    )
    blank = _empty(doc)
    blank.paragraph_format.keep_with_next = True
    blank.paragraph_format.space_after = Pt(14)
    _signature_table(doc, "{{ signatory_position }}", "{{ signatory_initials }}")
    return _save(doc, path)


def _council_header(doc: DocumentObject, heading: str) -> None:
    _paragraph(doc, "{{ authority }}", align=CENTER, first_line=None, bold=True)
    _paragraph(doc, heading, align=CENTER, first_line=None, bold=True, space_before=12)
    _paragraph(doc, "заседания методического совета", align=CENTER, first_line=None)
    date_line = _paragraph(
        doc,
        [Run("{{ held_on_official }}\t{{ place }}")],
        align=LEFT,
        first_line=None,
        space_before=12,
        space_after=12,
    )
    date_line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _paragraph(
        doc, [Run("Председатель – ", bold=True), Run("{{ chair }}")], align=LEFT, first_line=None
    )
    _paragraph(
        doc, [Run("Секретарь – ", bold=True), Run("{{ secretary }}")], align=LEFT, first_line=None
    )
    _paragraph(
        doc,
        [
            Run("Присутствовали: ", bold=True),
            Run("{{ members_phrase }}: {{ members_present }}."),
        ],
        align=JUSTIFY,
        first_line=None,
    )
    _paragraph(
        doc,
        "{% if quorum %}Кворум имеется.{% else %}Кворум отсутствует.{% endif %}",
        align=LEFT,
        first_line=None,
        space_after=12,
    )


def _item_section(doc: DocumentObject, *, with_title: bool) -> None:
    """СЛУШАЛИ / ГОЛОСОВАЛИ / РЕШИЛИ of ``item`` (inside a loop or with one item)."""
    if with_title:
        _paragraph(
            doc,
            "{{ item.number }}. {{ item.title }}",
            bold=True,
            first_line=None,
            space_before=6,
            keep_with_next=True,
        )
    _paragraph(doc, [Run("СЛУШАЛИ: ", bold=True), Run("{{ item.speaker }}.")], keep_with_next=True)
    _paragraph(
        doc,
        [
            Run("ГОЛОСОВАЛИ: ", bold=True),
            Run(
                "«за» – {{ item.votes_for }}, «против» – {{ item.votes_against }}, "
                "«воздержались» – {{ item.abstained }}."
            ),
        ],
        keep_with_next=True,
    )
    _paragraph(doc, [Run("РЕШИЛИ: ", bold=True), Run("{{ item.decision_text }}")])
    _tag(doc, "{%p if not item.adopted %}")
    _paragraph(doc, "Решение не принято.")
    _tag(doc, "{%p endif %}")


def _council_signatures(doc: DocumentObject) -> None:
    blank = _empty(doc)
    blank.paragraph_format.keep_with_next = True
    blank.paragraph_format.space_after = Pt(14)
    _signature_table(doc, "Председатель", "{{ chair_initials }}")
    _empty(doc)
    _signature_table(doc, "Секретарь", "{{ secretary_initials }}")


def build_council_protocol(path: Path = COUNCIL_PROTOCOL) -> Path:
    """Build the protocol of a methodical council meeting and save it to ``path``."""
    doc = _new_document("Протокол заседания методического совета")
    _council_header(doc, "ПРОТОКОЛ №\u00a0{{ protocol_number }}")
    _paragraph(doc, "ПОВЕСТКА ДНЯ:", align=LEFT, first_line=None, bold=True, keep_with_next=True)
    _tag(doc, "{%p for item in items %}")
    _paragraph(doc, "{{ item.number }}. {{ item.title }}")
    _tag(doc, "{%p endfor %}")
    _empty(doc)
    _tag(doc, "{%p for item in items %}")
    _item_section(doc, with_title=True)
    _tag(doc, "{%p endfor %}")
    _council_signatures(doc)
    return _save(doc, path)


def build_council_extract(path: Path = COUNCIL_EXTRACT) -> Path:
    """Build the extract of one agenda item from a council protocol and save it to ``path``."""
    doc = _new_document("Выписка из протокола заседания методического совета")
    _council_header(doc, "ВЫПИСКА ИЗ ПРОТОКОЛА №\u00a0{{ protocol_number }}")
    _paragraph(doc, "ПОВЕСТКА ДНЯ:", align=LEFT, first_line=None, bold=True, keep_with_next=True)
    _paragraph(doc, "{{ item.number }}. {{ item.title }}", space_after=6)
    _item_section(doc, with_title=False)
    _council_signatures(doc)
    _paragraph(doc, "Выписка верна.", align=LEFT, first_line=None, space_before=18)
    _signature_table(doc, "Секретарь", "{{ secretary_initials }}")
    return _save(doc, path)


def _verification(doc: DocumentObject, label: str = "Регистрационный № {{ number }}") -> None:
    """The QR code beside the number (``label``) and the address of the verification page."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    _no_borders(table._tbl)
    widths = (Mm(30), TEXT_WIDTH - Mm(30))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    left, right = table.rows[0].cells
    for cell, width in zip((left, right), widths, strict=True):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    left.paragraphs[0].paragraph_format.alignment = LEFT
    left.paragraphs[0].add_run("{{ qr }}")
    _cell_text(
        right,
        [label, "Проверить подлинность: {{ verify_url }}"],
        align=LEFT,
    )
    for paragraph in right.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(10)


def _person_line(doc: DocumentObject, prefix: str) -> None:
    """«должность, организация» under a name, each part only when given."""
    _tag(doc, f"{{%p if {prefix}_position or {prefix}_organisation %}}")
    _paragraph(
        doc,
        f"{{{{ {prefix}_position }}}}{{% if {prefix}_position and {prefix}_organisation %}}, "
        f"{{% endif %}}{{{{ {prefix}_organisation }}}}",
        align=CENTER,
        first_line=None,
    )
    _tag(doc, "{%p endif %}")


def _dated_signature(doc: DocumentObject) -> None:
    blank = _empty(doc)
    blank.paragraph_format.keep_with_next = True
    blank.paragraph_format.space_after = Pt(14)
    _signature_table(doc, "{{ signatory_position }}", "{{ signatory_initials }}")
    _paragraph(
        doc,
        "{{ place }}{% if place %}, {% endif %}{{ issue_date_official }}",
        align=LEFT,
        first_line=None,
        space_before=12,
    )


def build_certificate(path: Path = CERTIFICATE) -> Path:
    """Build the certificate of participation to ``path``."""
    doc = _new_document("Сертификат участника")
    _paragraph(doc, "{{ authority }}", align=CENTER, first_line=None, bold=True)
    _tag(doc, "{%p if district_name %}")
    _paragraph(doc, "{{ district_name }}", align=CENTER, first_line=None)
    _tag(doc, "{%p endif %}")
    title = _paragraph(doc, "СЕРТИФИКАТ", align=CENTER, first_line=None, bold=True, space_before=36)
    title.runs[0].font.size = Pt(28)
    _paragraph(doc, "участника", align=CENTER, first_line=None, bold=True, space_after=24)
    _paragraph(doc, "Настоящий сертификат подтверждает, что", align=CENTER, first_line=None)
    name = _paragraph(
        doc, "{{ participant_name }}", align=CENTER, first_line=None, bold=True, space_before=12
    )
    name.runs[0].font.size = Pt(18)
    _person_line(doc, "participant")
    _paragraph(
        doc,
        "принял(а) участие в работе {{ event_form_genitive }} «{{ event_title }}»",
        align=CENTER,
        first_line=None,
        space_before=12,
    )
    _paragraph(
        doc,
        "{{ event_period }}{% if hours_phrase %}, в объёме {{ hours_phrase }}.{% endif %}",
        align=CENTER,
        first_line=None,
        space_after=24,
    )
    _dated_signature(doc)
    _empty(doc)
    _verification(doc)
    return _save(doc, path)


def build_internship_statement(path: Path = INTERNSHIP_STATEMENT) -> Path:
    """Build the statement on a completed internship (справка) to ``path``."""
    doc = _new_document("Справка о прохождении стажировки")
    _paragraph(doc, "{{ authority }}", align=CENTER, first_line=None, bold=True)
    _paragraph(
        doc, "СПРАВКА", align=CENTER, first_line=None, bold=True, space_before=12, space_after=6
    )
    _paragraph(doc, "о прохождении стажировки", align=CENTER, first_line=None, space_after=12)
    date_line = _paragraph(
        doc,
        [Run("{{ issue_date_official }}	№ {{ number }}")],
        align=LEFT,
        first_line=None,
        space_after=12,
    )
    date_line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _paragraph(
        doc,
        "Настоящая справка подтверждает, что {{ participant_name }}, {{ participant_position }}"
        " {{ participant_organisation }}, {{ period }} прошёл(а) стажировку на базе "
        "{{ site_name }} по программе «{{ program_title }}» в объёме {{ hours_phrase }}.",
    )
    _paragraph(doc, "Справка выдана для предъявления по месту требования.")
    _dated_signature(doc)
    _empty(doc)
    _verification(doc)
    return _save(doc, path)


def build_letter_of_thanks(path: Path = LETTER_OF_THANKS) -> Path:
    """Build the letter of thanks to ``path``."""
    doc = _new_document("Благодарственное письмо")
    _paragraph(doc, "{{ authority }}", align=CENTER, first_line=None, bold=True)
    title = _paragraph(
        doc, "БЛАГОДАРСТВЕННОЕ ПИСЬМО", align=CENTER, first_line=None, bold=True, space_before=36
    )
    title.runs[0].font.size = Pt(22)
    name = _paragraph(
        doc, "{{ recipient_name }}", align=CENTER, first_line=None, bold=True, space_before=24
    )
    name.runs[0].font.size = Pt(16)
    _person_line(doc, "recipient")
    _paragraph(doc, "{{ addressee }}", align=CENTER, first_line=None, space_before=18)
    _paragraph(
        doc,
        "{{ authority }} выражает Вам искреннюю благодарность за {{ reason }}",
        space_before=12,
    )
    _paragraph(doc, "Желаем Вам дальнейших профессиональных успехов!")
    _dated_signature(doc)
    _paragraph(doc, "Рег. № {{ number }}", align=LEFT, first_line=None, space_before=6).runs[
        0
    ].font.size = Pt(10)
    return _save(doc, path)


def _simple_order_footer(doc: DocumentObject) -> None:
    blank = _empty(doc)
    blank.paragraph_format.keep_with_next = True
    blank.paragraph_format.space_after = Pt(14)
    _signature_table(doc, "{{ signatory_position }}", "{{ signatory_initials }}")


def build_order_regulation(path: Path = ORDER_REGULATION) -> Path:
    """Build the order approving a regulation (as order No. 1531 in seed 001) to ``path``."""
    doc = _new_document("Приказ об утверждении положения")
    _order_header(doc)
    _paragraph(doc, "{{ purpose }}", keep_with_next=True)
    _paragraph(doc, "ПРИКАЗЫВАЮ:", align=LEFT, first_line=None, space_before=12, space_after=12)
    _paragraph(doc, "1. Утвердить {{ regulation_title_accusative }} (приложение 1).")
    _tag(doc, "{%p for point in points %}")
    _paragraph(doc, "{{ loop.index + 1 }}. {{ point }}")
    _tag(doc, "{%p endfor %}")
    _paragraph(doc, "{{ points|length + 2 }}. {{ control_point }}", keep_with_next=True)
    _simple_order_footer(doc)
    _tag(doc, "{%p if appendix %}")
    appendix = _paragraph(
        doc,
        "Приложение 1 к приказу от {{ order_date_official }} №\u00a0{{ order_number }}",
        align=RIGHT,
        first_line=None,
    )
    appendix.paragraph_format.page_break_before = True
    _paragraph(doc, "ПОЛОЖЕНИЕ", align=CENTER, first_line=None, bold=True, space_before=12)
    _paragraph(
        doc, "{{ regulation_title }}", align=CENTER, first_line=None, bold=True, space_after=12
    )
    _tag(doc, "{%p for paragraph in appendix %}")
    _paragraph(doc, "{{ paragraph }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")
    return _save(doc, path)


def build_order_site_leaders(path: Path = ORDER_SITE_LEADERS) -> Path:
    """Build the order appointing the leaders of methodical sites (000 §3.4–3.5) to ``path``."""
    doc = _new_document("Приказ о назначении руководителей методических площадок")
    _order_header(doc)
    _paragraph(doc, "{{ purpose }}", keep_with_next=True)
    _paragraph(doc, "ПРИКАЗЫВАЮ:", align=LEFT, first_line=None, space_before=12, space_after=12)
    _paragraph(doc, "1. Назначить руководство методических площадок:")
    _tag(doc, "{%p for site in sites %}")
    _paragraph(
        doc,
        "1.{{ loop.index }}. {{ site.site }}: руководитель – {{ site.leader_name }}, "
        "{{ site.leader_position }}{% if site.co_leader_name %}; соруководитель – "
        "{{ site.co_leader_name }}, {{ site.co_leader_position }}{% endif %}{{ site.end }}",
    )
    _tag(doc, "{%p endfor %}")
    _paragraph(
        doc,
        "2. Руководителям площадок обеспечить выполнение плана работы площадки и "
        "представление отчёта о её деятельности.",
    )
    _paragraph(doc, "3. {{ control_point }}", keep_with_next=True)
    _simple_order_footer(doc)
    return _save(doc, path)


# --- plans, notes and reports: tables --------------------------------------------------


def _landscape(doc: DocumentObject) -> None:
    """Turn the page: wide tables of plans stay readable (ГОСТ Р 7.0.97 allows A4 album)."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH


def _cell_paragraph(
    cell: _Cell, text: str, *, bold: bool = False, align: WD_PARAGRAPH_ALIGNMENT = LEFT
) -> Paragraph:
    """The cell's first paragraph holding ``text`` as one run in the table font."""
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.alignment = align
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = TABLE_FONT_SIZE
    return paragraph


def _repeat_as_header(table: Table) -> None:
    """The head row repeats on every page of a long table."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


def _grid_table(doc: DocumentObject, widths: Sequence[Length], heads: Sequence[str]) -> Table:
    """A bordered table with fixed column ``widths`` and a bold head row of ``heads``."""
    table = doc.add_table(rows=1, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, width, head in zip(table.rows[0].cells, widths, heads, strict=True):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _cell_paragraph(cell, head, bold=True, align=CENTER)
    _repeat_as_header(table)
    return table


def _row_tag(table: Table, tag: str) -> None:
    """A row holding only a docxtpl row tag (``{%tr … %}``), replaced on render."""
    row = table.add_row()
    _cell_paragraph(row.cells[0], tag)


def _loop_row(table: Table, values: Sequence[str]) -> None:
    row = table.add_row()
    for cell, value in zip(row.cells, values, strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        _cell_paragraph(cell, value)


def _approval_stamp(doc: DocumentObject, width: Length) -> None:
    """The issuer on the left, «УТВЕРЖДАЮ» with position, signature and date on the right."""
    left, right = _two_columns(doc, Length(width - Mm(95)), total=width)
    _cell_text(left, [Run("{{ authority }}", bold=True), "{{ district_name }}"], align=LEFT)
    _cell_text(
        right,
        [
            "УТВЕРЖДАЮ",
            "{{ approver_position }}",
            "_______________ {{ approver_initials }}",
            "{{ approved_on_official }}",
        ],
        align=LEFT,
    )


def _titles(doc: DocumentObject, lines: Sequence[str]) -> None:
    """The document's name: the first line in capitals, the rest under it, all bold."""
    for index, line in enumerate(lines):
        _paragraph(
            doc,
            line,
            align=CENTER,
            first_line=None,
            bold=True,
            space_before=18 if index == 0 else 0,
            space_after=12 if index == len(lines) - 1 else 0,
            keep_with_next=True,
        )


def build_road_map(path: Path = ROAD_MAP) -> Path:
    """Build the road map (plan of events) of a site (001 §4.6), landscape, to ``path``."""
    doc = _new_document("Дорожная карта методической площадки")
    _landscape(doc)
    _approval_stamp(doc, LANDSCAPE_TEXT_WIDTH)
    _titles(
        doc,
        [
            "ДОРОЖНАЯ КАРТА",
            "(план мероприятий) деятельности {{ site }}"
            "{% if topic %} по теме «{{ topic }}»{% endif %} на {{ period }}",
        ],
    )
    mm = (12, 64, 33, 40, 28, 42, 33)
    table = _grid_table(
        doc,
        [Mm(w) for w in mm],
        [
            "№ п/п",
            "Мероприятие",
            "Форма проведения",
            "Ответственные",
            "Сроки исполнения",
            "Ожидаемый результат",
            "Отметка о выполнении",
        ],
    )
    _row_tag(table, "{%tr for row in rows %}")
    _loop_row(
        table,
        [
            "{{ row.number }}",
            "{{ row.activity }}",
            "{{ row.form }}",
            "{{ row.responsible }}",
            "{{ row.deadline }}",
            "{{ row.result }}",
            "{{ row.state }}",
        ],
    )
    _row_tag(table, "{%tr endfor %}")
    _tag(doc, "{%p if leader_initials %}")
    blank = _empty(doc)
    blank.paragraph_format.space_after = Pt(14)
    blank.paragraph_format.keep_with_next = True
    _signature_table(doc, "Руководитель площадки", "{{ leader_initials }}")
    _tag(doc, "{%p endif %}")
    return _save(doc, path)


def build_work_plan(path: Path = WORK_PLAN) -> Path:
    """Build the annual work plan (sections of items in one table), landscape, to ``path``."""
    doc = _new_document("План работы на учебный год")
    _landscape(doc)
    _approval_stamp(doc, LANDSCAPE_TEXT_WIDTH)
    _titles(doc, ["ПЛАН РАБОТЫ", "{{ subject }}", "на {{ period }}"])
    mm = (16, 90, 40, 45, 28, 33)
    table = _grid_table(
        doc,
        [Mm(w) for w in mm],
        [
            "№ п/п",
            "Содержание работы (мероприятие)",
            "Форма проведения",
            "Ответственные",
            "Сроки",
            "Отметка о выполнении",
        ],
    )
    _row_tag(table, "{%tr for section in sections %}")
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[-1])
    _cell_paragraph(merged, "{{ section.number }} {{ section.title }}", bold=True, align=CENTER)
    _row_tag(table, "{%tr for item in section.entries %}")
    _loop_row(
        table,
        [
            "{{ item.number }}",
            "{{ item.title }}",
            "{{ item.form }}",
            "{{ item.responsible }}",
            "{{ item.deadline }}",
            "{{ item.fulfilled }}",
        ],
    )
    _row_tag(table, "{%tr endfor %}")
    _row_tag(table, "{%tr endfor %}")
    return _save(doc, path)


def _figure_table(doc: DocumentObject) -> None:
    """``table``: a caption, a head row and rows whose cells docxtpl repeats (``{%tc %}``);
    the columns share the text width evenly whatever their number."""
    _paragraph(
        doc,
        "{{ table.caption }}",
        align=LEFT,
        first_line=None,
        space_before=6,
        space_after=3,
        keep_with_next=True,
    )
    third = Mm(TEXT_WIDTH.mm / 3)
    grid = _grid_table(
        doc,
        [third, third, third],
        ["{%tc for head in table.columns %}", "{{ head }}", "{%tc endfor %}"],
    )
    _row_tag(grid, "{%tr for row in table.rows %}")
    values = grid.add_row()
    for cell, text in zip(
        values.cells, ["{%tc for value in row %}", "{{ value }}", "{%tc endfor %}"], strict=True
    ):
        _cell_paragraph(cell, text, align=CENTER)
    _row_tag(grid, "{%tr endfor %}")
    # The repeated cell keeps no width of its own: the grid (fixed by docxtpl) decides.
    for tc_pr in grid._tbl.iter(qn("w:tcPr")):
        for width in tc_pr.findall(qn("w:tcW")):
            tc_pr.remove(width)
    _empty(doc)


def _text_sections(doc: DocumentObject) -> None:
    """``sections``: an optional heading, paragraphs and numbered tables each."""
    _tag(doc, "{%p for section in sections %}")
    _tag(doc, "{%p if section.heading %}")
    _paragraph(
        doc,
        "{{ section.heading }}",
        align=CENTER,
        first_line=None,
        bold=True,
        space_before=12,
        space_after=6,
        keep_with_next=True,
    )
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for paragraph in section.paragraphs %}")
    _paragraph(doc, "{{ paragraph }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p for table in section.tables %}")
    _figure_table(doc)
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endfor %}")


def _date_line(doc: DocumentObject) -> None:
    line = _paragraph(
        doc,
        [Run("{{ issue_date_official }}\t{% if number %}№\u00a0{{ number }}{% endif %}")],
        align=LEFT,
        first_line=None,
    )
    line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _paragraph(doc, "{{ place }}", align=CENTER, first_line=None, space_before=6)


def _closing_signature(doc: DocumentObject) -> None:
    blank = _empty(doc)
    blank.paragraph_format.keep_with_next = True
    blank.paragraph_format.space_after = Pt(14)
    _signature_table(doc, "{{ signatory_position }}", "{{ signatory_initials }}")


def build_information_note(path: Path = INFORMATION_NOTE) -> Path:
    """Build the information note (информационная справка) to ``path``."""
    doc = _new_document("Информационная справка")
    _paragraph(doc, "{{ authority }}", align=CENTER, first_line=None, bold=True)
    _tag(doc, "{%p if district_name %}")
    _paragraph(doc, "{{ district_name }}", align=CENTER, first_line=None)
    _tag(doc, "{%p endif %}")
    _titles(doc, ["ИНФОРМАЦИОННАЯ СПРАВКА", "{{ title }}"])
    _date_line(doc)
    _empty(doc)
    _text_sections(doc)
    _closing_signature(doc)
    _tag(doc, "{%p if executor %}")
    executor = _paragraph(doc, "Исп.: {{ executor }}", align=LEFT, first_line=None, space_before=24)
    executor.runs[0].font.size = Pt(10)
    _tag(doc, "{%p endif %}")
    return _save(doc, path)


def build_annual_report(path: Path = ANNUAL_REPORT) -> Path:
    """Build the analysis of the year's work (text and tables of figures) to ``path``."""
    doc = _new_document("Анализ работы за учебный год")
    _paragraph(doc, "{{ authority }}", align=CENTER, first_line=None, bold=True)
    _tag(doc, "{%p if district_name %}")
    _paragraph(doc, "{{ district_name }}", align=CENTER, first_line=None)
    _tag(doc, "{%p endif %}")
    _titles(doc, ["АНАЛИЗ РАБОТЫ", "{{ subject }}", "за {{ period }}"])
    _date_line(doc)
    _empty(doc)
    _text_sections(doc)
    _closing_signature(doc)
    return _save(doc, path)


# --- the teacher's transcript ----------------------------------------------------------


def _transcript_section(doc: DocumentObject, heading: str, rows: str) -> None:
    """«N. Heading» (with «: нет.» when ``rows`` is empty), kept with its table."""
    _paragraph(
        doc,
        f"{heading}{{% if not {rows} %}}: нет.{{% endif %}}",
        align=LEFT,
        first_line=None,
        bold=True,
        space_before=12,
        space_after=6,
        keep_with_next=True,
    )


def _transcript_table(
    doc: DocumentObject,
    columns: Sequence[tuple[float, str, str, WD_PARAGRAPH_ALIGNMENT]],
    loop: str,
    total: str | None,
) -> None:
    """A table of ``columns`` (width in mm, head, cell value, alignment), a row per item
    of ``loop`` (``"event in events"``) and, given ``total``, a row «Итого» with it."""
    table = _grid_table(
        doc, [Mm(width) for width, _, _, _ in columns], [h for _, h, _, _ in columns]
    )
    _row_tag(table, f"{{%tr for {loop} %}}")
    row = table.add_row()
    for cell, (_, _, value, align) in zip(row.cells, columns, strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        _cell_paragraph(cell, value, align=align)
    _row_tag(table, "{%tr endfor %}")
    if total is not None:
        row = table.add_row()
        label = row.cells[0].merge(row.cells[-2])
        _cell_paragraph(label, "Итого", bold=True, align=RIGHT)
        _cell_paragraph(row.cells[-1], total, bold=True, align=CENTER)


def build_teacher_transcript(path: Path = TEACHER_TRANSCRIPT) -> Path:
    """Build the teacher's transcript (справка о профессиональном развитии) to ``path``."""
    doc = _new_document("Справка о профессиональном развитии педагогического работника")
    _paragraph(doc, "{{ authority }}", align=CENTER, first_line=None, bold=True)
    _tag(doc, "{%p if district_name %}")
    _paragraph(doc, "{{ district_name }}", align=CENTER, first_line=None)
    _tag(doc, "{%p endif %}")
    _paragraph(
        doc, "СПРАВКА", align=CENTER, first_line=None, bold=True, space_before=12, space_after=6
    )
    _paragraph(
        doc,
        "о профессиональном развитии педагогического работника",
        align=CENTER,
        first_line=None,
        space_after=12,
    )
    date_line = _paragraph(
        doc,
        [Run("{{ issue_date_official }}\t№\u00a0{{ registration_number }}")],
        align=LEFT,
        first_line=None,
        space_after=12,
    )
    date_line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    for label, value in (
        ("Педагогический работник: ", "{{ teacher_name }}"),
        ("Должность: ", "{{ teacher_position }}"),
        ("Место работы: ", "{{ organisation }}"),
        ("Период: ", "{{ period }}"),
    ):
        _paragraph(doc, [Run(label, bold=True), Run(value)], align=LEFT, first_line=None)
    _paragraph(
        doc,
        "Настоящая справка содержит сведения об участии педагогического работника "
        "в мероприятиях, об обучении по дополнительным профессиональным программам, "
        "о тьюторском сопровождении и наставничестве и о преодолённых профессиональных "
        "дефицитах за указанный период.",
        space_before=12,
    )
    center, left = CENTER, LEFT
    _transcript_section(doc, "1. Участие в мероприятиях", "events")
    _tag(doc, "{%p if events %}")
    _transcript_table(
        doc,
        [
            (12, "№ п/п", "{{ event.number }}", center),
            (47, "Наименование мероприятия", "{{ event.title }}", left),
            (36, "Форма проведения", "{{ event.form }}", left),
            (24, "Дата", "{{ event.date }}", center),
            (19, "Объём (часов)", "{{ event.hours }}", center),
            (27, "Документ", "{{ event.certificate }}", left),
        ],
        "event in events",
        "{{ events_hours }}",
    )
    _tag(doc, "{%p endif %}")
    _transcript_section(doc, "2. Обучение по дополнительным профессиональным программам", "courses")
    _tag(doc, "{%p if courses %}")
    _transcript_table(
        doc,
        [
            (12, "№ п/п", "{{ course.number }}", center),
            (62, "Наименование программы", "{{ course.title }}", left),
            (44, "Организация, осуществлявшая обучение", "{{ course.provider }}", left),
            (28, "Дата окончания", "{{ course.completed_on }}", center),
            (19, "Объём (часов)", "{{ course.hours }}", center),
        ],
        "course in courses",
        "{{ courses_hours }}",
    )
    _tag(doc, "{%p endif %}")
    _transcript_section(doc, "3. Тьюторское сопровождение и наставничество", "mentoring")
    _tag(doc, "{%p if mentoring %}")
    _transcript_table(
        doc,
        [
            (12, "№ п/п", "{{ support.number }}", center),
            (36, "Форма сопровождения", "{{ support.support }}", left),
            (45, "Тьютор (наставник)", "{{ support.tutor }}", left),
            (53, "Тема", "{{ support.topic }}", left),
            (19, "Объём (часов)", "{{ support.hours }}", center),
        ],
        "support in mentoring",
        "{{ mentoring_hours }}",
    )
    _tag(doc, "{%p endif %}")
    _transcript_section(doc, "4. Преодолённые профессиональные дефициты", "deficits")
    _tag(doc, "{%p if deficits %}")
    _transcript_table(
        doc,
        [
            (12, "№ п/п", "{{ deficit.number }}", center),
            (58, "Профессиональный дефицит (компетенция)", "{{ deficit.competency }}", left),
            (28, "Дата преодоления", "{{ deficit.closed_on }}", center),
            (67, "Подтверждение", "{{ deficit.evidence }}", left),
        ],
        "deficit in deficits",
        None,
    )
    _tag(doc, "{%p endif %}")
    _paragraph(
        doc,
        "Общий объём профессионального развития за период составляет {{ total_hours_words }}.",
        space_before=12,
    )
    _paragraph(doc, "Справка выдана для предъявления по месту требования.", keep_with_next=True)
    _dated_signature(doc)
    _empty(doc)
    _verification(doc, "Номер для проверки подлинности: {{ number }}")
    return _save(doc, path)


BUILDERS = (
    build_order_site_status,
    build_order_site_extension,
    build_order_site_termination,
    build_refusal_letter,
    build_council_protocol,
    build_council_extract,
    build_certificate,
    build_internship_statement,
    build_letter_of_thanks,
    build_order_regulation,
    build_order_site_leaders,
    build_road_map,
    build_work_plan,
    build_information_note,
    build_annual_report,
    build_teacher_transcript,
)

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _check_tags(doc: DocumentObject) -> None:
    """Fail if a Jinja tag is split across runs (each run must hold whole tags)."""
    body = doc.element.body
    for run in body.iter(qn("w:r")):
        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
        stripped = _TAG.sub("", text)
        if any(mark in stripped for mark in ("{{", "}}", "{%", "%}")):
            raise ValueError(f"Jinja tag split across runs: {text!r}")


def main(argv: Sequence[str] = ()) -> int:
    """Regenerate the templates named in ``argv`` (``teacher_transcript``), every template
    of the service when none is named, and print where they were written.

    Rebuilding changes a file's bytes (the ZIP's timestamps) and so its template version:
    documents made from it before are rendered again on their next request. Name only the
    templates that changed.
    """
    chosen = {name.removesuffix(".docx") for name in argv}
    known = {build.__name__.removeprefix("build_"): build for build in BUILDERS}
    unknown = sorted(chosen - set(known))
    if unknown:
        print(f"unknown templates: {', '.join(unknown)}; known: {', '.join(known)}")
        return 2
    for name, build in known.items():
        if not chosen or name in chosen:
            print(build())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
