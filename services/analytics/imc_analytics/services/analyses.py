"""Use cases on saved analyses: save (the figures counted now and kept), list, read,
write conclusions, causes and recommendations, recount a draft, approve, reopen.

An analysis is a draft while methodists work on it; an approved one is frozen (its
figures, problems and texts) until it is reopened. Each change names the version it
was made on (optimistic locking, 409 on a stale copy).
"""

from datetime import UTC, datetime
from uuid import UUID

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_analytics.api.schemas import (
    ActionOut,
    AnalysisIn,
    AnalysisOut,
    AnalysisPatch,
    AnalysisSummary,
    DocumentLink,
    ProblemIn,
    ProblemOut,
    ProblemPatch,
)
from imc_analytics.db.models import Analysis as AnalysisRow
from imc_analytics.db.models import Problem, ProblemAction
from imc_analytics.domain.analysis import Analysis, FoundProblem, Line
from imc_analytics.domain.text import squash
from imc_analytics.domain.vocabulary import (
    ACTION_KIND_TITLES,
    ANALYSIS_STATUS_TITLES,
    EXAM_TITLES,
    PROBLEM_KIND_TITLES,
    REASON_TITLES,
    years_text,
)
from imc_analytics.services.common import check_version
from imc_analytics.services.results import Query, analysis_in, check_query
from imc_analytics.settings import AnalyticsSettings
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound

WHAT = "Анализ"


def _now() -> datetime:
    return datetime.now(UTC)


def snapshot_of(analysis: Analysis) -> dict[str, object]:
    """The figures as JSON (lines without schools: the live view has them)."""
    result: dict[str, object] = msgspec.to_builtins(analysis)
    return result


def figures_of(row: AnalysisRow) -> Analysis:
    return msgspec.convert(row.snapshot, Analysis)


def _line_of(analysis: Analysis, kind: str, code: str) -> Line | None:
    lines = analysis.tasks if kind == "task" else analysis.elements
    return next((line for line in lines if line.code == code), None)


def _problem_values(found: FoundProblem, analysis: Analysis, position: int) -> dict[str, object]:
    line = _line_of(analysis, found.kind, found.code)
    return {
        "position": position,
        "kind": found.kind,
        "code": found.code,
        "title": found.title,
        "element_code": line.element_code if line else "",
        "element_name": line.element_name if line else "",
        "reasons": list(found.reasons),
        "latest_year": found.latest_year,
        "latest_mean": found.latest_mean,
        "figures": msgspec.to_builtins(found.years),
        "found": True,
    }


def action_view(action: ProblemAction, *, created: bool = False) -> ActionOut:
    return ActionOut(
        id=action.id,
        kind=action.kind,
        kind_title=ACTION_KIND_TITLES[action.kind],
        state=action.state,
        remote_id=action.remote_id,
        person_id=action.person_id,
        title=action.title,
        starts_at=action.starts_at,
        created_by=action.created_by,
        created_at=action.created_at,
        created=created,
    )


def problem_view(problem: Problem, actions: list[ProblemAction]) -> ProblemOut:
    return ProblemOut(
        id=problem.id,
        position=problem.position,
        kind=problem.kind,
        kind_title=PROBLEM_KIND_TITLES[problem.kind],
        code=problem.code,
        title=problem.title,
        element_code=problem.element_code,
        element_name=problem.element_name,
        reasons=list(problem.reasons),
        reason_titles=[REASON_TITLES[r] for r in problem.reasons if r in REASON_TITLES],
        latest_year=problem.latest_year,
        latest_mean=problem.latest_mean,
        years=list(problem.figures),
        found=problem.found,
        causes=problem.causes,
        recommendations=problem.recommendations,
        updated_by=problem.updated_by,
        updated_at=problem.updated_at,
        version=problem.version,
        actions=[action_view(a) for a in actions if a.problem_id == problem.id],
    )


async def children(
    session: AsyncSession, analysis_id: UUID
) -> tuple[list[Problem], list[ProblemAction]]:
    problems = list(
        (
            await session.scalars(
                sa.select(Problem)
                .where(Problem.analysis_id == analysis_id)
                .order_by(Problem.position, Problem.id)
            )
        ).all()
    )
    actions = list(
        (
            await session.scalars(
                sa.select(ProblemAction)
                .where(ProblemAction.problem_id.in_([p.id for p in problems]))
                .order_by(ProblemAction.created_at, ProblemAction.id)
            )
        ).all()
    )
    return problems, actions


def view(
    row: AnalysisRow,
    problems: list[Problem],
    actions: list[ProblemAction],
    settings: AnalyticsSettings,
) -> AnalysisOut:
    document = None
    if row.document_id is not None:
        document = DocumentLink(
            document_id=row.document_id,
            number=row.document_number,
            pdf_path=f"/documents/{row.document_id}/file.pdf",
            docx_path=f"/documents/{row.document_id}/file.docx",
            analysis_version=row.exported_version,
            exported_at=row.exported_at,
        )
    names = settings.district_names()
    return AnalysisOut(
        id=row.id,
        exam=row.exam,
        exam_title=EXAM_TITLES[row.exam],
        subject=row.subject,
        years=list(row.years),
        district=row.district,
        district_name=names.get(row.district, row.district) if row.district else "",
        title=row.title,
        status=row.status,
        status_title=ANALYSIS_STATUS_TITLES[row.status],
        conclusions=row.conclusions,
        recommendations=row.recommendations,
        figures=figures_of(row),
        problems=[problem_view(p, actions) for p in problems],
        computed_at=row.computed_at,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        document=document,
        version=row.version,
    )


async def _row(session: AsyncSession, analysis_id: UUID) -> AnalysisRow:
    row = await session.get(AnalysisRow, analysis_id)
    if row is None:
        raise NotFound("Анализ не найден", field="analysis_id")
    return row


def _draft(row: AnalysisRow) -> None:
    if row.status != "draft":
        raise Conflict(
            "Анализ утверждён и не изменяется; чтобы внести изменения, верните его в черновик",
            field="status",
        )


async def read(database: Database, settings: AnalyticsSettings, analysis_id: UUID) -> AnalysisOut:
    async with database.sessions() as session:
        row = await _row(session, analysis_id)
        problems, actions = await children(session, analysis_id)
        return view(row, problems, actions, settings)


async def _reread(
    session: AsyncSession, settings: AnalyticsSettings, row: AnalysisRow
) -> AnalysisOut:
    await session.flush()
    problems, actions = await children(session, row.id)
    return view(row, problems, actions, settings)


def default_title(analysis: Analysis, district_name: str) -> str:
    where = f" ({district_name})" if district_name else ""
    return (
        f"Анализ результатов {analysis.exam_title} по предмету «{analysis.subject}» за "
        f"{years_text(analysis.years)}{where}"
    )[:300]


async def create(
    *, database: Database, settings: AnalyticsSettings, data: AnalysisIn, actor: str
) -> AnalysisOut:
    """Count the analysis now and save it with the problems the rules found."""
    q = check_query(
        settings, exam=data.exam, subject=data.subject, years=data.years, district=data.district
    )
    async with database.transaction() as session:
        figures = await analysis_in(session, settings, q, with_schools=False)
        names = settings.district_names()
        row = AnalysisRow(
            exam=q.exam,
            subject=figures.subject,
            subject_key=q.subject_key,
            years=list(figures.years),
            district=q.district,
            title=squash(data.title) or default_title(figures, names.get(q.district, "")),
            snapshot=snapshot_of(figures),
            created_by=actor,
            updated_by=actor,
        )
        session.add(row)
        await session.flush()
        for position, found in enumerate(figures.problems):
            session.add(
                Problem(
                    analysis_id=row.id,
                    updated_by=actor,
                    **_problem_values(found, figures, position),
                )
            )
        return await _reread(session, settings, row)


async def list_analyses(
    database: Database, *, exam: str | None, subject_key: str | None, status: str | None
) -> list[AnalysisSummary]:
    query = sa.select(AnalysisRow).order_by(AnalysisRow.updated_at.desc(), AnalysisRow.id)
    if exam:
        query = query.where(AnalysisRow.exam == exam)
    if subject_key:
        query = query.where(AnalysisRow.subject_key == subject_key)
    if status:
        query = query.where(AnalysisRow.status == status)
    async with database.sessions() as session:
        rows = (await session.scalars(query)).all()
        counts = dict(
            (
                await session.execute(
                    sa.select(Problem.analysis_id, sa.func.count()).group_by(Problem.analysis_id)
                )
            ).all()
        )
    return [
        AnalysisSummary(
            id=r.id,
            exam=r.exam,
            exam_title=EXAM_TITLES[r.exam],
            subject=r.subject,
            years=list(r.years),
            district=r.district,
            title=r.title,
            status=r.status,
            status_title=ANALYSIS_STATUS_TITLES[r.status],
            problems=int(counts.get(r.id, 0)),
            updated_at=r.updated_at,
            version=r.version,
        )
        for r in rows
    ]


async def update(
    *,
    database: Database,
    settings: AnalyticsSettings,
    analysis_id: UUID,
    data: AnalysisPatch,
    actor: str,
) -> AnalysisOut:
    """Change the title, conclusions or general recommendations of a draft."""
    async with database.transaction() as session:
        row = await _row(session, analysis_id)
        check_version(row.version, data.version, WHAT)
        _draft(row)
        if data.title is not None:
            if not squash(data.title):
                raise InvalidInput("Название анализа не может быть пустым", field="title")
            row.title = squash(data.title)
        if data.conclusions is not None:
            row.conclusions = data.conclusions.strip()
        if data.recommendations is not None:
            row.recommendations = data.recommendations.strip()
        row.updated_by, row.updated_at = actor, _now()
        return await _reread(session, settings, row)


async def recount(
    *,
    database: Database,
    settings: AnalyticsSettings,
    analysis_id: UUID,
    version: int | None,
    actor: str,
) -> AnalysisOut:
    """Count a draft again on the results there are now (after a re-import). A problem
    found again keeps its causes, recommendations and links; one no longer found is
    kept (``found`` false) if anything was written or done for it, dropped otherwise."""
    async with database.transaction() as session:
        row = await _row(session, analysis_id)
        check_version(row.version, version, WHAT)
        _draft(row)
        q = Query(
            exam=row.exam, subject_key=row.subject_key, years=list(row.years), district=row.district
        )
        figures = await analysis_in(session, settings, q, with_schools=False)
        problems, actions = await children(session, row.id)
        acted = {a.problem_id for a in actions}
        old = {(p.kind, p.code): p for p in problems if p.kind != "custom"}
        position = 0
        for found in figures.problems:
            values = _problem_values(found, figures, position)
            position += 1
            problem = old.pop((found.kind, found.code), None)
            if problem is None:
                session.add(Problem(analysis_id=row.id, updated_by=actor, **values))
            else:
                for name, value in values.items():
                    setattr(problem, name, value)
        kept = [p for p in old.values() if p.causes or p.recommendations or p.id in acted]
        for problem in old.values():
            if problem not in kept:
                await session.delete(problem)
        for problem in [*kept, *(p for p in problems if p.kind == "custom")]:
            problem.found = problem.kind == "custom"
            problem.position = position
            position += 1
        row.snapshot = snapshot_of(figures)
        row.computed_at = row.updated_at = _now()
        row.updated_by = actor
        return await _reread(session, settings, row)


async def set_status(
    *,
    database: Database,
    settings: AnalyticsSettings,
    analysis_id: UUID,
    version: int | None,
    status: str,
    actor: str,
) -> AnalysisOut:
    """Approve a draft, or return an approved analysis to a draft."""
    async with database.transaction() as session:
        row = await _row(session, analysis_id)
        check_version(row.version, version, WHAT)
        if row.status == status:
            raise Conflict(
                "Анализ уже утверждён" if status == "approved" else "Анализ уже в черновике",
                field="status",
            )
        row.status = status
        row.approved_by = actor if status == "approved" else ""
        row.approved_at = _now() if status == "approved" else None
        row.updated_by, row.updated_at = actor, _now()
        return await _reread(session, settings, row)


async def delete(*, database: Database, analysis_id: UUID, version: int | None) -> None:
    """Delete a draft that became nothing elsewhere."""
    async with database.transaction() as session:
        row = await _row(session, analysis_id)
        check_version(row.version, version, WHAT)
        _draft(row)
        _, actions = await children(session, analysis_id)
        if actions:
            raise Conflict(
                "По проблемам анализа уже запланированы мероприятия или записаны дефициты; "
                "такой анализ не удаляется",
                field="analysis_id",
            )
        await session.execute(sa.delete(Problem).where(Problem.analysis_id == analysis_id))
        await session.delete(row)


# --- problems -------------------------------------------------------------------------


async def _problem(session: AsyncSession, analysis_id: UUID, problem_id: UUID) -> Problem:
    problem = await session.get(Problem, problem_id)
    if problem is None or problem.analysis_id != analysis_id:
        raise NotFound("Проблема не найдена в этом анализе", field="problem_id")
    return problem


async def add_problem(
    *,
    database: Database,
    settings: AnalyticsSettings,
    analysis_id: UUID,
    data: ProblemIn,
    actor: str,
) -> AnalysisOut:
    """A problem the methodist names (beside those the rules found)."""
    async with database.transaction() as session:
        row = await _row(session, analysis_id)
        _draft(row)
        last = await session.scalar(
            sa.select(sa.func.max(Problem.position)).where(Problem.analysis_id == analysis_id)
        )
        title = squash(data.title)
        if not title:
            raise InvalidInput("Назовите проблему", field="title")
        session.add(
            Problem(
                analysis_id=analysis_id,
                position=(last if last is not None else -1) + 1,
                kind="custom",
                title=title,
                causes=data.causes.strip(),
                recommendations=data.recommendations.strip(),
                updated_by=actor,
            )
        )
        row.updated_by, row.updated_at = actor, _now()
        return await _reread(session, settings, row)


async def update_problem(
    *,
    database: Database,
    settings: AnalyticsSettings,
    analysis_id: UUID,
    problem_id: UUID,
    data: ProblemPatch,
    actor: str,
) -> AnalysisOut:
    """Write a problem's causes and recommendations (its title: a named problem only)."""
    async with database.transaction() as session:
        row = await _row(session, analysis_id)
        _draft(row)
        problem = await _problem(session, analysis_id, problem_id)
        check_version(problem.version, data.version, "Описание проблемы")
        if data.title is not None:
            if problem.kind != "custom":
                raise InvalidInput(
                    "Название найденной проблемы задаётся заданием или элементом содержания",
                    field="title",
                )
            problem.title = squash(data.title)
        if data.causes is not None:
            problem.causes = data.causes.strip()
        if data.recommendations is not None:
            problem.recommendations = data.recommendations.strip()
        problem.updated_by, problem.updated_at = actor, _now()
        return await _reread(session, settings, row)


async def delete_problem(
    *,
    database: Database,
    settings: AnalyticsSettings,
    analysis_id: UUID,
    problem_id: UUID,
    version: int | None,
) -> AnalysisOut:
    """Remove a problem a methodist named (nothing done for it yet)."""
    async with database.transaction() as session:
        row = await _row(session, analysis_id)
        _draft(row)
        problem = await _problem(session, analysis_id, problem_id)
        check_version(problem.version, version, "Описание проблемы")
        if problem.kind != "custom":
            raise Conflict(
                "Найденную проблему удалить нельзя; её можно описать или пересчитать анализ",
                field="problem_id",
            )
        done = await session.scalar(
            sa.select(sa.func.count()).where(ProblemAction.problem_id == problem_id)
        )
        if done:
            raise Conflict(
                "По проблеме уже запланировано мероприятие или записан дефицит",
                field="problem_id",
            )
        await session.delete(problem)
        return await _reread(session, settings, row)
