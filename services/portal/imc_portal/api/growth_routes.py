"""Individual educational routes (``/growth/routes``, a teacher's own at
``/growth/route``), tutors and mentors (``/growth/tutors``) and the record of a teacher's
development with its print (``/growth/teachers/{person_id}/transcript``, a teacher's
own at ``/growth/transcript``)."""

from typing import Any
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream, Template

from imc_portal.api.growth_common import (
    ERRORS,
    after,
    invalid,
    read_form,
    read_upload,
    render,
    visitor,
)
from imc_portal.api.growth_schemas import Assignment, PrintedTranscript
from imc_portal.clients import BackendError, BackendRefusedError, GrowthClient
from imc_portal.services.accounts import Clock
from imc_portal.services.growth import (
    NOT_LINKED,
    PERSONAL_ROLES,
    TEACHERS_AND_STAFF,
    Forms,
    FormState,
    is_staff,
    local_today,
    parse_uuid,
    person_label,
    refusal,
    version_of,
)
from imc_portal.services.growth_routes import (
    APPROVE_FIELDS,
    ASSIGNMENT_FIELDS,
    ASSIGNMENT_KINDS,
    EVIDENCE_FIELDS,
    GOAL_FIELDS,
    MEETING_FIELDS,
    RETURN_FIELDS,
    STEP_EDIT_FIELDS,
    STEP_FIELDS,
    STEP_KINDS,
    assignment_body,
    goal_body,
    meeting_body,
    own_route,
    period_of,
    print_params,
    review_body,
    route_page,
    split_assignments,
    step_body,
    step_edit_body,
    step_edit_state,
)
from imc_portal.settings import PortalSettings
from imc_shared.auth import STAFF, Role, roles

STAFF_ONLY = roles(STAFF)
PERSONAL = roles(PERSONAL_ROLES)
TEACHERS = roles(TEACHERS_AND_STAFF)
EVIDENCE_MISSING = "Подтверждающий документ не найден."


def _route_path(route_id: UUID) -> str:
    return f"/growth/routes/{route_id}"


def _multipart(values: dict[str, str], file: tuple[str, bytes, str]) -> list[tuple[str, Any]]:
    """A ``multipart/form-data`` body for httpx: text fields and the file."""
    parts: list[tuple[str, Any]] = [(name, (None, value)) for name, value in values.items()]
    parts.append(("file", file))
    return parts


class RoutesController(Controller):
    """Routes: goals tied to deficits, steps, course certificates and their review."""

    include_in_schema = False
    exception_handlers = ERRORS

    @get("/growth/route", summary="The teacher's own route (page)", opt=roles(Role.TEACHER))
    async def own(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        if visitor(request).person_id is None:
            return render(
                request, settings, "growth_note.html", {"message": NOT_LINKED}, tab="route"
            )
        page = await own_route(growth)
        return render(
            request,
            settings,
            "growth_route.html",
            {"page": page, "staff": False, "own": True, **_route_choices()},
            tab="route",
            notice=notice,
        )

    @get("/growth/routes/{route_id:uuid}", summary="A route (page)", opt=PERSONAL)
    async def show(
        self,
        request: Request[Any, Any, Any],
        route_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        return await self._route(request, settings, growth, route_id, Forms(), notice)

    async def _route(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        route_id: UUID,
        forms: Forms,
        notice: str | None = None,
        status_code: int = 200,
    ) -> Template:
        person = visitor(request)
        staff = is_staff(person)
        page = await route_page(growth, route_id, staff=staff)
        own = person.role is Role.TEACHER and person.person_id == page.route.person_id
        if staff:
            for step in page.route.steps:
                if f"edit-{step.id}" not in forms:
                    forms[f"edit-{step.id}"] = step_edit_state(step)
        tab = {Role.TEACHER: "route", Role.SCHOOL_REPRESENTATIVE: "teachers"}.get(
            person.role, "teachers"
        )
        return render(
            request,
            settings,
            "growth_route.html",
            {"page": page, "staff": staff, "own": own, "forms": forms, **_route_choices()},
            tab=tab,
            status_code=status_code,
            notice=notice,
        )

    async def _failed(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        route_id: UUID,
        form: str,
        state: FormState,
    ) -> Template:
        return await self._route(
            request,
            settings,
            growth,
            route_id,
            Forms({form: state}),
            status_code=state.status_code,
        )

    @post("/growth/routes/{route_id:uuid}/goals", summary="Add a goal", opt=STAFF_ONLY)
    async def add_goal(
        self,
        request: Request[Any, Any, Any],
        route_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = goal_body(state)
        if state.failed:
            return await self._failed(request, settings, growth, route_id, "goal", invalid(state))
        try:
            await growth.send("POST", f"/routes/{route_id}/goals", dict[str, Any], json=body)
        except BackendRefusedError as error:
            failed = refusal(error, GOAL_FIELDS, values=state.values)
            return await self._failed(request, settings, growth, route_id, "goal", failed)
        return after(_route_path(route_id), "goal-added")

    @post("/growth/routes/{route_id:uuid}/steps", summary="Add a step", opt=STAFF_ONLY)
    async def add_step(
        self,
        request: Request[Any, Any, Any],
        route_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = step_body(state)
        if state.failed:
            return await self._failed(request, settings, growth, route_id, "step", invalid(state))
        try:
            await growth.send("POST", f"/routes/{route_id}/steps", dict[str, Any], json=body)
        except BackendRefusedError as error:
            failed = refusal(error, STEP_FIELDS, values=state.values)
            return await self._failed(request, settings, growth, route_id, "step", failed)
        return after(_route_path(route_id), "step-added")

    @post(
        "/growth/routes/{route_id:uuid}/steps/{step_id:uuid}/edit",
        summary="Move a step's deadline or tie it to another goal",
        opt=STAFF_ONLY,
    )
    async def edit_step(
        self,
        request: Request[Any, Any, Any],
        route_id: FromPath[UUID],
        step_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        form = f"edit-{step_id}"
        body = step_edit_body(state)
        if state.failed:
            return await self._failed(request, settings, growth, route_id, form, invalid(state))
        try:
            await growth.send(
                "PATCH", f"/routes/{route_id}/steps/{step_id}", dict[str, Any], json=body
            )
        except BackendRefusedError as error:
            failed = refusal(error, STEP_EDIT_FIELDS, values=state.values)
            return await self._failed(request, settings, growth, route_id, form, failed)
        return after(_route_path(route_id), "step-changed")

    @post(
        "/growth/routes/{route_id:uuid}/steps/{step_id:uuid}/evidence",
        summary="Send a course certificate",
        opt=TEACHERS,
    )
    async def send_evidence(
        self,
        request: Request[Any, Any, Any],
        route_id: FromPath[UUID],
        step_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state, file = await read_upload(request, "file")
        form = f"evidence-{step_id}"
        limit = settings.max_upload_mb * 1024 * 1024
        if file is None:
            state.errors["file"] = "Выберите файл документа о прохождении курсов."
        elif len(file[1]) > limit:
            state.errors["file"] = f"Файл «{file[0]}» больше {settings.max_upload_mb} МБ."
        if state.failed or file is None:
            return await self._failed(request, settings, growth, route_id, form, invalid(state))
        values = {"comment": state.value("comment")}
        if version_of(state) is not None:
            values["version"] = state.value("version")
        try:
            await growth.send(
                "POST",
                f"/routes/{route_id}/steps/{step_id}/evidence",
                dict[str, Any],
                files=_multipart(values, file),
            )
        except BackendRefusedError as error:
            failed = refusal(error, EVIDENCE_FIELDS, values=state.values)
            return await self._failed(request, settings, growth, route_id, form, failed)
        return after(_route_path(route_id), "evidence-sent")

    @get(
        "/growth/routes/{route_id:uuid}/steps/{step_id:uuid}/evidence",
        summary="Download a course certificate",
        opt=PERSONAL,
    )
    async def evidence_file(
        self,
        route_id: FromPath[UUID],
        step_id: FromPath[UUID],
        growth: NamedDependency[GrowthClient],
    ) -> Stream:
        await growth.route(route_id)  # a refusal comes with the service's reason
        download = await growth.download(
            f"/routes/{route_id}/steps/{step_id}/evidence", missing=EVIDENCE_MISSING
        )
        return Stream(download.chunks(), media_type=download.media_type, headers=download.headers)

    @post(
        "/growth/routes/{route_id:uuid}/steps/{step_id:uuid}/approve",
        summary="Accept a course certificate",
        opt=STAFF_ONLY,
    )
    async def approve(
        self,
        request: Request[Any, Any, Any],
        route_id: FromPath[UUID],
        step_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        return await self._review(request, settings, growth, route_id, step_id, returning=False)

    @post(
        "/growth/routes/{route_id:uuid}/steps/{step_id:uuid}/return",
        summary="Return a course certificate with the reason",
        opt=STAFF_ONLY,
    )
    async def return_evidence(
        self,
        request: Request[Any, Any, Any],
        route_id: FromPath[UUID],
        step_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        return await self._review(request, settings, growth, route_id, step_id, returning=True)

    async def _review(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        route_id: UUID,
        step_id: UUID,
        *,
        returning: bool,
    ) -> Template | Redirect:
        state = await read_form(request)
        form = f"{'return' if returning else 'approve'}-{step_id}"
        body = review_body(state, returning=returning)
        if state.failed:
            return await self._failed(request, settings, growth, route_id, form, invalid(state))
        action = "return" if returning else "approve"
        try:
            await growth.send(
                "POST", f"/routes/{route_id}/steps/{step_id}/{action}", dict[str, Any], json=body
            )
        except BackendRefusedError as error:
            fields = RETURN_FIELDS if returning else APPROVE_FIELDS
            failed = refusal(error, fields, values=state.values)
            return await self._failed(request, settings, growth, route_id, form, failed)
        return after(_route_path(route_id), "step-returned" if returning else "step-approved")


def _route_choices() -> dict[str, Any]:
    return {"step_kinds": STEP_KINDS}


class TutorsController(Controller):
    """Tutors (педагоги-тьюторы) and mentors (наставники): appointments and meetings."""

    include_in_schema = False
    exception_handlers = ERRORS

    @get("/growth/tutors", summary="Tutors and mentors (page)", opt=TEACHERS)
    async def index(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
        clock: NamedDependency[Clock],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        today = local_today(clock(), ZoneInfo(settings.time_zone))
        state = FormState(values={"kind": "tutor", "starts_on": today.isoformat()})
        return await self._index(request, settings, growth, state, notice)

    @post("/growth/tutors", summary="Appoint a tutor or mentor", opt=STAFF_ONLY)
    async def appoint(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = assignment_body(state)
        if state.failed:
            return await self._index(request, settings, growth, invalid(state))
        try:
            row = await growth.send("POST", "/tutor-assignments", Assignment, json=body)
        except BackendRefusedError as error:
            failed = refusal(error, ASSIGNMENT_FIELDS, values=state.values)
            return await self._index(request, settings, growth, failed)
        return after(f"/growth/tutors/{row.id}", "assignment-created")

    async def _index(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        state: FormState,
        notice: str | None = None,
    ) -> Template:
        person = visitor(request)
        if person.role is Role.TEACHER:
            if person.person_id is None:
                return render(
                    request, settings, "growth_note.html", {"message": NOT_LINKED}, tab="tutors"
                )
            mine = split_assignments(await growth.assignments(), person.person_id)
            return render(request, settings, "growth_my_tutors.html", {"mine": mine}, tab="tutors")
        rows = await growth.assignments()
        teachers = await growth.teachers()
        return render(
            request,
            settings,
            "growth_tutors.html",
            {
                "rows": rows,
                "teachers": teachers,
                "state": state,
                "kinds": ASSIGNMENT_KINDS,
                "person_label": person_label,
            },
            tab="tutors",
            status_code=state.status_code,
            notice=notice,
        )

    @get(
        "/growth/tutors/{assignment_id:uuid}",
        summary="An appointment with its meetings (page)",
        opt=TEACHERS,
    )
    async def show(
        self,
        request: Request[Any, Any, Any],
        assignment_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
        clock: NamedDependency[Clock],
        notice: FromQuery[str | None] = None,
    ) -> Template:
        today = local_today(clock(), ZoneInfo(settings.time_zone))
        state = FormState(values={"held_on": today.isoformat()})
        return await self._show(request, settings, growth, assignment_id, state, notice, True)

    @post(
        "/growth/tutors/{assignment_id:uuid}/meetings",
        summary="Record a meeting (the IMC, or the tutor themself)",
        opt=TEACHERS,
    )
    async def meeting(
        self,
        request: Request[Any, Any, Any],
        assignment_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        body = meeting_body(state)
        if state.failed:
            return await self._show(request, settings, growth, assignment_id, invalid(state))
        try:
            await growth.send(
                "POST", f"/tutor-assignments/{assignment_id}/meetings", Assignment, json=body
            )
        except BackendRefusedError as error:
            failed = refusal(error, MEETING_FIELDS, values=state.values)
            return await self._show(request, settings, growth, assignment_id, failed)
        return after(f"/growth/tutors/{assignment_id}", "meeting-recorded")

    async def _show(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        assignment_id: UUID,
        state: FormState,
        notice: str | None = None,
        everyone_present: bool = False,
    ) -> Template:
        person = visitor(request)
        row = await growth.assignment(assignment_id)
        if everyone_present:
            state.values["present"] = [str(t.person_id) for t in row.teachers]
        records = is_staff(person) or (
            person.role is Role.TEACHER and person.person_id == row.tutor_person_id
        )
        return render(
            request,
            settings,
            "growth_tutor.html",
            {"row": row, "state": state, "records": records, "staff": is_staff(person)},
            tab="tutors",
            status_code=state.status_code,
            notice=notice,
        )


class TranscriptController(Controller):
    """The record of a teacher's development, and its print through the documents
    service (the files are downloaded through ``/documents/{id}/file.pdf``)."""

    include_in_schema = False
    exception_handlers = ERRORS

    @get("/growth/transcript", summary="The teacher's own record (page)", opt=roles(Role.TEACHER))
    async def own(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template:
        person = visitor(request)
        if person.person_id is None:
            return render(
                request, settings, "growth_note.html", {"message": NOT_LINKED}, tab="transcript"
            )
        return await self._page(request, settings, growth, person.person_id, None)

    @get(
        "/growth/teachers/{person_id:uuid}/transcript",
        summary="A teacher's record of development (page)",
        opt=PERSONAL,
    )
    async def show(
        self,
        request: Request[Any, Any, Any],
        person_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template:
        return await self._page(request, settings, growth, person_id, None)

    @post(
        "/growth/teachers/{person_id:uuid}/transcript/print",
        summary="Print the record (PDF and DOCX) through the documents service",
        opt=PERSONAL,
    )
    async def print_transcript(
        self,
        request: Request[Any, Any, Any],
        person_id: FromPath[UUID],
        settings: NamedDependency[PortalSettings],
        growth: NamedDependency[GrowthClient],
    ) -> Template | Redirect:
        state = await read_form(request)
        start, end = period_of(state)
        if state.failed:
            return await self._page(request, settings, growth, person_id, invalid(state))
        params = print_params(start, end)
        try:
            printed = await growth.send(
                "POST",
                f"/people/{person_id}/transcript/print",
                PrintedTranscript,
                params=params,
            )
        except BackendRefusedError as error:
            failed = refusal(error, {"date_from", "date_to"}, values=state.values)
            return await self._page(request, settings, growth, person_id, failed)
        except BackendError as error:
            state.errors["print"] = error.message
            state.status_code = error.status_code
            return await self._page(request, settings, growth, person_id, state)
        query = urlencode({**params, "document": str(printed.document_id)})
        return Redirect(f"{_transcript_path(request, person_id)}?{query}", status_code=303)

    async def _page(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        growth: GrowthClient,
        person_id: UUID,
        state: FormState | None,
    ) -> Template:
        person = visitor(request)
        if state is None:
            query = request.query_params
            state = FormState(
                values={
                    "date_from": query.get("date_from", ""),
                    "date_to": query.get("date_to", ""),
                }
            )
            document = parse_uuid(query.get("document", ""))
        else:
            document = None
        start, end = period_of(state)
        if state.failed:
            transcript = await growth.transcript(person_id)
            state.status_code = max(state.status_code, 422)
        else:
            transcript = await growth.transcript(person_id, date_from=start, date_to=end)
        own = person.role is Role.TEACHER and person.person_id == person_id
        tab = "transcript" if person.role is Role.TEACHER else "teachers"
        return render(
            request,
            settings,
            "growth_transcript.html",
            {
                "transcript": transcript,
                "state": state,
                "document": document,
                "own": own,
                "action": f"/growth/teachers/{person_id}/transcript/print",
                "page_path": _transcript_path(request, person_id),
            },
            tab=tab,
            status_code=state.status_code,
        )


def _transcript_path(request: Request[Any, Any, Any], person_id: UUID) -> str:
    """The transcript's page: a teacher's own at ``/growth/transcript``."""
    person = visitor(request)
    if person.role is Role.TEACHER and person.person_id == person_id:
        return "/growth/transcript"
    return f"/growth/teachers/{person_id}/transcript"
