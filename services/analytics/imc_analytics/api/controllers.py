"""Analytics HTTP controllers: parse, check who asks, call a use case, map the result.

Everything is for the IMC's staff, except one school's own results, which its
representative may see beside the district's mean. No endpoint ranks schools.
"""

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.params import Body

from imc_analytics.api import schemas
from imc_analytics.domain.access import (
    APPROVERS,
    SCHOOL_VIEW,
    STAFF_ONLY,
    school_refusal,
    sees_all_means,
)
from imc_analytics.domain.analysis import Analysis
from imc_analytics.domain.charts import SchoolView, district_charts, school_view
from imc_analytics.domain.imports import FIELD_LABELS, REQUIRED_COLUMNS, header_aliases
from imc_analytics.domain.vocabulary import (
    ACTION_KIND_TITLES,
    ANALYSIS_STATUS_TITLES,
    EXAM_TITLES,
    PROBLEM_KIND_TITLES,
    REASON_TITLES,
    parse_exam,
    subject_key,
)
from imc_analytics.services import actions, analyses, exports, imports, results
from imc_analytics.services.common import today_in
from imc_analytics.services.neighbours import Neighbours
from imc_analytics.settings import AnalyticsSettings
from imc_shared.auth import ROLE_TITLES, STAFF, current
from imc_shared.db import Database
from imc_shared.errors import InvalidInput, NotFound

MULTIPART = Body(media_type=RequestEncodingType.MULTI_PART)


def _actor(request: Request[Any, Any, Any]) -> str:
    principal = current(request)
    return (principal.name.strip() or ROLE_TITLES[principal.role])[:300]


def _bearer(request: Request[Any, Any, Any]) -> str:
    """The caller's own token, passed on to the service asked on their behalf."""
    return request.headers.get("authorization", "")


def _refuse(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDeniedException(reason)


def _years(values: list[str] | None) -> list[int] | None:
    """``?years=2024&years=2025`` or ``?years=2024,2025``."""
    if not values:
        return None
    years: list[int] = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                if not part.strip().isdigit():
                    raise InvalidInput(f"Год «{part.strip()}» указан неверно", field="years")
                years.append(int(part.strip()))
    return years or None


def _query(
    settings: AnalyticsSettings,
    exam: str,
    subject: str,
    years: list[str] | None,
    district: str | None,
) -> results.Query:
    return results.check_query(
        settings, exam=exam, subject=subject, years=_years(years), district=district
    )


def _import_result(report: imports.ImportReport) -> schemas.ImportResult:
    bad = report.bad_lines
    if bad:
        lines = ", ".join(str(line) for line in bad[:50]) + (" …" if len(bad) > 50 else "")
        message = f"Найдены ошибки в строках: {lines}. Ничего не загружено — исправьте файл"
    elif report.dry_run:
        replaced = sum(1 for g in report.groups if g.replaces)
        message = f"Ошибок нет: можно загрузить строк — {len(report.rows)}" + (
            f"; будут заменены ранее загруженные результаты ({replaced})" if replaced else ""
        )
    else:
        message = f"Загружено строк: {report.imported}"
    return schemas.ImportResult(
        dry_run=report.dry_run,
        clean=report.clean,
        message=message,
        file_format=report.file_format,
        encoding=report.encoding,
        delimiter=report.delimiter,
        sheet=report.sheet,
        header_line=report.header_line,
        columns=report.columns,
        total_rows=len(report.rows),
        valid_rows=len(report.rows) - len(bad),
        imported=report.imported,
        import_id=report.import_id,
        bad_lines=bad,
        errors=[
            schemas.ImportProblem(
                line=e.line,
                field=e.field,
                column=FIELD_LABELS.get(e.field) if e.field else None,
                message=e.message,
            )
            for e in report.errors
        ],
        groups=[
            schemas.ImportGroup(
                school_id=g.school_id,
                school=g.school,
                district=g.district,
                exam=g.exam,
                exam_title=EXAM_TITLES.get(g.exam, g.exam),
                subject=g.subject,
                year=g.year,
                tasks=g.tasks,
                replaces=g.replaces,
            )
            for g in report.groups
        ],
    )


class ResultsController(Controller):
    """Imported exam results."""

    path = "/results"
    tags = ["results"]

    @post(
        "/import",
        summary="Import results from CSV or XLSX (dry_run=true, the default, only checks)",
        opt=STAFF_ONLY,
        status_code=200,
    )
    async def import_file(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[schemas.ImportForm, MULTIPART],
        database: Database,
        settings: AnalyticsSettings,
        dry_run: bool = True,
    ) -> Response[schemas.ImportResult]:
        if data.file is None:
            raise InvalidInput("Приложите файл CSV или XLSX в поле «file»", field="file")
        content = await data.file.read()
        if len(content) > settings.max_upload_bytes:
            raise InvalidInput(
                f"Файл больше {settings.max_upload_bytes // (1024 * 1024)} МБ; разделите его",
                field="file",
            )
        report = await imports.import_results(
            database=database,
            settings=settings,
            filename=data.file.filename or "",
            content=content,
            dry_run=dry_run,
            actor=_actor(request),
            current_year=today_in(settings.time_zone).year,
        )
        status = 422 if not dry_run and not report.clean else 200
        return Response(_import_result(report), status_code=status)

    @get("/imports", summary="Accepted files, newest first", opt=STAFF_ONLY)
    async def history(self, database: Database) -> list[schemas.ImportOut]:
        return [
            schemas.ImportOut(
                id=r.id,
                filename=r.filename,
                file_format=r.file_format,
                rows=r.rows,
                groups=r.groups,
                replaced=r.replaced,
                exams=list(r.exams),
                subjects=list(r.subjects),
                years=list(r.years),
                imported_by=r.imported_by,
                imported_at=r.imported_at,
            )
            for r in await imports.list_imports(database)
        ]

    @get(
        "/available",
        summary="Exams and subjects with results (a school: its own)",
        opt=SCHOOL_VIEW,
    )
    async def available(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        school_id: UUID | None = None,
        district: str | None = None,
    ) -> list[schemas.AvailableOut]:
        principal = current(request)
        if principal.role not in STAFF:
            school_id = principal.organisation_id
            _refuse(school_refusal(principal, school_id or UUID(int=0)))
            district = None
        rows = await results.available(database, school_id=school_id, district=district or "")
        return [
            schemas.AvailableOut(
                exam=a.exam,
                exam_title=EXAM_TITLES[a.exam],
                subject=a.subject,
                years=a.years,
                schools=a.schools if principal.role in STAFF else 1,
            )
            for a in rows
        ]


class AnalysisController(Controller):
    """The analysis counted now (staff only)."""

    path = "/analysis"
    tags = ["analysis"]

    @get(
        "/",
        summary="Tasks, content elements, problems and schools for targeted help",
        opt=STAFF_ONLY,
    )
    async def show(
        self,
        database: Database,
        settings: AnalyticsSettings,
        exam: str,
        subject: str,
        years: list[str] | None = None,
        district: str | None = None,
        include_schools: bool = True,
    ) -> Analysis:
        q = _query(settings, exam, subject, years, district)
        return await results.analysis(database, settings, q, with_schools=include_schools)

    @get(
        "/charts",
        summary="Series to draw: the district (at the centre: each district)",
        opt=STAFF_ONLY,
    )
    async def charts(
        self,
        database: Database,
        settings: AnalyticsSettings,
        exam: str,
        subject: str,
        years: list[str] | None = None,
        district: str | None = None,
    ) -> schemas.ChartsOut:
        q = _query(settings, exam, subject, years, district)
        found = await results.analysis(database, settings, q, with_schools=False)
        return schemas.ChartsOut(
            exam=found.exam,
            exam_title=found.exam_title,
            subject=found.subject,
            years=found.years,
            district=found.district,
            threshold=found.threshold,
            charts=district_charts(found, settings.district_names()),
        )

    @get("/low-results", summary="Schools for targeted help, by name", opt=STAFF_ONLY)
    async def low_results(
        self,
        database: Database,
        settings: AnalyticsSettings,
        exam: str,
        subject: str,
        years: list[str] | None = None,
        district: str | None = None,
    ) -> schemas.LowResultsOut:
        q = _query(settings, exam, subject, years, district)
        found = await results.analysis(database, settings, q, with_schools=False)
        return schemas.LowResultsOut(
            exam=found.exam,
            exam_title=found.exam_title,
            subject=found.subject,
            years=found.years,
            margin=found.margin,
            min_years=found.min_years,
            schools=found.low_schools,
        )


class SchoolController(Controller):
    """Schools with results; one school against itself and its district's mean."""

    path = "/schools"
    tags = ["schools"]

    @get("/", summary="Schools with results, by name", opt=STAFF_ONLY)
    async def index(
        self, database: Database, district: str | None = None
    ) -> list[schemas.SchoolOut]:
        return [
            schemas.SchoolOut(
                school_id=s.school_id,
                name=s.name,
                district=s.district,
                organisation_id=s.organisation_id,
                low_results=s.low_results,
            )
            for s in await results.schools(database, district=district or "")
        ]

    @get(
        "/{school_id:uuid}/results",
        summary="A school over the years beside its district's mean (a school: its own)",
        opt=SCHOOL_VIEW,
    )
    async def school_results(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: AnalyticsSettings,
        school_id: UUID,
        exam: str,
        subject: str,
        years: list[str] | None = None,
    ) -> SchoolView:
        principal = current(request)
        _refuse(school_refusal(principal, school_id))
        district = await results.school_district(database, school_id)
        if district is None:
            raise NotFound("Результатов этой образовательной организации нет", field="school_id")
        q = _query(settings, exam, subject, years, district if settings.is_centre else None)
        found = await results.analysis(database, settings, q)
        minimum = 0 if sees_all_means(principal) else settings.min_schools_for_mean
        view = school_view(found, school_id, min_schools=minimum)
        if view is None:
            raise NotFound(
                "Нет результатов организации по этому экзамену и предмету за выбранные годы",
                field="school_id",
            )
        return view


class AnalysesController(Controller):
    """Saved analyses: problems, causes, recommendations, approval, the note."""

    path = "/analyses"
    tags = ["analyses"]

    @get("/", summary="Saved analyses, latest changed first", opt=STAFF_ONLY)
    async def index(
        self,
        database: Database,
        exam: str | None = None,
        subject: str | None = None,
        status: str | None = None,
    ) -> list[schemas.AnalysisSummary]:
        return await analyses.list_analyses(
            database,
            exam=parse_exam(exam) or exam if exam else None,
            subject_key=subject_key(subject) if subject else None,
            status=status,
        )

    @post("/", summary="Count and save an analysis (a draft)", opt=STAFF_ONLY)
    async def create(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: AnalyticsSettings,
        data: schemas.AnalysisIn,
    ) -> schemas.AnalysisOut:
        return await analyses.create(
            database=database, settings=settings, data=data, actor=_actor(request)
        )

    @get("/{analysis_id:uuid}", summary="One analysis with its problems", opt=STAFF_ONLY)
    async def show(
        self, database: Database, settings: AnalyticsSettings, analysis_id: UUID
    ) -> schemas.AnalysisOut:
        return await analyses.read(database, settings, analysis_id)

    @patch("/{analysis_id:uuid}", summary="Title, conclusions, recommendations", opt=STAFF_ONLY)
    async def update(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: AnalyticsSettings,
        analysis_id: UUID,
        data: schemas.AnalysisPatch,
    ) -> schemas.AnalysisOut:
        return await analyses.update(
            database=database,
            settings=settings,
            analysis_id=analysis_id,
            data=data,
            actor=_actor(request),
        )

    @delete("/{analysis_id:uuid}", summary="Delete a draft", opt=STAFF_ONLY)
    async def remove(
        self, database: Database, analysis_id: UUID, version: int | None = None
    ) -> None:
        await analyses.delete(database=database, analysis_id=analysis_id, version=version)

    @post(
        "/{analysis_id:uuid}/recount",
        summary="Count a draft again on the current results",
        opt=STAFF_ONLY,
        status_code=200,
    )
    async def recount(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: AnalyticsSettings,
        analysis_id: UUID,
        data: schemas.Versioned | None = None,
    ) -> schemas.AnalysisOut:
        return await analyses.recount(
            database=database,
            settings=settings,
            analysis_id=analysis_id,
            version=data.version if data else None,
            actor=_actor(request),
        )

    @post(
        "/{analysis_id:uuid}/approve",
        summary="Approve (the head of the IMC, the centre's coordinator)",
        opt=APPROVERS,
        status_code=200,
    )
    async def approve(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: AnalyticsSettings,
        analysis_id: UUID,
        data: schemas.Versioned | None = None,
    ) -> schemas.AnalysisOut:
        return await analyses.set_status(
            database=database,
            settings=settings,
            analysis_id=analysis_id,
            version=data.version if data else None,
            status="approved",
            actor=_actor(request),
        )

    @post(
        "/{analysis_id:uuid}/reopen",
        summary="Return an approved analysis to a draft",
        opt=APPROVERS,
        status_code=200,
    )
    async def reopen(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: AnalyticsSettings,
        analysis_id: UUID,
        data: schemas.Versioned | None = None,
    ) -> schemas.AnalysisOut:
        return await analyses.set_status(
            database=database,
            settings=settings,
            analysis_id=analysis_id,
            version=data.version if data else None,
            status="draft",
            actor=_actor(request),
        )

    @post(
        "/{analysis_id:uuid}/export",
        summary="Print as an information note (DOCX, PDF) via the documents service",
        opt=STAFF_ONLY,
        status_code=200,
    )
    async def export(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: AnalyticsSettings,
        neighbours: Neighbours,
        analysis_id: UUID,
    ) -> schemas.PrintedNote:
        return await exports.export(
            database=database,
            settings=settings,
            documents=neighbours.documents,
            analysis_id=analysis_id,
            authorization=_bearer(request),
            actor=_actor(request),
            today=today_in(settings.time_zone),
        )

    @post("/{analysis_id:uuid}/problems", summary="Name a problem", opt=STAFF_ONLY)
    async def add_problem(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: AnalyticsSettings,
        analysis_id: UUID,
        data: schemas.ProblemIn,
    ) -> schemas.AnalysisOut:
        return await analyses.add_problem(
            database=database,
            settings=settings,
            analysis_id=analysis_id,
            data=data,
            actor=_actor(request),
        )

    @patch(
        "/{analysis_id:uuid}/problems/{problem_id:uuid}",
        summary="Causes and recommendations of a problem",
        opt=STAFF_ONLY,
    )
    async def update_problem(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: AnalyticsSettings,
        analysis_id: UUID,
        problem_id: UUID,
        data: schemas.ProblemPatch,
    ) -> schemas.AnalysisOut:
        return await analyses.update_problem(
            database=database,
            settings=settings,
            analysis_id=analysis_id,
            problem_id=problem_id,
            data=data,
            actor=_actor(request),
        )

    @delete(
        "/{analysis_id:uuid}/problems/{problem_id:uuid}",
        summary="Remove a problem a methodist named",
        opt=STAFF_ONLY,
        status_code=200,
    )
    async def remove_problem(
        self,
        database: Database,
        settings: AnalyticsSettings,
        analysis_id: UUID,
        problem_id: UUID,
        version: int | None = None,
    ) -> schemas.AnalysisOut:
        return await analyses.delete_problem(
            database=database,
            settings=settings,
            analysis_id=analysis_id,
            problem_id=problem_id,
            version=version,
        )

    @post(
        "/{analysis_id:uuid}/problems/{problem_id:uuid}/event",
        summary="Plan a seminar on the problem in scheduling (once)",
        opt=STAFF_ONLY,
    )
    async def event(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: AnalyticsSettings,
        neighbours: Neighbours,
        analysis_id: UUID,
        problem_id: UUID,
        data: schemas.EventFromProblem,
    ) -> Response[schemas.ActionOut]:
        action = await actions.plan_event(
            database=database,
            settings=settings,
            scheduling=neighbours.scheduling,
            analysis_id=analysis_id,
            problem_id=problem_id,
            data=data,
            authorization=_bearer(request),
            actor=_actor(request),
        )
        return Response(action, status_code=201 if action.created else 200)

    @post(
        "/{analysis_id:uuid}/problems/{problem_id:uuid}/deficits",
        summary="Record a teacher's deficit for the problem in growth (once per teacher)",
        opt=STAFF_ONLY,
    )
    async def deficit(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: AnalyticsSettings,
        neighbours: Neighbours,
        analysis_id: UUID,
        problem_id: UUID,
        data: schemas.DeficitFromProblem,
    ) -> Response[schemas.ActionOut]:
        action = await actions.record_deficit(
            database=database,
            growth=neighbours.growth,
            analysis_id=analysis_id,
            problem_id=problem_id,
            data=data,
            authorization=_bearer(request),
            actor=_actor(request),
            today=today_in(settings.time_zone),
        )
        return Response(action, status_code=201 if action.created else 200)


class DirectoryController(Controller):
    """Codes, titles and the import's header set."""

    path = "/vocabulary"
    tags = ["directory"]

    @get("/", summary="Codes and their Russian titles, the import's headers", opt=SCHOOL_VIEW)
    async def index(self, settings: AnalyticsSettings) -> schemas.Vocabulary:
        def pairs(table: dict[str, str]) -> list[schemas.CodeTitle]:
            return [schemas.CodeTitle(code=k, title=v) for k, v in table.items()]

        required = {*REQUIRED_COLUMNS, "school_name", "percent"}
        if settings.is_centre:
            required.add("district")
        return schemas.Vocabulary(
            exams=pairs(EXAM_TITLES),
            analysis_statuses=pairs(ANALYSIS_STATUS_TITLES),
            problem_kinds=pairs(PROBLEM_KIND_TITLES),
            reasons=pairs(REASON_TITLES),
            action_kinds=pairs(ACTION_KIND_TITLES),
            headers=[
                schemas.HeaderOut(
                    field=name,
                    title=FIELD_LABELS[name],
                    accepted=aliases,
                    required=name in required,
                )
                for name, aliases in header_aliases().items()
            ],
            threshold=settings.problem_threshold_percent,
            margin=settings.low_results_margin_pp,
            min_years=settings.low_results_min_years,
            analysis_years=settings.analysis_years,
            instance_kind=settings.instance_kind,
            districts=pairs(settings.district_names()),
            today=today_in(settings.time_zone),
        )


CONTROLLERS = [
    ResultsController,
    AnalysisController,
    SchoolController,
    AnalysesController,
    DirectoryController,
]
