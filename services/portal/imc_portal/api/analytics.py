"""«Анализ результатов ГИА» (``/analytics``): the analysis of a subject × exam over three
years by task and by content element, the schools needing targeted help, saved analyses
with recommendations, their print to DOCX and the one-step seminar and deficit on a
problem (staff); one school's own results beside the district's mean (its representative).

Every change is a plain form (POST with the CSRF token) answered by a redirect
(post/redirect/get); a refusal of the analytics service re-renders the page with what was
typed and the service's Russian message next to the field it names. The import of a
results file is in :mod:`imc_portal.api.analytics_import`.
"""

import asyncio
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from imc_portal.api.analytics_import import AnalyticsImportController
from imc_portal.api.analytics_schemas import ProblemAction, SavedAnalysis
from imc_portal.api.growth_common import (
    after,
    growth_error_page,
    invalid,
    read_form,
    visitor,
)
from imc_portal.api.growth_schemas import Competency, Teacher
from imc_portal.clients import (
    AnalyticsClient,
    BackendError,
    BackendNotFoundError,
    BackendRefusedError,
    GrowthClient,
)
from imc_portal.services.analytics import (
    ANALYSIS_FIELDS,
    APPROVER_ROLES,
    CREATE_FIELDS,
    DEFICIT_FIELDS,
    EVENT_FIELDS,
    EXAMS,
    NOT_ORGANISATION,
    NOTICES,
    PROBLEM_FIELDS,
    SCHOOL_VIEW_ROLES,
    Overview,
    analysis_patch,
    bar_width,
    check_query,
    deficit_body,
    document_links,
    event_body,
    is_staff,
    problem_body,
    problem_patch,
    query_of,
    reason_titles,
    signed,
    tabs,
)
from imc_portal.services.growth import Forms, FormState, refusal
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context
from imc_shared.auth import STAFF, Role, roles

ERRORS: Any = {BackendError: growth_error_page}
STAFF_ONLY = roles(STAFF)
SCHOOL_VIEW = roles(SCHOOL_VIEW_ROLES)
APPROVERS = roles(APPROVER_ROLES)


def render(
    request: Request[Any, Any, Any],
    settings: PortalSettings,
    name: str,
    context: dict[str, Any],
    *,
    tab: str,
    status_code: int = 200,
    notice: str | None = None,
) -> Template:
    """A page of the area with its tabs, the visitor and the notice after a change."""
    person = visitor(request)
    return Template(
        template_name=name,
        context={
            **base_context(settings),
            "section": "analytics",
            "tab": tab,
            "tabs": tabs(person),
            "visitor": person,
            "staff": is_staff(person),
            "notice": NOTICES.get(notice or "", ""),
            "forms": Forms(),
            "bar_width": bar_width,
            "signed": signed,
            "exams": EXAMS,
            "centre": settings.is_centre,
            **context,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


def _analysis_path(analysis_id: UUID) -> str:
    return f"/analytics/analyses/{analysis_id}"


class AnalyticsController(Controller):
    """The overview, the analysis counted now, one school's results, saved analyses."""

    include_in_schema = False
    exception_handlers = ERRORS

    @get("/analytics", summary="State exam results analysis (page)", opt=SCHOOL_VIEW)
    async def overview(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        notice: FromQuery[str | None] = None,
    ) -> Template | Redirect:
        person = visitor(request)
        if person.role is Role.SCHOOL_REPRESENTATIVE:
            return Redirect("/analytics/school", status_code=303)
        vocabulary, available, analyses, imports = await asyncio.gather(
            analytics.vocabulary(),
            analytics.available(),
            analytics.analyses(),
            analytics.imports(),
        )
        state = FormState(values={"exam": available[0].exam if available else "oge"})
        return render(
            request,
            settings,
            "analytics_overview.html",
            {
                "page": Overview(
                    vocabulary=vocabulary,
                    available=available,
                    analyses=analyses[:10],
                    imports=imports[:5],
                ),
                "state": state,
            },
            tab="overview",
            notice=notice,
        )

    @get(
        "/analytics/analysis", summary="The analysis of an exam and subject (page)", opt=STAFF_ONLY
    )
    async def analysis(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        exam: FromQuery[str | None] = None,
        subject: FromQuery[str | None] = None,
        years: FromQuery[str | None] = None,
        district: FromQuery[str | None] = None,
    ) -> Template:
        query = query_of(exam, subject, years, district)
        return await self._analysis(request, settings, analytics, query, None)

    async def _analysis(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        analytics: AnalyticsClient,
        query: dict[str, str],
        save_state: FormState | None,
    ) -> Template:
        vocabulary, available = await asyncio.gather(analytics.vocabulary(), analytics.available())
        state = FormState(values=dict(query), errors=check_query(query))
        found = None
        if not state.failed:
            try:
                found = await analytics.analysis(query)
            except BackendRefusedError as error:
                if error.status_code == 403:
                    raise
                state = refusal(error, CREATE_FIELDS, values=query)
            except BackendNotFoundError as error:
                # No results for the exam and subject asked: said next to the subject.
                state = FormState(
                    values=dict(query), errors={"subject": error.message}, status_code=404
                )
        status = 200
        if state.failed:
            status = 422 if state.status_code < 400 else state.status_code
        if save_state is not None and save_state.status_code >= 400:
            status = save_state.status_code
        return render(
            request,
            settings,
            "analytics_analysis.html",
            {
                "query": query,
                "state": state,
                "save": save_state or FormState(values=dict(query)),
                "analysis": found,
                "vocabulary": vocabulary,
                "available": available,
                "reasons": reason_titles(vocabulary),
            },
            tab="overview",
            status_code=status,
        )

    # --- one school --------------------------------------------------------------------

    @get("/analytics/school", summary="The school's own results (page)", opt=SCHOOL_VIEW)
    async def own_school(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        exam: FromQuery[str | None] = None,
        subject: FromQuery[str | None] = None,
    ) -> Template | Redirect:
        person = visitor(request)
        if is_staff(person):
            return Redirect("/analytics", status_code=303)
        if person.organisation_id is None:
            return render(
                request,
                settings,
                "analytics_note.html",
                {"message": NOT_ORGANISATION},
                tab="school",
            )
        return await self._school(
            request, settings, analytics, person.organisation_id, exam, subject
        )

    @get(
        "/analytics/schools/{school_id:uuid}",
        summary="A school beside the district's mean (page)",
        opt=STAFF_ONLY,
    )
    async def school(
        self,
        request: Request[Any, Any, Any],
        school_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        exam: FromQuery[str | None] = None,
        subject: FromQuery[str | None] = None,
    ) -> Template | Redirect:
        return await self._school(request, settings, analytics, school_id, exam, subject)

    async def _school(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        analytics: AnalyticsClient,
        school_id: UUID,
        exam: str | None,
        subject: str | None,
    ) -> Template:
        person = visitor(request)
        available = await analytics.available(school_id=school_id)
        query = query_of(exam, subject, None)
        if not query["exam"] and not query["subject"] and available:
            query = query_of(available[0].exam, available[0].subject, None)
        view = None
        message = ""
        if query["exam"] and query["subject"]:
            try:
                view = await analytics.school(
                    school_id, {"exam": query["exam"], "subject": query["subject"]}
                )
            except BackendRefusedError as error:
                if error.status_code == 403:
                    raise
                message = error.message
            except BackendError as error:
                if error.status_code != 404:
                    raise
                message = error.message
        return render(
            request,
            settings,
            "analytics_school.html",
            {
                "view": view,
                "available": available,
                "query": query,
                "message": message,
                "school_id": school_id,
            },
            tab="school" if not is_staff(person) else "overview",
        )

    # --- saved analyses ----------------------------------------------------------------

    @get("/analytics/analyses", summary="Saved analyses (page)", opt=STAFF_ONLY)
    async def analyses(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        status: FromQuery[str | None] = None,
    ) -> Template:
        chosen = status if status in ("draft", "approved") else None
        rows = await analytics.analyses(status=chosen)
        return render(
            request,
            settings,
            "analytics_analyses.html",
            {"rows": rows, "status": chosen or ""},
            tab="analyses",
        )

    @post("/analytics/analyses", summary="Save an analysis", opt=STAFF_ONLY)
    async def create(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        query = query_of(
            state.value("exam"),
            state.value("subject"),
            state.value("years"),
            state.value("district"),
        )
        errors = check_query(query)
        if errors:
            state.errors.update(errors)
            return await self._analysis(request, settings, analytics, query, invalid(state))
        body: dict[str, Any] = {
            "exam": query["exam"],
            "subject": query["subject"],
            "title": state.value("title")[:300],
        }
        if query["years"]:
            body["years"] = [int(y) for y in query["years"].split(",")]
        if query["district"]:
            body["district"] = query["district"]
        try:
            created = await analytics.send("POST", "/analyses", SavedAnalysis, json=body)
        except BackendRefusedError as error:
            failed = refusal(error, CREATE_FIELDS, values=state.values)
            return await self._analysis(request, settings, analytics, query, failed)
        return after(_analysis_path(created.id), "created")

    @get(
        "/analytics/analyses/{analysis_id:uuid}", summary="A saved analysis (page)", opt=STAFF_ONLY
    )
    async def saved(
        self,
        request: Request[Any, Any, Any],
        analysis_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        growth: NamedDependency[GrowthClient],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        return await self._saved(
            request, settings, analytics, growth, analysis_id, Forms(), notice=notice
        )

    async def _saved(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        analytics: AnalyticsClient,
        growth: GrowthClient,
        analysis_id: UUID,
        forms: Forms,
        *,
        status_code: int = 200,
        notice: str | None = None,
    ) -> Template:
        found, vocabulary = await asyncio.gather(
            analytics.saved(analysis_id), analytics.vocabulary()
        )
        teachers, competencies, growth_ok = await _growth_choices(growth)
        if "texts" not in forms:
            forms["texts"] = FormState(
                values={
                    "title": found.title,
                    "conclusions": found.conclusions,
                    "recommendations": found.recommendations,
                    "version": str(found.version),
                }
            )
        for problem in found.problems:
            if f"p-{problem.id}" not in forms:
                forms[f"p-{problem.id}"] = FormState(
                    values={
                        "causes": problem.causes,
                        "recommendations": problem.recommendations,
                        "version": str(problem.version),
                    }
                )
        person = visitor(request)
        return render(
            request,
            settings,
            "analytics_saved.html",
            {
                "found": found,
                "analysis": found.figures,
                "forms": forms,
                "reasons": reason_titles(vocabulary),
                "teachers": teachers,
                "competencies": competencies,
                "growth_ok": growth_ok,
                "approver": person.role in APPROVER_ROLES,
                "links": document_links(found.document.document_id) if found.document else {},
                "action_href": _action_href,
            },
            tab="analyses",
            status_code=status_code,
            notice=notice,
        )

    async def _failed(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        analytics: AnalyticsClient,
        growth: GrowthClient,
        analysis_id: UUID,
        form: str,
        state: FormState,
    ) -> Template:
        status = state.status_code if state.status_code >= 400 else 422
        return await self._saved(
            request,
            settings,
            analytics,
            growth,
            analysis_id,
            Forms({form: state}),
            status_code=status,
        )

    @post("/analytics/analyses/{analysis_id:uuid}/edit", summary="Save texts", opt=STAFF_ONLY)
    async def edit(
        self,
        request: Request[Any, Any, Any],
        analysis_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        try:
            await analytics.send(
                "PATCH", f"/analyses/{analysis_id}", SavedAnalysis, json=analysis_patch(state)
            )
        except BackendRefusedError as error:
            failed = refusal(error, ANALYSIS_FIELDS, values=state.values)
            return await self._failed(
                request, settings, analytics, growth, analysis_id, "texts", failed
            )
        return after(_analysis_path(analysis_id), "saved")

    @post("/analytics/analyses/{analysis_id:uuid}/approve", summary="Approve", opt=APPROVERS)
    async def approve(
        self,
        request: Request[Any, Any, Any],
        analysis_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        return await self._step(
            request, settings, analytics, growth, analysis_id, "approve", "approved"
        )

    @post(
        "/analytics/analyses/{analysis_id:uuid}/reopen",
        summary="Back to a draft",
        opt=APPROVERS,
    )
    async def reopen(
        self,
        request: Request[Any, Any, Any],
        analysis_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        return await self._step(
            request, settings, analytics, growth, analysis_id, "reopen", "reopened"
        )

    @post(
        "/analytics/analyses/{analysis_id:uuid}/recount",
        summary="Count again",
        opt=STAFF_ONLY,
    )
    async def recount(
        self,
        request: Request[Any, Any, Any],
        analysis_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        return await self._step(
            request, settings, analytics, growth, analysis_id, "recount", "recounted"
        )

    async def _step(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        analytics: AnalyticsClient,
        growth: GrowthClient,
        analysis_id: UUID,
        name: str,
        notice: str,
    ) -> Template | Redirect:
        state = await read_form(request)
        body: dict[str, Any] = {}
        if state.value("version").isdigit():
            body["version"] = int(state.value("version"))
        try:
            await analytics.send(
                "POST", f"/analyses/{analysis_id}/{name}", SavedAnalysis, json=body
            )
        except BackendRefusedError as error:
            failed = refusal(error, (), values=state.values)
            return await self._failed(
                request, settings, analytics, growth, analysis_id, name, failed
            )
        return after(_analysis_path(analysis_id), notice)

    @post(
        "/analytics/analyses/{analysis_id:uuid}/export",
        summary="Print the information note (DOCX, PDF)",
        opt=STAFF_ONLY,
    )
    async def export(
        self,
        request: Request[Any, Any, Any],
        analysis_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        try:
            await analytics.send("POST", f"/analyses/{analysis_id}/export", dict[str, Any])
        except BackendRefusedError as error:
            failed = refusal(error, (), values=state.values)
            return await self._failed(
                request, settings, analytics, growth, analysis_id, "export", failed
            )
        return after(_analysis_path(analysis_id), "exported")

    # --- problems ----------------------------------------------------------------------

    @post(
        "/analytics/analyses/{analysis_id:uuid}/problems",
        summary="Name a problem",
        opt=STAFF_ONLY,
    )
    async def add_problem(
        self,
        request: Request[Any, Any, Any],
        analysis_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = problem_body(state)
        if state.failed:
            return await self._failed(
                request, settings, analytics, growth, analysis_id, "problem", invalid(state)
            )
        try:
            await analytics.send(
                "POST", f"/analyses/{analysis_id}/problems", SavedAnalysis, json=body
            )
        except BackendRefusedError as error:
            failed = refusal(error, PROBLEM_FIELDS, values=state.values)
            return await self._failed(
                request, settings, analytics, growth, analysis_id, "problem", failed
            )
        return after(_analysis_path(analysis_id), "problem-added")

    @post(
        "/analytics/analyses/{analysis_id:uuid}/problems/{problem_id:uuid}",
        summary="Causes and recommendations of a problem",
        opt=STAFF_ONLY,
    )
    async def save_problem(
        self,
        request: Request[Any, Any, Any],
        analysis_id: FromPath[UUID],
        problem_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        try:
            await analytics.send(
                "PATCH",
                f"/analyses/{analysis_id}/problems/{problem_id}",
                SavedAnalysis,
                json=problem_patch(state),
            )
        except BackendRefusedError as error:
            failed = refusal(error, PROBLEM_FIELDS, values=state.values)
            return await self._failed(
                request, settings, analytics, growth, analysis_id, f"p-{problem_id}", failed
            )
        return after(_analysis_path(analysis_id), "problem-saved")

    @post(
        "/analytics/analyses/{analysis_id:uuid}/problems/{problem_id:uuid}/event",
        summary="«Провести семинар» on a problem",
        opt=STAFF_ONLY,
    )
    async def plan_event(
        self,
        request: Request[Any, Any, Any],
        analysis_id: FromPath[UUID],
        problem_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = event_body(state)
        form = f"e-{problem_id}"
        if state.failed:
            return await self._failed(
                request, settings, analytics, growth, analysis_id, form, invalid(state)
            )
        try:
            made = await analytics.send(
                "POST",
                f"/analyses/{analysis_id}/problems/{problem_id}/event",
                ProblemAction,
                json=body,
            )
        except BackendRefusedError as error:
            failed = refusal(
                error, EVENT_FIELDS, values=state.values, rename={"starts_at": "starts_on"}
            )
            return await self._failed(
                request, settings, analytics, growth, analysis_id, form, failed
            )
        return after(
            _analysis_path(analysis_id), "event-planned" if made.created else "event-exists"
        )

    @post(
        "/analytics/analyses/{analysis_id:uuid}/problems/{problem_id:uuid}/deficit",
        summary="«Записать дефицит» for a problem",
        opt=STAFF_ONLY,
    )
    async def record_deficit(
        self,
        request: Request[Any, Any, Any],
        analysis_id: FromPath[UUID],
        problem_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = deficit_body(state)
        form = f"d-{problem_id}"
        if state.failed:
            return await self._failed(
                request, settings, analytics, growth, analysis_id, form, invalid(state)
            )
        try:
            made = await analytics.send(
                "POST",
                f"/analyses/{analysis_id}/problems/{problem_id}/deficits",
                ProblemAction,
                json=body,
            )
        except BackendRefusedError as error:
            failed = refusal(error, DEFICIT_FIELDS, values=state.values)
            return await self._failed(
                request, settings, analytics, growth, analysis_id, form, failed
            )
        return after(
            _analysis_path(analysis_id), "deficit-recorded" if made.created else "deficit-exists"
        )


async def _growth_choices(growth: GrowthClient) -> tuple[list[Teacher], list[Competency], bool]:
    """Teachers and competencies for «Записать дефицит» (empty when growth is away)."""
    if not growth.configured:
        return [], [], False
    try:
        teachers, competencies = await asyncio.gather(
            growth.teachers(), growth.competencies(active_only=True)
        )
    except BackendError:
        return [], [], False
    return teachers, competencies, True


def _action_href(action: ProblemAction) -> str:
    """Where the work a problem became is seen in the portal."""
    if action.remote_id is None:
        return ""
    if action.kind == "event":
        return f"/calendar/{action.remote_id}"
    return f"/growth/deficits/{action.remote_id}"


CONTROLLERS: list[Any] = [AnalyticsController, AnalyticsImportController]
"""The analytics area's controllers (both modes: the centre analyses its districts)."""
