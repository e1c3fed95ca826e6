"""Reading the tables people upload: CSV (any of Excel's encodings and delimiters) and XLSX.

Only I/O lives here: bytes become rows of text cells numbered as Excel numbers them.
What the rows mean is decided in :mod:`imc_analytics.domain.imports`. (The same reader
as the registry's organisations import, with cells formatted as percent read as such.)
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Final

import structlog

from imc_analytics.domain.imports import Row, locate_header
from imc_shared.errors import InvalidInput

log = structlog.get_logger(__name__)

DELIMITERS: Final = (";", ",", "\t")
"""Tried in this order; Excel with Russian settings writes «;»."""
MAX_LINES: Final = 120_000
_CSV_EXTENSIONS: Final = (".csv", ".txt", ".tsv")
_XLSX_EXTENSIONS: Final = (".xlsx", ".xlsm")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"
_SUPPORTED = "Загрузите таблицу в формате CSV или XLSX"


@dataclass(frozen=True)
class Table:
    """The rows of an uploaded table and how it was read."""

    rows: list[Row]
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def _unreadable(message: str) -> InvalidInput:
    return InvalidInput(message, field="file")


def read_table(filename: str, content: bytes) -> Table:
    """Read ``content`` (named ``filename`` by the user) as a table, or raise
    :class:`InvalidInput` with a Russian explanation for a file that is not one."""
    name = (filename or "").strip().lower()
    if not content.strip():
        raise _unreadable("Файл пуст")
    if content.startswith(_OLE):
        raise _unreadable(
            "Формат XLS (Excel 97–2003) не поддерживается: сохраните файл как "
            "«Книга Excel (*.xlsx)» или «CSV (разделители — точка с запятой)»"
        )
    if content.startswith(_ZIP):
        return _read_xlsx(content)
    if name.endswith(_XLSX_EXTENSIONS):
        raise _unreadable("Файл повреждён или не является книгой Excel (XLSX)")
    if name and "." in name and not name.endswith(_CSV_EXTENSIONS):
        raise _unreadable(f"Файл «{filename}» не является таблицей. {_SUPPORTED}")
    return _read_csv(content)


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "cp1251")
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t")
        if controls:
            break
        return text, encoding
    raise _unreadable(
        f"Не удалось прочитать файл как таблицу CSV (кодировка UTF-8 или Windows-1251). "
        f"{_SUPPORTED}"
    )


def _rows(text: str, delimiter: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    for line, cells in enumerate(reader, start=1):
        if line > MAX_LINES:
            raise _unreadable(f"В файле больше {MAX_LINES} строк; разделите его на части")
        rows.append((line, cells))
    return rows


def _read_csv(content: bytes) -> Table:
    text, encoding = _decode(content)
    delimiters: tuple[str, ...] = DELIMITERS
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        # Excel's «sep=;» line: it names the delimiter and Excel does not show it as a row
        delimiters, text = (first.strip()[4],), rest
    best: tuple[int, str, list[Row]] | None = None
    for delimiter in delimiters:
        try:
            rows = _rows(text, delimiter)
        except csv.Error as error:
            log.info("csv not readable with delimiter", delimiter=delimiter, error=str(error))
            continue
        header = locate_header(rows)
        score = len(header.columns) if header else 0
        if best is None or score > best[0]:
            best = (score, delimiter, rows)
    if best is None:
        raise _unreadable(f"Файл повреждён: строки CSV не разбираются. {_SUPPORTED}")
    return Table(rows=best[2], format="csv", encoding=encoding, delimiter=best[1])


def cell_text(value: Any, number_format: str = "General") -> str:
    """A cell's value as the user sees it: numbers without «.0», dates as 15.10.2026,
    a cell formatted as percent (0.455 shown as 45,5 %) as «45.5%»."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int | float) and "%" in (number_format or ""):
        return f"{round(value * 100, 6):g}%"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def _sheet_rows(sheet: Any) -> list[Row]:
    if sheet.max_row > MAX_LINES:
        raise _unreadable(f"На листе больше {MAX_LINES} строк; разделите файл на части")
    grid = [
        [cell_text(cell.value, getattr(cell, "number_format", "General")) for cell in row]
        for row in sheet.iter_rows(
            min_row=1, max_row=sheet.max_row, min_col=1, max_col=sheet.max_column
        )
    ]
    # a merged cell keeps its value in the top-left corner only: give it to every cell
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for row in range(merged.min_row - 1, min(merged.max_row, len(grid))):
            for column in range(merged.min_col - 1, min(merged.max_col, len(grid[row]))):
                grid[row][column] = value
    return [(index, cells) for index, cells in enumerate(grid, start=1)]


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook  # imported on use: heavy, needed only for XLSX

    try:
        book = load_workbook(io.BytesIO(content), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        log.info("xlsx not readable", error=str(error))
        raise _unreadable(
            f"Файл повреждён или не является книгой Excel (XLSX). {_SUPPORTED}"
        ) from error
    except Exception as error:  # openpyxl raises many kinds for a broken package
        log.info("xlsx not readable", error=repr(error))
        raise _unreadable(
            f"Файл повреждён или не является книгой Excel (XLSX). {_SUPPORTED}"
        ) from error
    try:
        sheets = [book.active, *(s for s in book.worksheets if s is not book.active)]
        first: Table | None = None
        for sheet in sheets:
            if sheet is None or not hasattr(sheet, "merged_cells"):
                continue
            table = Table(rows=_sheet_rows(sheet), format="xlsx", sheet=sheet.title)
            if locate_header(table.rows) is not None:
                return table
            first = first or table
    finally:
        book.close()
    if first is None:
        raise _unreadable("В книге нет листов с данными")
    return first
