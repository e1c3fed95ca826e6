"""Build the DOCX templates of the documents service with python-docx.

Run ``uv run python -m imc_documents.templates.build_templates`` to regenerate
the ``.docx`` files next to this script. The templates use docxtpl's Jinja tags;
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
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length, Mm, Pt
from docx.text.paragraph import Paragraph

from imc_documents.templates import ORDER_SITE_STATUS

FONT_NAME = "Times New Roman"
FONT_SIZE = Pt(14)
PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_LEFT = Mm(30)
MARGIN_RIGHT = Mm(15)
MARGIN_TOP = Mm(20)
MARGIN_BOTTOM = Mm(20)
TEXT_WIDTH = Mm(210 - 30 - 15)
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


def build_order_site_status(path: Path = ORDER_SITE_STATUS) -> Path:
    """Build the order template «О присвоении статуса … площадки» and save it to ``path``."""
    doc = Document()
    _setup_document(doc, "Приказ о присвоении статуса методической площадки")
    _page_numbers(doc)

    # Organisation (authority) name.
    _paragraph(doc, "{{ authority }}", align=CENTER, first_line=None, bold=True)
    # Document type.
    _paragraph(
        doc, "ПРИКАЗ", align=CENTER, first_line=None, bold=True, space_before=12, space_after=12
    )
    # Date and registration number on one line: date left, number right.
    date_line = _paragraph(
        doc,
        [Run("от {{ order_date_official }}\t№\u00a0{{ order_number }}")],
        align=LEFT,
        first_line=None,
    )
    date_line.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    # Place of compilation.
    _paragraph(doc, "{{ place }}", align=CENTER, first_line=None, space_before=6)
    # Title to the text.
    _paragraph(
        doc,
        "О присвоении статуса {{ site_kind_title_genitive }} {{ organisation_short_name }}",
        align=CENTER,
        first_line=None,
        bold=True,
        space_before=18,
        space_after=12,
        keep_with_next=True,
    )
    # Preamble.
    _paragraph(
        doc,
        "В соответствии с Положением об опорной (стажировочной) методической площадке, "
        "на основании решения Методического совета"
        "{% if council_protocol %} ({{ council_protocol }}){% endif %}, "
        "в целях распространения и внедрения актуального педагогического опыта, "
        "развития и совершенствования профессионализма педагогических работников "
        "муниципальной системы образования {{ district_name_genitive }}",
    )
    _paragraph(doc, "ПРИКАЗЫВАЮ:", align=LEFT, first_line=None, space_before=6, space_after=6)
    points = [
        "1. Присвоить {{ organisation_full_name_dative }} ({{ organisation_short_name }}) "
        "статус {{ site_kind_title_genitive }} (далее – ОСМП) по теме «{{ topic }}» "
        "на срок с {{ term_start_numeric }} по {{ term_end_numeric }} "
        "({{ term_years_phrase }}).",
        "2. Утвердить руководство ОСМП:",
        "2.1. руководитель ОСМП – {{ leader_name }}, {{ leader_position }};",
        "2.2. соруководитель ОСМП – {{ co_leader_name }}, {{ co_leader_position }}.",
        "3. Руководителю ОСМП совместно с соруководителем ОСМП в течение месяца со дня "
        "издания настоящего приказа разработать план работы ОСМП, согласовав его с планом "
        "работы информационно-методического центра, представить на утверждение "
        "Методическому совету и обеспечить его опубликование в плане работы Управления "
        "образования администрации {{ district_name_genitive }} и на официальном сайте "
        "информационно-методического центра.",
        "4. Контроль за исполнением настоящего приказа оставляю за собой.",
    ]
    for point in points[:-1]:
        _paragraph(doc, point)
    # The last point, the blank lines and the signature stay on one page.
    _paragraph(doc, points[-1], keep_with_next=True)

    # Signature: position and «И.О. Фамилия».
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
    _acquaintance_line(doc, "{{ leader_initials }}", keep_with_next=True)
    _acquaintance_line(doc, "{{ co_leader_initials }}", keep_with_next=False)

    _check_tags(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _check_tags(doc: DocumentObject) -> None:
    """Fail if a Jinja tag is split across runs (each run must hold whole tags)."""
    body = doc.element.body
    for run in body.iter(qn("w:r")):
        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
        stripped = _TAG.sub("", text)
        if any(mark in stripped for mark in ("{{", "}}", "{%", "%}")):
            raise ValueError(f"Jinja tag split across runs: {text!r}")


def main() -> int:
    """Regenerate every template of the service and print where they were written."""
    for path in (build_order_site_status(),):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
