"""Use case: import organisations from an uploaded CSV or XLSX, all or nothing."""

from dataclasses import dataclass, field

import structlog

from imc_registry.domain.imports import (
    FIELD_LABELS,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    ParsedRow,
    RowError,
    clashes_with_registry,
    duplicates_in_file,
    is_blank,
    locate_header,
    read_row,
)
from imc_registry.services.organisations import add_organisation, known_names
from imc_registry.services.table_files import read_table
from imc_shared.db import Database
from imc_shared.errors import InvalidInput
from imc_shared.outbox import Outbox

log = structlog.get_logger(__name__)


@dataclass
class ImportReport:
    """What the import found and did; ``imported`` is 0 unless the whole file was clean."""

    dry_run: bool
    file_format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_line: int
    columns: list[str]
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    imported: int = 0

    @property
    def clean(self) -> bool:
        """Whether every row can be imported."""
        return not self.errors

    @property
    def bad_lines(self) -> list[int]:
        """Lines with at least one error, in order."""
        return sorted({error.line for error in self.errors})


async def import_organisations(
    *,
    database: Database,
    outbox: Outbox,
    district: str,
    filename: str,
    content: bytes,
    dry_run: bool,
) -> ImportReport:
    """Check every row of the file; unless ``dry_run``, add them all in one transaction
    (each announced with ORGANISATION_UPSERTED) — or none if any row is bad."""
    table = read_table(filename, content)
    header = locate_header(table.rows)
    if header is None:
        expected = ", ".join(f"«{FIELD_LABELS[name]}»" for name in REQUIRED_COLUMNS)
        raise InvalidInput(
            f"В файле не найдена строка заголовков; нужны столбцы {expected}", field="file"
        )
    if header.missing:
        missing = ", ".join(f"«{FIELD_LABELS[name]}»" for name in header.missing)
        raise InvalidInput(
            f"В строке заголовков {header.line} нет столбцов: {missing}", field="file"
        )
    report = ImportReport(
        dry_run=dry_run,
        file_format=table.format,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
        header_line=header.line,
        columns=[FIELD_LABELS[name] for name in header.columns.values()],
    )
    for line, cells in table.rows[header.data_from :]:
        if is_blank(cells):
            continue
        row, errors = read_row(line, cells, header.columns)
        report.rows.append(row)
        report.errors.extend(errors)
    if not report.rows:
        raise InvalidInput("В файле нет строк с организациями под заголовком", field="file")
    if len(report.rows) > MAX_ROWS:
        raise InvalidInput(
            f"В файле {len(report.rows)} строк; за один раз можно загрузить не более {MAX_ROWS}",
            field="file",
        )
    report.errors.extend(duplicates_in_file(report.rows))
    async with database.transaction() as session:
        existing = await known_names(session, district)
        report.errors.extend(clashes_with_registry(report.rows, existing))
        report.errors.sort(key=lambda error: error.line)
        if report.errors or dry_run:
            return report
        for row in report.rows:
            await add_organisation(session, outbox, district, row.values, check_clash=False)
        report.imported = len(report.rows)
    log.info("organisations imported", count=report.imported, format=table.format)
    return report
