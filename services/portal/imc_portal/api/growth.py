"""«Профессиональное развитие» (``/growth``): the section's overview, the catalogue of
competencies, teachers' deficits and the list of teachers with their routes.

Every change is a plain form (POST with the CSRF token) answered by a redirect
(post/redirect/get); a refusal of the growth service re-renders the page with what was
typed and the service's Russian message next to the field it names. The surveys are in
:mod:`imc_portal.api.growth_surveys`, routes, tutors and transcripts in
:mod:`imc_portal.api.growth_routes`.
"""

import asyncio
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from imc_portal.api.growth_common import (
    ERRORS,
    after,
    invalid,
    read_form,
    render,
    visitor,
)
from imc_portal.api.growth_routes import RoutesController, TranscriptController, TutorsController
from imc_portal.api.growth_surveys import SurveysController
from imc_portal.clients import BackendNotFoundError, BackendRefusedError, GrowthClient
from imc_portal.services.accounts import Clock
from imc_portal.services.growth import (
    NOT_LINKED,
    NOT_ORGANISATION,
    PERSONAL_ROLES,
    STAFF_AND_SCHOOLS,
    FormState,
    is_staff,
    local_today,
    parse_uuid,
    refusal,
    school_year_of,
    split_list,
    version_of,
)
from imc_portal.services.growth_routes import (
    CLOSE_FIELDS,
    DEFICIT_FIELDS,
    ROUTE_FIELDS,
    close_body,
    deficit_body,
    deficit_page,
    filters_of,
    own_deficits,
    pending_evidence,
    staff_deficits,
    teacher_page,
    teacher_rows,
)
from imc_portal.settings import PortalSettings
from imc_shared.auth import STAFF, Role, roles

STAFF_ONLY = roles(STAFF)
PERSONAL = roles(PERSONAL_ROLES)
LISTS = roles(STAFF_AND_SCHOOLS)
COMPETENCY_FIELDS = frozenset({"code", "title", "description", "keywords", "active"})


class GrowthController(Controller):
    """The section's overview, competencies, deficits and teachers."""

    include_in_schema = False
    exception_handlers = ERRORS

    # --- overview ----------------------------------------------------------------------

    @get("/growth", summary="Professional development (page)", opt=PERSONAL)
    async def overview(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        person = visitor(request)
        if person.role is Role.TEACHER:
            return Redirect("/growth/route", status_code=303)
        if person.role is Role.SCHOOL_REPRESENTATIVE:
            return Redirect("/growth/teachers", status_code=303)
        surveys, pending = await asyncio.gather(
            growth.surveys(status="open"), pending_evidence(growth)
        )
        return render(
            request,
            settings,
            "growth_overview.html",
            {"surveys": surveys, "pending": pending},
            tab="overview",
            now=clock(),
        )

    # --- competencies ------------------------------------------------------------------

    @get("/growth/competencies", summary="The catalogue of competencies (page)", opt=STAFF_ONLY)
    async def competencies(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        return await self._competencies(
            request, settings, growth, FormState(values={"active": "1"}), notice
        )

    @post("/growth/competencies", summary="Add a competency", opt=STAFF_ONLY)
    async def add_competency(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = _competency_body(state, new=True)
        if state.failed:
            return await self._competencies(request, settings, growth, invalid(state))
        try:
            await growth.send("POST", "/competencies", dict[str, Any], json=body)
        except BackendRefusedError as error:
            failed = refusal(error, COMPETENCY_FIELDS, values=state.values)
            return await self._competencies(request, settings, growth, failed)
        return after("/growth/competencies", "competency-added")

    async def _competencies(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        state: FormState,
        notice: str | None = None,
    ) -> Template:
        rows = await growth.competencies()
        return render(
            request,
            settings,
            "growth_competencies.html",
            {"competencies": rows, "state": state},
            tab="competencies",
            status_code=state.status_code,
            notice=notice,
        )

    @get(
        "/growth/competencies/{competency_id:uuid}",
        summary="Edit a competency (page)",
        opt=STAFF_ONLY,
    )
    async def competency(
        self,
        request: Request[Any, Any, Any],
        competency_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        return await self._competency(request, settings, growth, competency_id, None, notice)

    @post(
        "/growth/competencies/{competency_id:uuid}",
        summary="Save a competency",
        opt=STAFF_ONLY,
    )
    async def save_competency(
        self,
        request: Request[Any, Any, Any],
        competency_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = _competency_body(state, new=False)
        if state.failed:
            return await self._competency(request, settings, growth, competency_id, invalid(state))
        try:
            await growth.send("PATCH", f"/competencies/{competency_id}", dict[str, Any], json=body)
        except BackendRefusedError as error:
            failed = refusal(error, COMPETENCY_FIELDS, values=state.values)
            return await self._competency(request, settings, growth, competency_id, failed)
        return after(f"/growth/competencies/{competency_id}", "competency-saved")

    async def _competency(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        competency_id: UUID,
        state: FormState | None,
        notice: str | None = None,
    ) -> Template:
        rows = await growth.competencies()
        found = next((c for c in rows if c.id == competency_id), None)
        if found is None:
            raise BackendNotFoundError("Компетенция не найдена в каталоге.")
        if state is None:
            state = FormState(
                values={
                    "title": found.title,
                    "description": found.description,
                    "keywords": "\n".join(found.keywords),
                    "active": "1" if found.active else "",
                    "version": str(found.version),
                }
            )
        return render(
            request,
            settings,
            "growth_competency.html",
            {"competency": found, "state": state},
            tab="competencies",
            status_code=state.status_code,
            notice=notice,
        )

    # --- deficits ----------------------------------------------------------------------

    @get("/growth/deficits", summary="Professional deficits (page)", opt=PERSONAL)
    async def deficits(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
        clock: NamedDependency[Clock],
        person_id: FromQuery[str | None] = None,
        competency: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        subject: FromQuery[str | None] = None,
        notice: FromQuery[str | None] = None,
    ) -> Template:
        filters = filters_of(person_id, competency, status, subject)
        today = local_today(clock(), ZoneInfo(settings.time_zone))
        state = FormState(values={"source_date": today.isoformat(), "person_id": person_id or ""})
        return await self._deficits(request, settings, growth, filters, state, notice)

    @post("/growth/deficits", summary="Record a deficit", opt=STAFF_ONLY)
    async def record_deficit(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = deficit_body(state)
        if state.failed:
            return await self._deficits(request, settings, growth, {}, invalid(state))
        try:
            await growth.send("POST", "/deficits", dict[str, Any], json=body)
        except BackendRefusedError as error:
            failed = refusal(error, DEFICIT_FIELDS, values=state.values)
            return await self._deficits(request, settings, growth, {}, failed)
        return after("/growth/deficits", "deficit-recorded", person_id=body["person_id"])

    async def _deficits(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        filters: dict[str, str],
        state: FormState,
        notice: str | None = None,
    ) -> Template:
        person = visitor(request)
        if person.role is Role.TEACHER:
            if person.person_id is None:
                return _note(request, settings, NOT_LINKED, tab="deficits")
            page = await own_deficits(growth)
            return render(
                request,
                settings,
                "growth_my_deficits.html",
                {"page": page},
                tab="deficits",
                notice=notice,
            )
        if person.role is Role.SCHOOL_REPRESENTATIVE and person.organisation_id is None:
            return _note(request, settings, NOT_ORGANISATION, tab="teachers")
        page = await staff_deficits(growth, filters)
        return render(
            request,
            settings,
            "growth_deficits.html",
            {
                "page": page,
                "filters": filters,
                "state": state,
                "staff": is_staff(person),
            },
            tab="deficits" if is_staff(person) else "teachers",
            status_code=state.status_code,
            notice=notice,
        )

    @get("/growth/deficits/{deficit_id:uuid}", summary="One deficit (page)", opt=PERSONAL)
    async def deficit(
        self,
        request: Request[Any, Any, Any],
        deficit_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        return await self._deficit(request, settings, growth, deficit_id, None, notice)

    @post(
        "/growth/deficits/{deficit_id:uuid}/close",
        summary="Close a deficit with evidence",
        opt=STAFF_ONLY,
    )
    async def close_deficit(
        self,
        request: Request[Any, Any, Any],
        deficit_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = close_body(state)
        try:
            await growth.send("POST", f"/deficits/{deficit_id}/close", dict[str, Any], json=body)
        except BackendRefusedError as error:
            failed = refusal(error, CLOSE_FIELDS, values=state.values)
            return await self._deficit(request, settings, growth, deficit_id, failed)
        return after(f"/growth/deficits/{deficit_id}", "deficit-closed")

    async def _deficit(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        deficit_id: UUID,
        state: FormState | None,
        notice: str | None = None,
    ) -> Template:
        person = visitor(request)
        page = await deficit_page(growth, deficit_id, staff=is_staff(person))
        if state is None:
            done = page.done_steps
            state = FormState(
                values={
                    "version": str(page.deficit.version),
                    "step_id": str(done[0].step.id) if len(done) == 1 else "",
                }
            )
        tab = "deficits" if person.role is not Role.SCHOOL_REPRESENTATIVE else "teachers"
        return render(
            request,
            settings,
            "growth_deficit.html",
            {"page": page, "deficit": page.deficit, "state": state, "staff": is_staff(person)},
            tab=tab,
            status_code=state.status_code,
            notice=notice,
        )

    # --- teachers ----------------------------------------------------------------------

    @get("/growth/teachers", summary="Teachers and their routes (page)", opt=LISTS)
    async def teachers(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
        organisation_id: FromQuery[str | None] = None,
        subject: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
    ) -> Template:
        person = visitor(request)
        if person.role is Role.SCHOOL_REPRESENTATIVE and person.organisation_id is None:
            return _note(request, settings, NOT_ORGANISATION, tab="teachers")
        chosen = parse_uuid(organisation_id or "") if is_staff(person) else None
        rows = await teacher_rows(
            growth, organisation_id=chosen, subject=(subject or "").strip() or None
        )
        organisations: list[tuple[str, str]] = []
        if is_staff(person):
            narrowed = chosen is not None or bool(subject)
            everyone = await growth.teachers() if narrowed else [r.teacher for r in rows]
            organisations = sorted(
                {(str(t.organisation_id), t.organisation) for t in everyone if t.organisation_id},
                key=lambda o: o[1].casefold(),
            )
        search = (q or "").strip().casefold()
        if search:
            rows = [r for r in rows if search in r.teacher.full_name.casefold()]
        return render(
            request,
            settings,
            "growth_teachers.html",
            {
                "rows": rows,
                "staff": is_staff(person),
                "organisations": organisations,
                "filters": {
                    "organisation_id": str(chosen) if chosen else "",
                    "subject": (subject or "").strip(),
                    "q": (q or "").strip(),
                },
            },
            tab="teachers",
        )

    @get("/growth/teachers/{person_id:uuid}", summary="One teacher (page)", opt=LISTS)
    async def teacher(
        self,
        request: Request[Any, Any, Any],
        person_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
        clock: NamedDependency[Clock],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        today = local_today(clock(), ZoneInfo(settings.time_zone))
        state = FormState(values={"school_year": school_year_of(today)})
        return await self._teacher(request, settings, growth, person_id, state, notice)

    @post(
        "/growth/teachers/{person_id:uuid}/routes",
        summary="Open a teacher's route for a school year",
        opt=STAFF_ONLY,
    )
    async def open_route(
        self,
        request: Request[Any, Any, Any],
        person_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        if not state.value("school_year"):
            state.errors["school_year"] = "Укажите учебный год, например 2026/2027."
            return await self._teacher(request, settings, growth, person_id, invalid(state))
        body = {"person_id": str(person_id), "school_year": state.value("school_year")}
        try:
            route = await growth.send("POST", "/routes", dict[str, Any], json=body)
        except BackendRefusedError as error:
            failed = refusal(error, ROUTE_FIELDS, values=state.values)
            return await self._teacher(request, settings, growth, person_id, failed)
        return after(f"/growth/routes/{route['id']}", "route-created")

    async def _teacher(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        person_id: UUID,
        state: FormState,
        notice: str | None = None,
    ) -> Template:
        person = visitor(request)
        try:
            page = await teacher_page(growth, person_id, staff=is_staff(person))
        except BackendRefusedError as error:
            raise BackendNotFoundError(error.message) from error
        return render(
            request,
            settings,
            "growth_teacher.html",
            {"page": page, "state": state, "staff": is_staff(person)},
            tab="teachers",
            status_code=state.status_code,
            notice=notice,
        )


def _competency_body(state: FormState, *, new: bool) -> dict[str, Any]:
    """The body of the competency form; the portal's checks go to ``state``."""
    if new and not state.value("code"):
        state.errors["code"] = "Укажите код компетенции (латинскими буквами)."
    if not state.value("title"):
        state.errors["title"] = "Укажите название компетенции."
    body: dict[str, Any] = {
        "title": state.value("title"),
        "description": state.value("description"),
        "keywords": split_list(state.value("keywords")),
        "active": state.value("active") == "1",
    }
    if new:
        body["code"] = state.value("code")
    else:
        version = version_of(state)
        if version is not None:
            body["version"] = version
    return body


def _note(
    request: Request[Any, Any, Any], settings: PortalSettings, message: str, *, tab: str
) -> Template:
    """A page of the area that can only say why it shows nothing."""
    return render(request, settings, "growth_note.html", {"message": message}, tab=tab)


CONTROLLERS: list[Any] = [
    GrowthController,
    SurveysController,
    RoutesController,
    TutorsController,
    TranscriptController,
]
"""The growth area's controllers (district mode: the growth service is the district's)."""
