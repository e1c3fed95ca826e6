"""Reading the tables people upload: CSV (any of Excel's encodings and delimiters) and XLSX.

Only I/O lives here: bytes become rows of text cells numbered as Excel numbers them.
What the rows mean is the caller's business: it passes ``header_score``, which says how
well a list of rows fits the columns it expects (the registry's organisations import, the
analytics service's exam results), and the reader picks the delimiter and the sheet that
fit best. A cell formatted as percent in Excel is read as «45.5%».
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Final

import structlog

from imc_shared.errors import InvalidInput

log = structlog.get_logger(__name__)

Row = tuple[int, Sequence[str]]
"""A line number (as the user sees it) and the row's cells as text."""
HeaderScore = Callable[[Sequence[Row]], int]
"""How many expected columns the header found among ``rows`` names (0: no header)."""

DELIMITERS: Final = (";", ",", "\t")
"""Tried in this order; Excel with Russian settings writes «;»."""
MAX_LINES: Final = 20_000
"""The default limit of lines (of a CSV file, or of one sheet)."""
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


def read_table(
    filename: str, content: bytes, *, header_score: HeaderScore, max_lines: int = MAX_LINES
) -> Table:
    """Read ``content`` (named ``filename`` by the user) as a table, or raise
    :class:`InvalidInput` with a Russian explanation for a file that is not one (or has
    more than ``max_lines`` lines)."""
    name = (filename or "").strip().lower()
    if not content.strip():
        raise _unreadable("Файл пуст")
    if content.startswith(_OLE):
        raise _unreadable(
            "Формат XLS (Excel 97–2003) не поддерживается: сохраните файл как "
            "«Книга Excel (*.xlsx)» или «CSV (разделители — точка с запятой)»"
        )
    if content.startswith(_ZIP):
        return _read_xlsx(content, header_score, max_lines)
    if name.endswith(_XLSX_EXTENSIONS):
        raise _unreadable("Файл повреждён или не является книгой Excel (XLSX)")
    if name and "." in name and not name.endswith(_CSV_EXTENSIONS):
        raise _unreadable(f"Файл «{filename}» не является таблицей. {_SUPPORTED}")
    return _read_csv(content, header_score, max_lines)


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


def _rows(text: str, delimiter: str, max_lines: int) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    for line, cells in enumerate(reader, start=1):
        if line > max_lines:
            raise _unreadable(f"В файле больше {max_lines} строк; разделите его на части")
        rows.append((line, cells))
    return rows


def _read_csv(content: bytes, header_score: HeaderScore, max_lines: int) -> Table:
    text, encoding = _decode(content)
    delimiters: tuple[str, ...] = DELIMITERS
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        # Excel's «sep=;» line: it names the delimiter and Excel does not show it as a row
        delimiters, text = (first.strip()[4],), rest
    best: tuple[int, str, list[Row]] | None = None
    for delimiter in delimiters:
        try:
            rows = _rows(text, delimiter, max_lines)
        except csv.Error as error:
            log.info("csv not readable with delimiter", delimiter=delimiter, error=str(error))
            continue
        score = header_score(rows)
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


def _sheet_rows(sheet: Any, max_lines: int) -> list[Row]:
    if sheet.max_row > max_lines:
        raise _unreadable(f"На листе больше {max_lines} строк; разделите файл на части")
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


def _read_xlsx(content: bytes, header_score: HeaderScore, max_lines: int) -> Table:
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
            table = Table(rows=_sheet_rows(sheet, max_lines), format="xlsx", sheet=sheet.title)
            if header_score(table.rows) > 0:
                return table
            first = first or table
    finally:
        book.close()
    if first is None:
        raise _unreadable("В книге нет листов с данными")
    return first
