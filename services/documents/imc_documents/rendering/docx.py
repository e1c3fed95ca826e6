"""Render DOCX templates with docxtpl (Jinja tags inside a Word document)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage


class TemplateError(Exception):
    """A template could not be rendered: a variable is missing or a tag is broken.

    ``variable`` names the first missing variable when that is the cause
    (``missing`` holds all of them when they are known in advance).
    """

    def __init__(
        self,
        message: str,
        *,
        template: Path | None = None,
        variable: str | None = None,
        missing: frozenset[str] = frozenset(),
    ) -> None:
        """Keep the template path and the missing variable(s) next to the message."""
        super().__init__(message)
        self.template = template
        self.variable = variable
        self.missing = missing


@dataclass(frozen=True)
class Image:
    """A PNG picture to place where the template says ``{{ name }}``."""

    png: bytes
    width_mm: float


_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


def _environment() -> jinja2.Environment:
    # Autoescape: values go into XML, so «&» or «<» in a name must be escaped.
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)


def render_docx(
    template_path: Path | bytes,
    context: Mapping[str, Any],
    *,
    images: Mapping[str, Image] | None = None,
    name: str | None = None,
) -> bytes:
    """Render a docxtpl template with ``context`` and return the DOCX bytes.

    ``template_path`` is a template file or its bytes (an uploaded template;
    ``name`` then names it in errors). ``images`` become docxtpl ``InlineImage``
    variables (e.g. the QR code of a certificate: ``{{ qr }}`` in the template).

    Raises :class:`TemplateError` naming the variable when the template uses a
    variable that ``context`` does not define (Jinja ``StrictUndefined``), and
    when the template has a syntax error.
    """
    if isinstance(template_path, bytes):
        template = DocxTemplate(io.BytesIO(template_path))
        template_path = Path(name or "template.docx")
    else:
        template = DocxTemplate(template_path)
    env = _environment()
    values = dict(context)
    for key, image in (images or {}).items():
        values[key] = InlineImage(template, io.BytesIO(image.png), width=Mm(image.width_mm))
    try:
        missing = template.get_undeclared_template_variables(jinja_env=env, context=values)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"Шаблон {template_path.name} содержит ошибку в строке {exc.lineno}: {exc.message}",
            template=template_path,
        ) from exc
    if missing:
        names = ", ".join(sorted(missing))
        raise TemplateError(
            f"Шаблон {template_path.name} использует неопределённые переменные: {names}",
            template=template_path,
            variable=sorted(missing)[0],
            missing=frozenset(missing),
        )
    try:
        template.render(values, jinja_env=env, autoescape=True)
    except jinja2.UndefinedError as exc:
        match = _UNDEFINED_NAME.search(str(exc))
        variable = next((g for g in match.groups() if g), None) if match else None
        raise TemplateError(
            f"Шаблон {template_path.name} использует неопределённую переменную: {variable or exc}",
            template=template_path,
            variable=variable,
            missing=frozenset({variable}) if variable else frozenset(),
        ) from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(
            f"Шаблон {template_path.name} не удалось заполнить: {exc}",
            template=template_path,
        ) from exc
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()
