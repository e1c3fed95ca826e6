"""Searchable text of a file: PDF (pypdf), DOCX (python-docx) and plain text; the other
types (presentations, tables, ODT, video) give none, their title, annotation and keywords
are searched instead."""

import io
import logging
from typing import Final

import docx
import pypdf
import structlog

from imc_resources.domain.files import DOCX, PDF, TXT, FileType
from imc_shared.errors import InvalidInput

log = structlog.get_logger(__name__)
MAX_PAGES: Final = 500
"""Pages of a PDF read for its text."""

logging.getLogger("pypdf").setLevel(logging.ERROR)


def _damaged(name: str, what: str) -> InvalidInput:
    return InvalidInput(f"Файл «{name}» повреждён или не является {what}", field="file")


def _pdf(name: str, content: bytes, limit: int) -> str:
    try:
        reader = pypdf.PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise InvalidInput(
                f"Файл «{name}» защищён паролем; приложите файл без пароля", field="file"
            )
        pages = reader.pages
        count = len(pages)
    except InvalidInput:
        raise
    except Exception as error:
        raise _damaged(name, "документом PDF") from error
    parts: list[str] = []
    size = 0
    for index in range(min(count, MAX_PAGES)):
        try:
            text = pages[index].extract_text() or ""
        except Exception:  # a page pypdf cannot read keeps the rest searchable
            log.info("pdf page without text", file=name, page=index)
            continue
        parts.append(text)
        size += len(text)
        if size >= limit:
            break
    return "\n".join(parts)


def _docx(name: str, content: bytes) -> str:
    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as error:
        raise _damaged(name, "документом DOCX") from error
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(p for p in parts if p.strip())


def _txt(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1251", errors="replace")


def extract(name: str, file_type: FileType, content: bytes, *, limit: int = 200_000) -> str:
    """The text of a file (at most ``limit`` characters); refuses a PDF or DOCX that does
    not open."""
    if file_type == PDF:
        text = _pdf(name, content, limit)
    elif file_type == DOCX:
        text = _docx(name, content)
    elif file_type == TXT:
        text = _txt(content)
    else:
        return ""
    return text.replace("\x00", "")[:limit]
