"""Use cases reading imported results: what is there, the analysis of one exam and
subject, a school's view. Counting itself is in :mod:`imc_analytics.domain.analysis`."""

from dataclasses import dataclass
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_analytics.db.models import Organisation, Result
from imc_analytics.domain.analysis import Analysis, Point, Thresholds, analyse, latest_years
from imc_analytics.domain.text import fold, squash
from imc_analytics.domain.vocabulary import EXAM_TITLES, parse_exam, subject_key
from imc_analytics.settings import AnalyticsSettings
from imc_shared.db import Database
from imc_shared.errors import InvalidInput, NotFound

MAX_YEARS = 5


@dataclass(frozen=True)
class Query:
    """What an analysis is of, checked."""

    exam: str
    subject_key: str
    years: list[int] | None
    district: str
    """Empty: the whole instance."""


def thresholds(settings: AnalyticsSettings) -> Thresholds:
    return Thresholds(
        problem_percent=settings.problem_threshold_percent,
        margin_pp=settings.low_results_margin_pp,
        min_years=settings.low_results_min_years,
    )


def check_query(
    settings: AnalyticsSettings,
    *,
    exam: str,
    subject: str,
    years: list[int] | None,
    district: str | None,
) -> Query:
    """The exam code, the subject's key, the years and the district, or a Russian 422."""
    code = parse_exam(exam)
    if code is None:
        raise InvalidInput("Экзамен: oge (ОГЭ) или ege (ЕГЭ)", field="exam")
    if not squash(subject):
        raise InvalidInput("Укажите предмет", field="subject")
    if years is not None:
        years = sorted(set(years))
        if not years:
            years = None
        elif len(years) > MAX_YEARS:
            raise InvalidInput(f"Анализ охватывает не больше {MAX_YEARS} лет", field="years")
    scope = ""
    if district:
        names = settings.district_names()
        wanted = fold(district)
        scope = next(
            (code for code, name in names.items() if wanted in (fold(code), fold(name))), ""
        )
        if not scope:
            raise InvalidInput(f"Округ «{district}» не известен", field="district")
        if not settings.is_centre:
            scope = ""  # a district's instance holds its own schools only
    return Query(exam=code, subject_key=subject_key(subject), years=years, district=scope)


def _scope(q: Query) -> list[sa.ColumnElement[bool]]:
    """The rows of ``q``'s exam and subject (and district)."""
    where = [Result.exam == q.exam, Result.subject_key == q.subject_key]
    if q.district:
        where.append(Result.district == q.district)
    return where


async def years_with_results(session: AsyncSession, q: Query) -> list[int]:
    rows = await session.scalars(sa.select(Result.year).where(*_scope(q)).distinct())
    return sorted(rows.all())


async def load_points(session: AsyncSession, q: Query, years: list[int]) -> tuple[list[Point], str]:
    """The rows of the analysed years (school names as the registry has them now) and
    the subject's title."""
    query = (
        sa.select(
            Result.school_id,
            Result.school_name,
            Result.district,
            Result.year,
            Result.task,
            Result.element_code,
            Result.element_name,
            Result.max_score,
            Result.percent,
            Result.participants,
            Result.organisation_id,
            Result.subject,
            Organisation.short_name,
            Organisation.full_name,
        )
        .where(*_scope(q))
        .outerjoin(Organisation, Organisation.organisation_id == Result.organisation_id)
        .where(Result.year.in_(years))
    )
    points: list[Point] = []
    subject = ""
    for row in (await session.execute(query)).all():
        subject = subject or row.subject
        points.append(
            Point(
                school_id=row.school_id,
                school_name=row.short_name or row.full_name or row.school_name,
                district=row.district,
                year=row.year,
                task=row.task,
                element_code=row.element_code,
                element_name=row.element_name,
                max_score=row.max_score,
                percent=row.percent,
                participants=row.participants,
                organisation_id=row.organisation_id,
            )
        )
    return points, subject


async def flagged(session: AsyncSession) -> set[UUID]:
    """Organisations the registry flags as schools with low educational results."""
    rows = await session.scalars(
        sa.select(Organisation.organisation_id).where(Organisation.low_results.is_(True))
    )
    return set(rows.all())


async def analysis_in(
    session: AsyncSession, settings: AnalyticsSettings, q: Query, *, with_schools: bool
) -> Analysis:
    """Count the analysis of ``q`` (404 when there are no results for it)."""
    available = await years_with_results(session, q)
    exam_title = EXAM_TITLES[q.exam]
    if not available:
        raise NotFound(f"Нет загруженных результатов {exam_title} по этому предмету")
    if q.years is None:
        years = latest_years(available, settings.analysis_years)
    else:
        years = q.years
        if not set(years) & set(available):
            raise NotFound(
                f"Нет результатов {exam_title} по этому предмету за выбранные годы; есть за: "
                + ", ".join(str(y) for y in available),
                field="years",
            )
    points, subject = await load_points(session, q, years)
    names = settings.district_names()
    return analyse(
        points,
        exam=q.exam,
        subject=subject,
        years=years,
        thresholds=thresholds(settings),
        flagged=await flagged(session),
        district=q.district,
        district_names=names if settings.is_centre and not q.district else None,
        with_schools=with_schools,
    )


async def analysis(
    database: Database, settings: AnalyticsSettings, q: Query, *, with_schools: bool = True
) -> Analysis:
    async with database.sessions() as session:
        return await analysis_in(session, settings, q, with_schools=with_schools)


@dataclass(frozen=True)
class Available:
    """An exam and subject with results: the years and how many schools."""

    exam: str
    subject: str
    subject_key: str
    years: list[int]
    schools: int


async def available(
    database: Database, *, school_id: UUID | None = None, district: str = ""
) -> list[Available]:
    """What can be analysed (for one school: what it has results in)."""
    query = sa.select(
        Result.exam, Result.subject_key, Result.subject, Result.year, Result.school_id
    ).distinct()
    if school_id is not None:
        query = query.where(Result.school_id == school_id)
    if district:
        query = query.where(Result.district == district)
    async with database.sessions() as session:
        rows = (await session.execute(query)).all()
    found: dict[tuple[str, str], tuple[str, set[int], set[UUID]]] = {}
    for exam, key, subject, year, school in rows:
        _, years, schools = found.setdefault((exam, key), (subject, set(), set()))
        years.add(year)
        schools.add(school)
    return [
        Available(exam=e, subject=t, subject_key=k, years=sorted(y), schools=len(s))
        for (e, k), (t, y, s) in sorted(found.items(), key=lambda i: (i[0][0], i[1][0]))
    ]


@dataclass(frozen=True)
class School:
    school_id: UUID
    name: str
    district: str
    organisation_id: UUID | None
    low_results: bool


async def schools(database: Database, *, district: str = "") -> list[School]:
    """Schools with results, by name (never by result)."""
    query = sa.select(
        Result.school_id,
        Result.district,
        Result.organisation_id,
        sa.func.max(Result.school_name),
    ).group_by(Result.school_id, Result.district, Result.organisation_id)
    if district:
        query = query.where(Result.district == district)
    async with database.sessions() as session:
        rows = (await session.execute(query)).all()
        orgs = {
            o.organisation_id: o for o in (await session.scalars(sa.select(Organisation))).all()
        }
    out = []
    for school_id, school_district, organisation_id, name in rows:
        org = orgs.get(organisation_id) if organisation_id else None
        out.append(
            School(
                school_id=school_id,
                name=org.display if org else name,
                district=school_district,
                organisation_id=organisation_id,
                low_results=bool(org and org.low_results),
            )
        )
    return sorted(out, key=lambda s: (fold(s.name), str(s.school_id)))


async def school_district(database: Database, school_id: UUID) -> str | None:
    """The district a school's results belong to (None: it has none)."""
    async with database.sessions() as session:
        found: str | None = await session.scalar(
            sa.select(Result.district).where(Result.school_id == school_id).limit(1)
        )
        return found
