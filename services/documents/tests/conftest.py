"""Fixtures of the documents tests: one warm LibreOffice for the session, the golden texts
of the templates and the PDF checks (pdftoppm renders every page, pypdf finds the text).

Golden files: ``tests/golden/<template>.txt`` hold the text of each template rendered
with fixed data, paragraphs and table rows in document order. After an intended change
of a template, rewrite them with ``IMC_UPDATE_GOLDEN=1 uv run pytest -q services/documents``
and review the diff.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader

from imc_documents.rendering.pdf import PdfConverter, WarmConverter

GOLDEN = Path(__file__).parent / "golden"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(element: Any) -> str:
    """The runs' text, a tab as «\\t» (tab stops in paragraph properties are not text)."""
    return "".join(
        (piece.text or "") if piece.tag == f"{_W}t" else "\t"
        for run in element.iter(f"{_W}r")
        for piece in run.iterchildren(f"{_W}t", f"{_W}tab")
    )


def document_text(content: bytes) -> str:
    """The body of a DOCX in document order: a line per paragraph, a line per table row
    with its cells joined by « | » (the paragraphs of a cell by « / »), tabs kept."""
    body = DocxDocument(io.BytesIO(content)).element.body
    lines: list[str] = []
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            lines.append(_text(child))
        elif child.tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                cells = [
                    " / ".join(_text(p) for p in cell.iter(f"{_W}p"))
                    for cell in row.iterchildren(f"{_W}tc")
                ]
                lines.append(" | ".join(cells))
    return "\n".join(line.rstrip() for line in lines).strip() + "\n"


def _updating() -> bool:
    return bool(os.environ.get("IMC_UPDATE_GOLDEN") or os.environ.get("UPDATE_GOLDEN"))


@pytest.fixture
def golden() -> Callable[[str, bytes], str]:
    """``golden(name, docx)``: the document's text, asserted equal to ``golden/<name>.txt``
    (rewritten instead when ``IMC_UPDATE_GOLDEN=1``)."""

    def check(name: str, content: bytes) -> str:
        text = document_text(content)
        path = GOLDEN / f"{name}.txt"
        if _updating():
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"no golden text {path.name}: run with IMC_UPDATE_GOLDEN=1"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{name}: the text differs from {path.name}"
        return text

    return check


@pytest.fixture(scope="session")
async def warm_converter() -> AsyncIterator[WarmConverter]:
    """One LibreOffice kept warm for every PDF test of the session."""
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.fail("LibreOffice is required: run deploy/local/install-system-deps.sh")
    async with WarmConverter(PdfConverter(), max_batch=20) as converter:
        yield converter


def pdf_text(pdf: bytes) -> str:
    """The text of every page (pypdf), whitespace and non-breaking spaces collapsed."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "") for page in reader.pages).split())


@pytest.fixture
def check_pdf(tmp_path: Path) -> Callable[[str, bytes, Sequence[str]], int]:
    """``check_pdf(name, pdf, phrases)``: every page renders with pdftoppm without a word
    on stderr and the extracted text holds every phrase; returns the number of pages."""

    def check(name: str, pdf: bytes, phrases: Sequence[str]) -> int:
        assert pdf.startswith(b"%PDF"), name
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        text = pdf_text(pdf)
        missing = [p for p in phrases if " ".join(p.split()) not in text]
        assert not missing, (name, missing, text[:2000])
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            ["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / name)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0 and not done.stderr, (name, done.stderr)
        images = list(tmp_path.glob(f"{name}-*.png"))
        assert len(images) == pages, (name, len(images), pages)
        return pages

    return check
