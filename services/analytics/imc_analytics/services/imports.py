"""Use case: import exam results from an uploaded CSV or XLSX, all or nothing.

The dry run checks every row and writes nothing. The import itself writes the whole
file in one transaction: each school × exam × subject × year the file covers replaces
what an earlier import had for it, and a file with any bad row writes nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Final
from uuid import UUID

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_analytics.db.models import Organisation, Result, ResultImport, SchoolCode
from imc_analytics.domain.imports import (
    FIELD_LABELS,
    MAX_ROWS,
    Directory,
    KnownSchool,
    ParsedRow,
    RowError,
    centre_school,
    check_across,
    district_index,
    is_blank,
    locate_header,
    read_row,
    resolve_school,
)
from imc_analytics.domain.text import fold
from imc_analytics.services.table_files import read_table
from imc_analytics.settings import AnalyticsSettings
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput

log = structlog.get_logger(__name__)

CENTRE_SCHOOLS: Final = UUID("6f1d7c1e-5a0b-4c39-9a51-2f3c0e8b7a10")
"""Namespace of the ids the centre gives the schools of its districts."""
GroupKey = tuple[UUID, str, str, int]
"""School, exam, subject key, year."""


@dataclass
class Group:
    """The rows of one school × exam × subject × year."""

    school_id: UUID
    school: str
    district: str
    exam: str
    subject: str
    year: int
    tasks: int = 0
    replaces: bool = False
    """The service has results for it already: the import replaces them."""


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
    groups: list[Group] = field(default_factory=list)
    imported: int = 0
    import_id: UUID | None = None

    @property
    def clean(self) -> bool:
        return not self.errors

    @property
    def bad_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})


async def directory_of(session: AsyncSession) -> Directory:
    """The registry's organisations and the school codes learned so far."""
    directory = Directory()
    for org in (await session.scalars(sa.select(Organisation))).all():
        directory.add(KnownSchool(org.organisation_id, org.short_name, org.full_name))
    for code in (await session.scalars(sa.select(SchoolCode))).all():
        directory.codes[code.code] = code.organisation_id
    return directory


def _read(
    table_rows: list[tuple[int, Any]], settings: AnalyticsSettings, current_year: int
) -> tuple[list[ParsedRow], list[RowError], Any]:
    header = locate_header(table_rows)
    if header is None:
        raise InvalidInput(
            "В файле не найдена строка заголовков: нужны столбцы «Наименование ОО» (или «Код "
            "ОО»), «Экзамен», «Предмет», «Год», «Номер задания», «Максимальный балл», «Средний "
            "процент выполнения», «Число участников»",
            field="file",
        )
    missing = header.missing(centre=settings.is_centre)
    if missing:
        raise InvalidInput(
            f"В строке заголовков {header.line} нет столбцов: " + ", ".join(missing),
            field="file",
        )
    districts = district_index(settings.district_names())
    rows: list[ParsedRow] = []
    errors: list[RowError] = []
    for line, cells in table_rows[header.data_from :]:
        if is_blank(cells):
            continue
        row, problems = read_row(
            line,
            cells,
            header.columns,
            current_year=current_year,
            districts=districts,
            centre=settings.is_centre,
        )
        rows.append(row)
        errors.extend(problems)
        if len(rows) > MAX_ROWS:
            raise InvalidInput(
                f"В файле больше {MAX_ROWS} строк; разделите его на части", field="file"
            )
    if not rows:
        raise InvalidInput("В файле нет строк с результатами под заголовком", field="file")
    percents = [row.percent for row in rows if row.percent]
    if "percent" in header.columns.values() and percents and max(percents) <= 1:
        raise InvalidInput(
            "Все значения в столбце «Средний процент выполнения» не больше 1: похоже, это доли, "
            "а не проценты. Укажите проценты (например, 45,5, а не 0,455) или задайте ячейкам "
            "процентный формат",
            field="file",
        )
    return rows, errors, header


def _resolve(
    rows: list[ParsedRow], directory: Directory, settings: AnalyticsSettings
) -> list[RowError]:
    errors: list[RowError] = []
    codes: dict[str, tuple[UUID, int]] = {}
    for row in rows:
        if settings.is_centre:
            centre_school(row, CENTRE_SCHOOLS)
            known = directory.schools.get(row.school_id) if row.school_id else None
            if known is not None:
                row.school_display = known.display
            continue
        row.district = settings.district
        if not (row.school_name or row.school_code or row.organisation_id):
            continue
        problem = resolve_school(row, directory)
        if problem is not None:
            errors.append(problem)
            continue
        if row.school_code and row.school_id is not None:
            first = codes.setdefault(fold(row.school_code), (row.school_id, row.line))
            if first[0] != row.school_id:
                errors.append(
                    RowError(
                        row.line,
                        "school_code",
                        f"код ОО «{row.school_code}» в строке {first[1]} указан у другой "
                        "организации",
                    )
                )
    return errors


def _groups(rows: list[ParsedRow]) -> dict[GroupKey, Group]:
    groups: dict[GroupKey, Group] = {}
    for row in rows:
        assert row.school_id is not None
        key = (row.school_id, row.exam, row.subject_key, row.year)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(
                school_id=row.school_id,
                school=row.school_display,
                district=row.district,
                exam=row.exam,
                subject=row.subject,
                year=row.year,
            )
        group.tasks += 1
    return groups


async def _existing(session: AsyncSession, groups: dict[GroupKey, Group]) -> set[GroupKey]:
    if not groups:
        return set()
    exams = {k[1] for k in groups}
    subjects = {k[2] for k in groups}
    years = {k[3] for k in groups}
    found = await session.execute(
        sa.select(Result.school_id, Result.exam, Result.subject_key, Result.year)
        .where(Result.exam.in_(exams), Result.subject_key.in_(subjects), Result.year.in_(years))
        .distinct()
    )
    return {(s, e, k, y) for s, e, k, y in found.all()} & set(groups)


async def _replace(session: AsyncSession, groups: dict[GroupKey, Group]) -> None:
    by_set: dict[tuple[str, str, int], list[UUID]] = defaultdict(list)
    for school_id, exam, subject, year in groups:
        by_set[(exam, subject, year)].append(school_id)
    for (exam, subject, year), schools in by_set.items():
        for start in range(0, len(schools), 500):
            await session.execute(
                sa.delete(Result).where(
                    Result.exam == exam,
                    Result.subject_key == subject,
                    Result.year == year,
                    Result.school_id.in_(schools[start : start + 500]),
                )
            )


async def _learn_codes(session: AsyncSession, rows: list[ParsedRow]) -> None:
    learned: dict[str, UUID] = {}
    for row in rows:
        if row.school_code and row.school_id is not None:
            learned[fold(row.school_code)] = row.school_id
    for code, organisation_id in learned.items():
        known = await session.get(SchoolCode, code)
        if known is None:
            session.add(SchoolCode(code=code, organisation_id=organisation_id))
        elif known.organisation_id != organisation_id:
            known.organisation_id = organisation_id


def _values(row: ParsedRow, import_id: UUID, *, centre: bool) -> dict[str, Any]:
    return {
        "import_id": import_id,
        "district": row.district,
        "school_id": row.school_id,
        # at a district every school is the registry's organisation; at the centre only a
        # row with an explicit registry id names one
        "organisation_id": row.organisation_id if centre else row.school_id,
        "school_code": row.school_code,
        "school_name": row.school_display,
        "exam": row.exam,
        "subject": row.subject,
        "subject_key": row.subject_key,
        "year": row.year,
        "task": row.task,
        "element_code": row.element_code,
        "element_name": row.element_name,
        "max_score": row.max_score,
        "percent": row.percent,
        "participants": row.participants,
        "solved": row.solved,
        "mean_score": row.mean_score,
    }


async def import_results(
    *,
    database: Database,
    settings: AnalyticsSettings,
    filename: str,
    content: bytes,
    dry_run: bool,
    actor: str,
    current_year: int,
) -> ImportReport:
    """Check every row; unless ``dry_run``, write them all in one transaction (each
    school × exam × subject × year replacing earlier results) — or none if any is bad."""
    table = read_table(filename, content)
    rows, errors, header = _read(table.rows, settings, current_year)
    report = ImportReport(
        dry_run=dry_run,
        file_format=table.format,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
        header_line=header.line,
        columns=[FIELD_LABELS[name] for name in header.columns.values()],
        rows=rows,
        errors=errors,
    )
    try:
        await _check_and_write(database, settings, report, table.format, filename, actor)
    except sa.exc.IntegrityError as error:
        # another import of the same schools committed first (PostgreSQL's unique index)
        raise Conflict(
            "Эти результаты одновременно загружает другой пользователь; повторите загрузку",
            field="file",
        ) from error
    if report.imported:
        log.info(
            "exam results imported",
            rows=report.imported,
            groups=len(report.groups),
            format=table.format,
        )
    return report


async def _check_and_write(
    database: Database,
    settings: AnalyticsSettings,
    report: ImportReport,
    file_format: str,
    filename: str,
    actor: str,
) -> None:
    rows = report.rows
    async with database.transaction() as session:
        directory = await directory_of(session)
        report.errors.extend(_resolve(rows, directory, settings))
        bad = {error.line for error in report.errors}
        good = [row for row in rows if row.line not in bad and row.school_id is not None]
        report.errors.extend(check_across(good))
        report.errors.sort(key=lambda error: error.line)
        bad = {error.line for error in report.errors}
        groups = _groups([row for row in rows if row.line not in bad])
        existing = await _existing(session, groups)
        for key, group in groups.items():
            group.replaces = key in existing
        report.groups = sorted(
            groups.values(), key=lambda g: (g.exam, g.subject, g.year, fold(g.school))
        )
        if report.errors or report.dry_run:
            return
        await _replace(session, groups)
        batch = ResultImport(
            filename=(filename or "")[:300],
            file_format=file_format,
            rows=len(rows),
            groups=len(groups),
            replaced=len(existing),
            exams=sorted({g.exam for g in groups.values()}),
            subjects=sorted({g.subject for g in groups.values()}),
            years=sorted({g.year for g in groups.values()}),
            imported_by=actor,
        )
        session.add(batch)
        await session.flush()
        await session.execute(
            sa.insert(Result), [_values(row, batch.id, centre=settings.is_centre) for row in rows]
        )
        if not settings.is_centre:
            await _learn_codes(session, rows)
        report.imported = len(rows)
        report.import_id = batch.id


async def list_imports(database: Database) -> list[ResultImport]:
    """The accepted files, newest first."""
    async with database.sessions() as session:
        rows = await session.scalars(
            sa.select(ResultImport).order_by(ResultImport.imported_at.desc()).limit(200)
        )
        return list(rows.all())
