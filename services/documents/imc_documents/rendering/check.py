"""Check an uploaded DOCX template before it is used: it must be a Word document, its
Jinja tags must parse, every variable it uses must exist in that template's data, and it
must render with sample data. A refusal names the variable and the paragraph."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from lxml import etree

from imc_documents.rendering.docx import Image, TemplateError, render_docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class TemplateRejected(Exception):
    """The uploaded template cannot be used; ``variable`` and ``paragraph`` say where."""

    def __init__(
        self,
        message: str,
        *,
        variable: str | None = None,
        paragraph: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Keep the message (Russian) and where the problem is."""
        super().__init__(message)
        self.message = message
        self.variable = variable
        self.paragraph = paragraph
        self.details = details or {}


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the template: its number (1-based, body first) and its text."""

    number: int
    part: str
    text: str

    def where(self) -> str:
        """«абзац 12 («…»)» for messages."""
        place = "абзац" if self.part == "word/document.xml" else f"абзац в {_part_title(self.part)}"
        shown = self.text if len(self.text) <= 80 else self.text[:77] + "…"
        return f"{place} {self.number}: «{shown}»"


def _part_title(part: str) -> str:
    return "колонтитуле" if ("header" in part or "footer" in part) else part


def paragraphs(content: bytes) -> list[Paragraph]:
    """Every paragraph of the body, then of the headers and footers, with its text."""
    found: list[Paragraph] = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        extra = sorted(
            n for n in archive.namelist() if re.match(r"word/(header|footer)\d*\.xml$", n)
        )
        parts = ["word/document.xml", *extra]
        for part in parts:
            if part not in archive.namelist():
                continue
            root = etree.fromstring(archive.read(part))
            for number, element in enumerate(root.iter(f"{_W}p"), start=1):
                text = "".join(t.text or "" for t in element.iter(f"{_W}t"))
                found.append(Paragraph(number=number, part=part, text=text))
    return found


def _uses(paragraph: Paragraph, name: str) -> bool:
    pattern = rf"(\{{\{{|\{{%)[^}}%]*\b{re.escape(name)}\b"
    return re.search(pattern, paragraph.text) is not None


def _unbalanced(paragraph: Paragraph) -> bool:
    text = paragraph.text
    return text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}")


def check_template(
    content: bytes,
    *,
    name: str,
    allowed: frozenset[str],
    sample: Mapping[str, Any],
    images: Mapping[str, Image] | None = None,
) -> None:
    """Raise :class:`TemplateRejected` unless ``content`` is a usable template ``name``."""
    try:
        template = DocxTemplate(io.BytesIO(content))
        template.init_docx()
        found = paragraphs(content)
    except Exception as error:
        raise TemplateRejected(
            f"Файл не является документом Word (DOCX): {type(error).__name__}"
        ) from error
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        used = template.get_undeclared_template_variables(jinja_env=env)
    except jinja2.TemplateSyntaxError as error:
        culprit = next((p for p in found if _unbalanced(p)), None)
        if culprit is None:
            culprit = next(
                (p for p in found if "{%" in p.text and error.message and "end" in error.message),
                None,
            )
        where = culprit.where() if culprit else f"строка {error.lineno} разметки"
        raise TemplateRejected(
            f"Ошибка в шаблоне ({where}): {error.message}",
            paragraph=culprit.number if culprit else None,
            details={"jinja": error.message, "line": error.lineno},
        ) from error
    unknown = sorted(set(used) - allowed)
    if unknown:
        located = []
        for variable in unknown:
            paragraph = next((p for p in found if _uses(p, variable)), None)
            located.append((paragraph.number if paragraph else 10**9, variable, paragraph))
        located.sort(key=lambda item: (item[0], item[1]))
        _, variable, paragraph = located[0]
        where = f" ({paragraph.where()})" if paragraph else ""
        others = [v for _, v, _ in located[1:]]
        more = f"; также: {', '.join(others)}" if others else ""
        raise TemplateRejected(
            f"Шаблон «{name}» использует переменную «{variable}», которой нет в его данных"
            f"{where}{more}. Доступные переменные: {', '.join(sorted(allowed))}",
            variable=variable,
            paragraph=paragraph.number if paragraph else None,
            details={
                "unknown": [
                    {
                        "variable": v,
                        "paragraph": p.number if p else None,
                        "text": p.text if p else "",
                    }
                    for _, v, p in located
                ],
                "allowed": sorted(allowed),
            },
        )
    try:
        render_docx(content, sample, images=images, name=f"{name}.docx")
    except TemplateError as error:
        paragraph = (
            next((p for p in found if _uses(p, error.variable)), None) if error.variable else None
        )
        where = f" ({paragraph.where()})" if paragraph else ""
        raise TemplateRejected(
            f"Шаблон «{name}» не заполняется пробными данными{where}: {error}",
            variable=error.variable,
            paragraph=paragraph.number if paragraph else None,
        ) from error
