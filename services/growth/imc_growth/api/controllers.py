"""Growth HTTP controllers: parse, check who asks, call a use case, map the result."""

from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from litestar import Controller, Request, Response, get, patch, post, put
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.params import Body

from imc_contracts import DeficitsSummarised
from imc_contracts.vocabulary import QUALIFICATION_CATEGORY_TITLES, STAFF_GROUP_TITLES
from imc_growth.api import schemas
from imc_growth.db.models import KnownEvent, Organisation, Teacher
from imc_growth.domain.access import (
    EVERYONE,
    PERSONAL,
    STAFF_ONLY,
    TEACHERS_AND_STAFF,
    own_refusal,
    read_refusal,
    tutor_refusal,
)
from imc_growth.domain.deficits import DEFICIT_SOURCE_TITLES, DEFICIT_STATUS_TITLES
from imc_growth.domain.routes import STEP_KIND_TITLES, STEP_STATUS_TITLES
from imc_growth.domain.surveys import QUESTION_KIND_TITLES, SURVEY_STATUS_TITLES
from imc_growth.domain.transcript import Transcript
from imc_growth.domain.tutors import ASSIGNMENT_KIND_TITLES
from imc_growth.services import (
    competencies,
    deficits,
    routes,
    suggestions,
    surveys,
    transcripts,
    tutors,
)
from imc_growth.services.common import today_in
from imc_growth.services.documents_client import DocumentsClient
from imc_growth.services.summary import read_summary
from imc_growth.settings import GrowthSettings
from imc_shared.auth import ROLE_TITLES, STAFF, Principal, Role, current, roles
from imc_shared.db import Database
from imc_shared.errors import NotFound
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore

MULTIPART = Body(media_type=RequestEncodingType.MULTI_PART)


def _actor(request: Request[Any, Any, Any]) -> str:
    principal = current(request)
    return (principal.name.strip() or ROLE_TITLES[principal.role])[:300]


def _refuse(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDeniedException(reason)


def _zone(settings: GrowthSettings) -> ZoneInfo:
    return ZoneInfo(settings.time_zone)


def _today(settings: GrowthSettings) -> date:
    return today_in(settings.time_zone)


async def _may_read(principal: Principal, database: Database, person_id: UUID) -> None:
    """403 unless ``principal`` may read ``person_id``'s growth record (404 when someone
    other than staff or the teacher themself asks about a person the registry never
    announced)."""
    if principal.role in STAFF or (
        principal.role is Role.TEACHER and principal.person_id == person_id
    ):
        return
    async with database.sessions() as session:
        teacher = await session.get(Teacher, person_id)
    if teacher is None:
        raise NotFound("Педагог не найден в реестре")
    _refuse(read_refusal(principal, person_id, teacher.organisation_id))


def _scope(principal: Principal, person_id: UUID | None) -> tuple[UUID | None, UUID | None]:
    """(person, organisation) a listing is narrowed to for the asking role."""
    if principal.role in STAFF:
        return person_id, None
    if principal.role is Role.TEACHER:
        own = principal.person_id
        if own is None or (person_id is not None and person_id != own):
            _refuse(read_refusal(principal, person_id or UUID(int=0), None))
        return own, None
    if principal.role is Role.SCHOOL_REPRESENTATIVE:
        _refuse(read_refusal(principal, UUID(int=0), principal.organisation_id))
        return person_id, principal.organisation_id
    _refuse(read_refusal(principal, UUID(int=0), None))
    return None, None  # pragma: no cover


def _competency(row: Any) -> schemas.CompetencyOut:
    return competencies.view(row)


class CompetencyController(Controller):
    """The district's catalogue of competencies."""

    path = "/competencies"
    tags = ["competencies"]

    @get("/", summary="The catalogue (every role)", opt=EVERYONE)
    async def index(
        self, database: Database, active_only: bool = False
    ) -> list[schemas.CompetencyOut]:
        rows = await competencies.list_competencies(database, active_only=active_only)
        return [_competency(r) for r in rows]

    @post("/", summary="Add a competency", opt=STAFF_ONLY)
    async def create(self, database: Database, data: schemas.CompetencyIn) -> schemas.CompetencyOut:
        return _competency(await competencies.create_competency(database, data))

    @patch("/{competency_id:uuid}", summary="Change a competency (not its code)", opt=STAFF_ONLY)
    async def update(
        self, database: Database, competency_id: UUID, data: schemas.CompetencyPatch
    ) -> schemas.CompetencyOut:
        return _competency(await competencies.update_competency(database, competency_id, data))


class SurveyController(Controller):
    """Needs monitoring: surveys, answers, results, proposals of deficits."""

    path = "/surveys"
    tags = ["surveys"]

    @get("/", summary="Every survey", opt=STAFF_ONLY)
    async def index(
        self, database: Database, status: str | None = None, school_year: str | None = None
    ) -> list[schemas.SurveyOut]:
        return await surveys.list_surveys(database=database, status=status, school_year=school_year)

    @post("/", summary="Build a survey (a draft)", opt=STAFF_ONLY)
    async def create(
        self, request: Request[Any, Any, Any], database: Database, data: schemas.SurveyIn
    ) -> schemas.SurveyOut:
        return await surveys.create_survey(database=database, data=data, actor=_actor(request))

    @get("/mine", summary="Surveys the teacher is asked to answer", opt=TEACHERS_AND_STAFF)
    async def mine(
        self, request: Request[Any, Any, Any], database: Database, settings: GrowthSettings
    ) -> list[schemas.MySurvey]:
        principal = current(request)
        if principal.person_id is None:
            return []
        return await surveys.my_surveys(
            database=database, person_id=principal.person_id, today=_today(settings)
        )

    @get(
        "/{survey_id:uuid}",
        summary="One survey (a teacher: only one addressed to them)",
        opt=TEACHERS_AND_STAFF,
    )
    async def show(
        self, request: Request[Any, Any, Any], database: Database, survey_id: UUID
    ) -> schemas.SurveyOut:
        principal = current(request)
        if principal.role in STAFF:
            return await surveys.get_survey(database, survey_id)
        if principal.person_id is None:
            raise NotFound("Анкета не найдена", field="survey_id")
        return await surveys.survey_for(database, survey_id, principal.person_id)

    @patch("/{survey_id:uuid}", summary="Change a draft", opt=STAFF_ONLY)
    async def update(
        self, database: Database, survey_id: UUID, data: schemas.SurveyPatch
    ) -> schemas.SurveyOut:
        return await surveys.update_survey(database=database, survey_id=survey_id, data=data)

    @post(
        "/{survey_id:uuid}/open",
        summary="Open: send to the target group",
        opt=STAFF_ONLY,
        status_code=200,
    )
    async def open(
        self,
        database: Database,
        outbox: Outbox,
        settings: GrowthSettings,
        survey_id: UUID,
        data: schemas.Versioned | None = None,
    ) -> schemas.SurveyOut:
        return await surveys.open_survey(
            database=database,
            outbox=outbox,
            survey_id=survey_id,
            version=data.version if data else None,
            today=_today(settings),
        )

    @post(
        "/{survey_id:uuid}/close", summary="Close: no more answers", opt=STAFF_ONLY, status_code=200
    )
    async def close(
        self,
        database: Database,
        settings: GrowthSettings,
        survey_id: UUID,
        data: schemas.Versioned | None = None,
    ) -> schemas.SurveyOut:
        return await surveys.close_survey(
            database=database,
            survey_id=survey_id,
            version=data.version if data else None,
            today=_today(settings),
        )

    @post("/{survey_id:uuid}/copy", summary="Repeat next year (a new draft)", opt=STAFF_ONLY)
    async def copy(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        survey_id: UUID,
        data: schemas.SurveyCopyIn | None = None,
    ) -> schemas.SurveyOut:
        return await surveys.copy_survey(
            database=database,
            survey_id=survey_id,
            data=data or schemas.SurveyCopyIn(),
            actor=_actor(request),
        )

    @get(
        "/{survey_id:uuid}/results",
        summary="Distributions: district, schools, subjects",
        opt=STAFF_ONLY,
    )
    async def results(self, database: Database, survey_id: UUID) -> schemas.SurveyResults:
        return await surveys.results(database, survey_id)

    @get("/{survey_id:uuid}/comparison", summary="Beside last year's survey", opt=STAFF_ONLY)
    async def comparison(self, database: Database, survey_id: UUID) -> schemas.SurveyComparison:
        return await surveys.comparison(database, survey_id)

    @get(
        "/{survey_id:uuid}/deficit-proposals",
        summary="Deficits the answers point to",
        opt=STAFF_ONLY,
    )
    async def proposals(self, database: Database, survey_id: UUID) -> list[schemas.Proposal]:
        return await surveys.proposals(database, survey_id)

    @post(
        "/{survey_id:uuid}/deficit-proposals",
        summary="Record the confirmed proposals (a repeat records nothing twice)",
        opt=STAFF_ONLY,
        status_code=200,
    )
    async def confirm(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        outbox: Outbox,
        survey_id: UUID,
        data: schemas.ProposalsConfirmIn,
    ) -> list[schemas.DeficitOut]:
        return await surveys.confirm_proposals(
            database=database,
            outbox=outbox,
            survey_id=survey_id,
            items=data.items,
            note=data.note,
            actor=_actor(request),
        )

    @get("/{survey_id:uuid}/response", summary="The teacher's own answers", opt=TEACHERS_AND_STAFF)
    async def my_response(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        survey_id: UUID,
        person_id: UUID | None = None,
    ) -> schemas.ResponseOut:
        principal = current(request)
        who = person_id if principal.role in STAFF and person_id else principal.person_id
        if who is None:
            raise NotFound("Ответов на эту анкету нет", field="survey_id")
        _refuse(own_refusal(principal, who))
        return await surveys.get_response(database, survey_id, who)

    @put(
        "/{survey_id:uuid}/response",
        summary="Answer (or change the answers)",
        opt=roles(Role.TEACHER),
    )
    async def answer(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: GrowthSettings,
        survey_id: UUID,
        data: schemas.ResponseIn,
    ) -> schemas.ResponseOut:
        principal = current(request)
        if principal.person_id is None:
            _refuse(own_refusal(principal, UUID(int=0)))
        assert principal.person_id is not None
        return await surveys.answer(
            database=database,
            survey_id=survey_id,
            person_id=principal.person_id,
            answers=data.answers,
            version=data.version,
            today=_today(settings),
        )


class DeficitController(Controller):
    """Professional deficits of teachers."""

    path = "/deficits"
    tags = ["deficits"]

    @get("/", summary="Deficits (a teacher: own; a school: its teachers')", opt=PERSONAL)
    async def index(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        person_id: UUID | None = None,
        status: str | None = None,
        competency: str | None = None,
        subject: str | None = None,
    ) -> list[schemas.DeficitOut]:
        person, organisation = _scope(current(request), person_id)
        return await deficits.list_deficits(
            database=database,
            person_ids=[person] if person else None,
            organisation_id=organisation,
            status=status,
            competency_code=competency,
            subject=subject,
        )

    @post("/", summary="Record a deficit", opt=STAFF_ONLY)
    async def create(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        outbox: Outbox,
        settings: GrowthSettings,
        data: schemas.DeficitIn,
    ) -> schemas.DeficitOut:
        return await deficits.record_deficit(
            database=database,
            outbox=outbox,
            person_id=data.person_id,
            competency_code=data.competency_code,
            subject=data.subject,
            source=data.source,
            source_date=data.source_date,
            source_ref=data.source_ref,
            note=data.note,
            actor=_actor(request),
            today=_today(settings),
        )

    @get("/{deficit_id:uuid}", summary="One deficit", opt=PERSONAL)
    async def show(
        self, request: Request[Any, Any, Any], database: Database, deficit_id: UUID
    ) -> schemas.DeficitOut:
        row = await deficits.get_deficit(database, deficit_id)
        _refuse(read_refusal(current(request), row.person_id, row.organisation_id))
        return row

    @post(
        "/{deficit_id:uuid}/close",
        summary="Close with evidence (a completed route step and a conclusion)",
        opt=STAFF_ONLY,
        status_code=200,
    )
    async def close(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        outbox: Outbox,
        settings: GrowthSettings,
        deficit_id: UUID,
        data: schemas.DeficitCloseIn,
    ) -> schemas.DeficitOut:
        return await deficits.close_deficit(
            database=database,
            outbox=outbox,
            deficit_id=deficit_id,
            evidence=data.evidence,
            step_id=data.step_id,
            version=data.version,
            actor=_actor(request),
            today=_today(settings),
        )

    @get("/{deficit_id:uuid}/suggestions", summary="Upcoming events and sites for it", opt=PERSONAL)
    async def suggestions(
        self, request: Request[Any, Any, Any], database: Database, deficit_id: UUID
    ) -> schemas.Suggestions:
        row = await deficits.get_deficit(database, deficit_id)
        _refuse(read_refusal(current(request), row.person_id, row.organisation_id))
        return await suggestions.suggest(database=database, deficit_id=deficit_id)


class RouteController(Controller):
    """Individual educational routes (ИОМ)."""

    path = "/routes"
    tags = ["routes"]

    @get("/", summary="Routes (a teacher: own; a school: its teachers')", opt=PERSONAL)
    async def index(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        person_id: UUID | None = None,
        school_year: str | None = None,
        awaiting_review: bool = False,
    ) -> list[schemas.RouteBrief]:
        person, organisation = _scope(current(request), person_id)
        return await routes.list_routes(
            database=database,
            person_id=person,
            organisation_id=organisation,
            school_year=school_year,
            awaiting_review=awaiting_review,
        )

    @post("/", summary="Open a teacher's route for a school year", opt=STAFF_ONLY)
    async def create(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        outbox: Outbox,
        settings: GrowthSettings,
        data: schemas.RouteIn,
    ) -> schemas.RouteOut:
        route = await routes.create_route(
            database=database,
            outbox=outbox,
            person_id=data.person_id,
            school_year=data.school_year,
            actor=_actor(request),
        )
        return await routes.route_view(database, route.id, _today(settings))

    @get("/{route_id:uuid}", summary="A route with its goals and steps", opt=PERSONAL)
    async def show(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: GrowthSettings,
        route_id: UUID,
    ) -> schemas.RouteOut:
        view = await routes.route_view(database, route_id, _today(settings))
        _refuse(read_refusal(current(request), view.person_id, view.organisation_id))
        return view

    @post("/{route_id:uuid}/goals", summary="Add a goal tied to a deficit", opt=STAFF_ONLY)
    async def add_goal(
        self,
        database: Database,
        outbox: Outbox,
        settings: GrowthSettings,
        route_id: UUID,
        data: schemas.GoalIn,
    ) -> schemas.RouteOut:
        await routes.add_goal(
            database=database,
            outbox=outbox,
            route_id=route_id,
            title=data.title,
            deficit_id=data.deficit_id,
        )
        return await routes.route_view(database, route_id, _today(settings))

    @post("/{route_id:uuid}/steps", summary="Add a step", opt=STAFF_ONLY)
    async def add_step(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        outbox: Outbox,
        settings: GrowthSettings,
        route_id: UUID,
        data: schemas.StepIn,
    ) -> schemas.RouteOut:
        await routes.add_step(
            database=database,
            outbox=outbox,
            route_id=route_id,
            data=data,
            zone=_zone(settings),
            actor=_actor(request),
        )
        return await routes.route_view(database, route_id, _today(settings))

    @patch(
        "/{route_id:uuid}/steps/{step_id:uuid}",
        summary="Move a step's deadline or tie it to another goal",
        opt=STAFF_ONLY,
    )
    async def change_step(
        self,
        database: Database,
        outbox: Outbox,
        settings: GrowthSettings,
        route_id: UUID,
        step_id: UUID,
        data: schemas.StepPatch,
    ) -> schemas.RouteOut:
        await routes.change_step(
            database=database, outbox=outbox, route_id=route_id, step_id=step_id, data=data
        )
        return await routes.route_view(database, route_id, _today(settings))

    @post(
        "/{route_id:uuid}/steps/{step_id:uuid}/evidence",
        summary="Send a course certificate (the teacher themself, or staff)",
        opt=TEACHERS_AND_STAFF,
        status_code=200,
    )
    async def evidence(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        outbox: Outbox,
        settings: GrowthSettings,
        store: FileStore,
        route_id: UUID,
        step_id: UUID,
        data: Annotated[schemas.EvidenceForm, MULTIPART],
    ) -> schemas.RouteOut:
        person_id, _ = await routes.owner_of(database, route_id)
        _refuse(own_refusal(current(request), person_id))
        await routes.submit_evidence(
            database=database,
            outbox=outbox,
            store=store,
            route_id=route_id,
            step_id=step_id,
            filename=data.file.filename or "document",
            content=await data.file.read(),
            comment=data.comment,
            max_bytes=settings.max_upload_bytes,
            version=data.version,
        )
        return await routes.route_view(database, route_id, _today(settings))

    @get(
        "/{route_id:uuid}/steps/{step_id:uuid}/evidence",
        summary="Download the evidence sent",
        opt=PERSONAL,
    )
    async def evidence_file(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        store: FileStore,
        route_id: UUID,
        step_id: UUID,
    ) -> Response[bytes]:
        person_id, organisation_id = await routes.owner_of(database, route_id)
        _refuse(read_refusal(current(request), person_id, organisation_id))
        step, content = await routes.evidence_file(
            database=database, store=store, route_id=route_id, step_id=step_id
        )
        suffix = (
            step.evidence_filename.rsplit(".", 1)[-1] if "." in step.evidence_filename else "bin"
        )
        fallback = f"evidence.{suffix}".encode("ascii", "replace").decode()
        return Response(
            content,
            media_type=step.evidence_content_type,
            headers={
                "content-disposition": f'attachment; filename="{fallback}"; '
                f"filename*=UTF-8''{quote(step.evidence_filename, safe='')}",
                "x-checksum-sha256": step.evidence_sha256,
            },
        )

    @post(
        "/{route_id:uuid}/steps/{step_id:uuid}/approve",
        summary="Accept the evidence: the course step is done",
        opt=STAFF_ONLY,
        status_code=200,
    )
    async def approve(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        outbox: Outbox,
        settings: GrowthSettings,
        route_id: UUID,
        step_id: UUID,
        data: schemas.ApproveIn | None = None,
    ) -> schemas.RouteOut:
        await routes.approve_step(
            database=database,
            outbox=outbox,
            route_id=route_id,
            step_id=step_id,
            completed_on=data.completed_on if data else None,
            version=data.version if data else None,
            actor=_actor(request),
            zone=_zone(settings),
        )
        return await routes.route_view(database, route_id, _today(settings))

    @post(
        "/{route_id:uuid}/steps/{step_id:uuid}/return",
        summary="Return the evidence with the reason",
        opt=STAFF_ONLY,
        status_code=200,
    )
    async def return_evidence(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        outbox: Outbox,
        settings: GrowthSettings,
        route_id: UUID,
        step_id: UUID,
        data: schemas.ReturnIn,
    ) -> schemas.RouteOut:
        await routes.return_step(
            database=database,
            outbox=outbox,
            route_id=route_id,
            step_id=step_id,
            reason=data.reason,
            version=data.version,
            actor=_actor(request),
        )
        return await routes.route_view(database, route_id, _today(settings))


class TutorController(Controller):
    """Tutors (педагоги-тьюторы) and mentors (наставники): appointments and meetings."""

    path = "/tutor-assignments"
    tags = ["tutors"]

    @get(
        "/",
        summary="Appointments (a teacher: where they tutor or are supported)",
        opt=TEACHERS_AND_STAFF,
    )
    async def index(
        self, request: Request[Any, Any, Any], database: Database, person_id: UUID | None = None
    ) -> list[schemas.AssignmentOut]:
        principal = current(request)
        if principal.role not in STAFF:
            if principal.person_id is None:
                return []
            person_id = principal.person_id
        return await tutors.list_assignments(database=database, person_id=person_id)

    @post("/", summary="Appoint a tutor or mentor", opt=STAFF_ONLY)
    async def create(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        outbox: Outbox,
        data: schemas.AssignmentIn,
    ) -> schemas.AssignmentOut:
        return await tutors.appoint(
            database=database, outbox=outbox, data=data, actor=_actor(request)
        )

    @get(
        "/{assignment_id:uuid}", summary="One appointment with its meetings", opt=TEACHERS_AND_STAFF
    )
    async def show(
        self, request: Request[Any, Any, Any], database: Database, assignment_id: UUID
    ) -> schemas.AssignmentOut:
        principal = current(request)
        if principal.role not in STAFF:
            tutor, members = await tutors.tutor_of(database, assignment_id)
            if principal.person_id is None or principal.person_id not in (tutor, *members):
                raise NotFound("Назначение тьютора (наставника) не найдено", field="assignment_id")
        return await tutors.get_assignment(database, assignment_id)

    @post(
        "/{assignment_id:uuid}/meetings",
        summary="Record a meeting (staff, or the tutor themself)",
        opt=TEACHERS_AND_STAFF,
    )
    async def meeting(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        outbox: Outbox,
        settings: GrowthSettings,
        assignment_id: UUID,
        data: schemas.MeetingIn,
    ) -> schemas.AssignmentOut:
        tutor, _ = await tutors.tutor_of(database, assignment_id)
        _refuse(tutor_refusal(current(request), tutor))
        return await tutors.record_meeting(
            database=database,
            outbox=outbox,
            assignment_id=assignment_id,
            data=data,
            actor=_actor(request),
            today=_today(settings),
        )


class PersonController(Controller):
    """A teacher's record of professional development."""

    path = "/people"
    tags = ["transcripts"]

    @get("/{person_id:uuid}/transcript", summary="The record of development", opt=PERSONAL)
    async def transcript(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: GrowthSettings,
        person_id: UUID,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> Transcript:
        await _may_read(current(request), database, person_id)
        return await transcripts.build(
            database=database,
            person_id=person_id,
            zone=_zone(settings),
            today=_today(settings),
            date_from=date_from,
            date_to=date_to,
        )

    @post(
        "/{person_id:uuid}/transcript/print",
        summary="Print the record through the documents service",
        opt=PERSONAL,
        status_code=200,
    )
    async def print_transcript(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        settings: GrowthSettings,
        documents: DocumentsClient,
        person_id: UUID,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> schemas.PrintedTranscript:
        await _may_read(current(request), database, person_id)
        today = _today(settings)
        transcript = await transcripts.build(
            database=database,
            person_id=person_id,
            zone=_zone(settings),
            today=today,
            date_from=date_from,
            date_to=date_to,
        )
        return await transcripts.print_transcript(
            client=documents,
            transcript=transcript,
            issued_on=today,
            signatory_name=settings.signatory_name,
            signatory_position=settings.signatory_position,
        )


class DirectoryController(Controller):
    """What growth knows of teachers and events (to pick from)."""

    path = "/"
    tags = ["directory"]

    @get(
        "/teachers",
        summary="Teachers (a school: its own)",
        opt=roles(STAFF, Role.SCHOOL_REPRESENTATIVE),
    )
    async def teachers(
        self,
        request: Request[Any, Any, Any],
        database: Database,
        organisation_id: UUID | None = None,
        subject: str | None = None,
    ) -> list[schemas.TeacherOut]:
        _, scope = _scope(current(request), None)
        query = (
            sa.select(Teacher, Organisation)
            .outerjoin(Organisation, Organisation.organisation_id == Teacher.organisation_id)
            .where(Teacher.archived.is_(False))
            .order_by(Teacher.full_name, Teacher.person_id)
        )
        if scope is not None:
            query = query.where(Teacher.organisation_id == scope)
        elif organisation_id is not None:
            query = query.where(Teacher.organisation_id == organisation_id)
        async with database.sessions() as session:
            rows = (await session.execute(query)).all()
        wanted = subject.casefold().strip() if subject else None
        return [
            schemas.TeacherOut(
                person_id=t.person_id,
                full_name=t.full_name,
                position=t.position,
                organisation_id=t.organisation_id,
                organisation=(o.short_name or o.full_name) if o else "",
                subjects=list(t.subjects),
                staff_group=t.staff_group,
                qualification_category=t.qualification_category,
            )
            for t, o in rows
            if wanted is None or wanted in {s.casefold() for s in t.subjects}
        ]

    @get("/events", summary="Events of the district and the centre", opt=EVERYONE)
    async def events(
        self, database: Database, upcoming: bool = True, include_cancelled: bool = False
    ) -> list[schemas.EventOut]:
        query = sa.select(KnownEvent).order_by(KnownEvent.starts_at, KnownEvent.event_id)
        if upcoming:
            query = query.where(KnownEvent.ends_at > datetime.now(UTC))
        if not include_cancelled:
            query = query.where(KnownEvent.status != "cancelled")
        async with database.sessions() as session:
            rows = (await session.scalars(query)).all()
        return [
            schemas.EventOut(
                event_id=e.event_id,
                title=e.title,
                form=e.form,
                form_title=e.form_title,
                level=e.level,
                organiser_name=e.organiser_name,
                venue=e.venue,
                starts_at=e.starts_at,
                ends_at=e.ends_at,
                hours=e.hours,
                audience_subjects=list(e.audience_subjects),
                status=e.status,
                source=e.source,
                intermunicipal=e.intermunicipal,
            )
            for e in rows
        ]

    @get(
        "/summary",
        summary="The anonymous deficit counts the centre receives",
        opt=roles(STAFF, Role.SERVICE),
    )
    async def summary(self, database: Database) -> DeficitsSummarised:
        async with database.sessions() as session:
            return await read_summary(session)

    @get("/vocabulary", summary="Codes and their Russian titles", opt=EVERYONE)
    async def vocabulary(self) -> schemas.Vocabulary:
        def pairs(table: dict[str, str]) -> list[schemas.CodeTitle]:
            return [schemas.CodeTitle(code=k, title=v) for k, v in table.items()]

        return schemas.Vocabulary(
            question_kinds=pairs(QUESTION_KIND_TITLES),
            survey_statuses=pairs(SURVEY_STATUS_TITLES),
            deficit_sources=pairs(DEFICIT_SOURCE_TITLES),
            deficit_statuses=pairs(DEFICIT_STATUS_TITLES),
            step_kinds=pairs(STEP_KIND_TITLES),
            step_statuses=pairs(STEP_STATUS_TITLES),
            assignment_kinds=pairs(ASSIGNMENT_KIND_TITLES),
            staff_groups=pairs(STAFF_GROUP_TITLES),
            qualification_categories=pairs(QUALIFICATION_CATEGORY_TITLES),
        )


CONTROLLERS = [
    CompetencyController,
    SurveyController,
    DeficitController,
    RouteController,
    TutorController,
    PersonController,
    DirectoryController,
]
