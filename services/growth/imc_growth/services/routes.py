"""Use cases on individual educational routes (ИОМ): routes, goals, steps; steps done by
attendance, by an approved course certificate, by mentoring hours."""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import Envelope
from imc_growth.api.schemas import (
    DeficitBrief,
    EventBrief,
    EvidenceOut,
    GoalOut,
    RouteBrief,
    RouteOut,
    StepIn,
    StepOut,
    StepPatch,
)
from imc_growth.db.models import (
    AssignmentTeacher,
    Attendance,
    Competency,
    Deficit,
    KnownEvent,
    MeetingPresence,
    Route,
    RouteGoal,
    RouteStep,
    Teacher,
    TutorAssignment,
    TutorMeeting,
)
from imc_growth.domain.deficits import DEFICIT_STATUS_TITLES
from imc_growth.domain.routes import (
    EVENT_KINDS,
    STEP_KIND_TITLES,
    STEP_STATUS_TITLES,
    check_event_kind,
    check_evidence,
    check_reviewable,
    check_step,
    check_submittable,
    effective_status,
    mentoring_done,
)
from imc_growth.domain.surveys import check_school_year
from imc_growth.services.common import check_version, squash, teacher_of
from imc_growth.services.summary import announce_summary
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore


async def after_route_change(
    session: AsyncSession, outbox: Outbox, *, cause: Envelope[Any] | None = None
) -> None:
    """Every change of a route re-announces the district's deficit summary."""
    await announce_summary(session, outbox, cause=cause)


async def _route(session: AsyncSession, route_id: UUID) -> Route:
    route = await session.get(Route, route_id)
    if route is None:
        raise NotFound("Индивидуальный образовательный маршрут не найден", field="route_id")
    return route


async def _step(session: AsyncSession, route_id: UUID, step_id: UUID) -> RouteStep:
    step = await session.get(RouteStep, step_id)
    if step is None or step.route_id != route_id:
        raise NotFound("Шаг маршрута не найден", field="step_id")
    return step


async def owner_of(database: Database, route_id: UUID) -> tuple[UUID, UUID | None]:
    """The teacher a route belongs to and their organisation (for access checks)."""
    async with database.sessions() as session:
        route = await _route(session, route_id)
        teacher = await session.get(Teacher, route.person_id)
        return route.person_id, teacher.organisation_id if teacher else None


async def create_route(
    *, database: Database, outbox: Outbox, person_id: UUID, school_year: str, actor: str
) -> Route:
    """One route per teacher per school year."""
    year = check_school_year(school_year)
    async with database.transaction() as session:
        await teacher_of(session, person_id)
        existing = await session.scalar(
            sa.select(Route).where(Route.person_id == person_id, Route.school_year == year)
        )
        if existing is not None:
            raise Conflict(
                f"У педагога уже есть индивидуальный образовательный маршрут на {year} учебный год",
                field="school_year",
                details={"route_id": str(existing.id)},
            )
        route = Route(person_id=person_id, school_year=year, created_by=actor)
        session.add(route)
        await session.flush()
        await after_route_change(session, outbox)
    return route


async def add_goal(
    *, database: Database, outbox: Outbox, route_id: UUID, title: str, deficit_id: UUID | None
) -> RouteGoal:
    """A goal of the route, tied to one of the teacher's deficits."""
    text = squash(title)
    if len(text) < 3:
        raise InvalidInput("Укажите формулировку цели", field="title")
    if len(text) > 500:
        raise InvalidInput("Формулировка цели длиннее 500 символов", field="title")
    async with database.transaction() as session:
        route = await _route(session, route_id)
        if deficit_id is not None:
            deficit = await session.get(Deficit, deficit_id)
            if deficit is None or deficit.person_id != route.person_id:
                raise InvalidInput(
                    "Цель связывается с дефицитом того же педагога", field="deficit_id"
                )
        position = await session.scalar(
            sa.select(sa.func.count()).select_from(RouteGoal).where(RouteGoal.route_id == route_id)
        )
        goal = RouteGoal(
            route_id=route_id, deficit_id=deficit_id, title=text, position=int(position or 0) + 1
        )
        session.add(goal)
        await session.flush()
        await after_route_change(session, outbox)
    return goal


async def met_hours(session: AsyncSession, assignment_id: UUID, person_id: UUID) -> float:
    """Hours of the assignment's meetings the teacher was present at."""
    total = await session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(TutorMeeting.hours), 0.0))
        .join(MeetingPresence, MeetingPresence.meeting_id == TutorMeeting.id)
        .where(
            TutorMeeting.assignment_id == assignment_id,
            MeetingPresence.person_id == person_id,
        )
    )
    return float(total or 0.0)


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


async def add_step(
    *,
    database: Database,
    outbox: Outbox,
    route_id: UUID,
    data: StepIn,
    zone: ZoneInfo,
    actor: str,
) -> RouteStep:
    """A step of the route. An event or internship the teacher has already attended, or
    mentoring whose hours are already met, is done at once."""
    async with database.transaction() as session:
        route = await _route(session, route_id)
        if data.goal_id is not None:
            goal = await session.get(RouteGoal, data.goal_id)
            if goal is None or goal.route_id != route_id:
                raise InvalidInput("Цель не относится к этому маршруту", field="goal_id")
        event = await session.get(KnownEvent, data.event_id) if data.event_id else None
        check_step(
            kind=data.kind,
            title=data.title,
            event_known=event is not None,
            hours=data.hours,
            planned_hours=data.planned_hours,
            assignment_given=data.assignment_id is not None,
        )
        step = RouteStep(
            route_id=route_id,
            goal_id=data.goal_id,
            person_id=route.person_id,
            kind=data.kind,
            deadline=data.deadline,
            status="planned",
        )
        if data.kind in EVENT_KINDS:
            assert event is not None
            check_event_kind(data.kind, event.form)
            if event.status == "cancelled":
                raise InvalidInput(f"Мероприятие «{event.title}» отменено", field="event_id")
            step.event_id = event.event_id
            step.title = event.title
            step.hours = event.hours
            step.deadline = data.deadline or _local_day(event.ends_at, zone)
        elif data.kind == "course":
            step.title = squash(data.title)
            step.provider = squash(data.provider)
            step.hours = data.hours
        else:
            assert data.assignment_id is not None
            assignment = await session.get(TutorAssignment, data.assignment_id)
            member = await session.get(AssignmentTeacher, (data.assignment_id, route.person_id))
            if assignment is None or member is None:
                raise InvalidInput(
                    "Педагог не закреплён за этим тьютором (наставником)", field="assignment_id"
                )
            step.assignment_id = assignment.id
            step.planned_hours = float(data.planned_hours)
            kind = "тьютором" if assignment.kind == "tutor" else "наставником"
            step.title = squash(data.title) or f"Встречи с {kind}: {assignment.tutor_name}"
        session.add(step)
        await session.flush()
        if step.kind in EVENT_KINDS:
            attended = await session.scalar(
                sa.select(Attendance)
                .where(
                    Attendance.person_id == route.person_id,
                    Attendance.event_id == step.event_id,
                    Attendance.attended.is_(True),
                )
                .limit(1)
            )
            if attended is not None:
                _complete_by(step, attended, zone)
        elif step.kind == "mentoring":
            assert step.assignment_id is not None
            hours = await met_hours(session, step.assignment_id, route.person_id)
            if mentoring_done(hours, step.planned_hours):
                step.status = "done"
                step.completed_on = datetime.now(zone).date()
                step.completed_by = "часы встреч"
        await after_route_change(session, outbox)
    return step


def _complete_by(step: RouteStep, attendance: Attendance, zone: ZoneInfo) -> None:
    step.status = "done"
    step.registration_id = attendance.registration_id
    step.completed_on = _local_day(attendance.starts_at, zone)
    step.completed_by = "отметка о посещении"
    step.hours = attendance.hours or step.hours


async def complete_by_attendance(
    session: AsyncSession, attendance: Attendance, *, zone: ZoneInfo
) -> bool:
    """Complete the teacher's open steps for the event they attended."""
    steps = await session.scalars(
        sa.select(RouteStep).where(
            RouteStep.person_id == attendance.person_id,
            RouteStep.event_id == attendance.event_id,
            RouteStep.kind.in_(EVENT_KINDS),
            RouteStep.status != "done",
        )
    )
    changed = False
    for step in steps.all():
        _complete_by(step, attendance, zone)
        changed = True
    return changed


async def undo_attendance(session: AsyncSession, attendance: Attendance) -> bool:
    """The organiser corrected a presence to an absence: the steps it completed are open
    again (a deficit closed meanwhile stays closed: a methodist confirmed it)."""
    steps = await session.scalars(
        sa.select(RouteStep).where(
            RouteStep.registration_id == attendance.registration_id,
            RouteStep.status == "done",
        )
    )
    changed = False
    for step in steps.all():
        step.status = "planned"
        step.registration_id = None
        step.completed_on = None
        step.completed_by = ""
        changed = True
    return changed


async def complete_by_meetings(
    session: AsyncSession, assignment_id: UUID, person_ids: Iterable[UUID], *, today: date
) -> bool:
    """Mentoring steps of these teachers whose meeting hours now reach the plan."""
    changed = False
    for person_id in person_ids:
        steps = await session.scalars(
            sa.select(RouteStep).where(
                RouteStep.person_id == person_id,
                RouteStep.assignment_id == assignment_id,
                RouteStep.kind == "mentoring",
                RouteStep.status != "done",
            )
        )
        pending = list(steps.all())
        if not pending:
            continue
        hours = await met_hours(session, assignment_id, person_id)
        for step in pending:
            if mentoring_done(hours, step.planned_hours):
                step.status = "done"
                step.completed_on = today
                step.completed_by = "часы встреч"
                changed = True
    return changed


async def change_step(
    *, database: Database, outbox: Outbox, route_id: UUID, step_id: UUID, data: StepPatch
) -> RouteStep:
    """A new deadline, or another goal of the same route."""
    async with database.transaction() as session:
        step = await _step(session, route_id, step_id)
        check_version(step.version, data.version, "Запись о шаге маршрута")
        if not isinstance(data.goal_id, msgspec.UnsetType):
            if data.goal_id is not None:
                goal = await session.get(RouteGoal, data.goal_id)
                if goal is None or goal.route_id != route_id:
                    raise InvalidInput("Цель не относится к этому маршруту", field="goal_id")
            step.goal_id = data.goal_id
        if not isinstance(data.deadline, msgspec.UnsetType):
            step.deadline = data.deadline
        await after_route_change(session, outbox)
    return step


async def submit_evidence(
    *,
    database: Database,
    outbox: Outbox,
    store: FileStore,
    route_id: UUID,
    step_id: UUID,
    filename: str,
    content: bytes,
    comment: str,
    max_bytes: int,
    version: int | None,
) -> RouteStep:
    """The teacher sends a course certificate; a methodist then approves or returns it."""
    content_type = check_evidence(filename, content, max_bytes)
    async with database.transaction() as session:
        step = await _step(session, route_id, step_id)
        check_version(step.version, version, "Запись о шаге маршрута")
        check_submittable(step.kind, step.status)
        key, digest = store.put(content)
        step.evidence_filename = filename[:300]
        step.evidence_content_type = content_type
        step.evidence_size = len(content)
        step.evidence_sha256 = digest
        step.evidence_key = key
        step.evidence_comment = squash(comment)[:2000]
        step.submitted_at = datetime.now(UTC)
        step.status = "submitted"
        step.review_reason = ""
        await after_route_change(session, outbox)
    return step


async def evidence_file(
    *, database: Database, store: FileStore, route_id: UUID, step_id: UUID
) -> tuple[RouteStep, bytes]:
    """The evidence a teacher sent for a step."""
    async with database.sessions() as session:
        step = await _step(session, route_id, step_id)
    if not step.evidence_key:
        raise NotFound("Подтверждающий документ не приложен", field="step_id")
    return step, store.get(step.evidence_key)


async def approve_step(
    *,
    database: Database,
    outbox: Outbox,
    route_id: UUID,
    step_id: UUID,
    completed_on: date | None,
    version: int | None,
    actor: str,
    zone: ZoneInfo,
) -> RouteStep:
    """A methodist accepts the evidence: the course step is done."""
    async with database.transaction() as session:
        step = await _step(session, route_id, step_id)
        check_version(step.version, version, "Запись о шаге маршрута")
        check_reviewable(step.kind, step.status)
        assert step.submitted_at is not None
        step.status = "done"
        step.completed_on = completed_on or _local_day(step.submitted_at, zone)
        step.completed_by = actor
        step.reviewed_by = actor
        step.review_reason = ""
        await after_route_change(session, outbox)
    return step


async def return_step(
    *,
    database: Database,
    outbox: Outbox,
    route_id: UUID,
    step_id: UUID,
    reason: str,
    version: int | None,
    actor: str,
) -> RouteStep:
    """A methodist returns the evidence with the reason; the teacher sends it again."""
    text = squash(reason)
    if len(text) < 5:
        raise InvalidInput("Укажите причину возврата (не короче 5 символов)", field="reason")
    async with database.transaction() as session:
        step = await _step(session, route_id, step_id)
        check_version(step.version, version, "Запись о шаге маршрута")
        check_reviewable(step.kind, step.status)
        step.status = "returned"
        step.review_reason = text[:2000]
        step.reviewed_by = actor
        await after_route_change(session, outbox)
    return step


# --- views ----------------------------------------------------------------------------


def _evidence(step: RouteStep) -> EvidenceOut | None:
    if not step.evidence_key:
        return None
    return EvidenceOut(
        filename=step.evidence_filename,
        content_type=step.evidence_content_type,
        size=step.evidence_size,
        sha256=step.evidence_sha256,
        comment=step.evidence_comment,
        submitted_at=step.submitted_at,
    )


async def _step_views(
    session: AsyncSession, steps: Sequence[RouteStep], today: date
) -> list[StepOut]:
    event_ids = {s.event_id for s in steps if s.event_id}
    events = (
        {
            e.event_id: e
            for e in (
                await session.scalars(
                    sa.select(KnownEvent).where(KnownEvent.event_id.in_(event_ids))
                )
            ).all()
        }
        if event_ids
        else {}
    )
    out = []
    for step in steps:
        event = events.get(step.event_id) if step.event_id else None
        shown = effective_status(step.status, step.deadline, today)
        hours_met = (
            await met_hours(session, step.assignment_id, step.person_id)
            if step.kind == "mentoring" and step.assignment_id
            else 0.0
        )
        out.append(
            StepOut(
                id=step.id,
                route_id=step.route_id,
                goal_id=step.goal_id,
                kind=step.kind,
                kind_title=STEP_KIND_TITLES[step.kind],
                title=step.title,
                event_id=step.event_id,
                event=EventBrief(
                    event_id=event.event_id,
                    title=event.title,
                    form_title=event.form_title,
                    starts_at=event.starts_at,
                    ends_at=event.ends_at,
                    status=event.status,
                    source=event.source,
                )
                if event
                else None,
                provider=step.provider,
                hours=step.hours,
                planned_hours=step.planned_hours,
                met_hours=round(hours_met, 2),
                assignment_id=step.assignment_id,
                deadline=step.deadline,
                status=shown,
                status_title=STEP_STATUS_TITLES[shown],
                completed_on=step.completed_on,
                completed_by=step.completed_by,
                evidence=_evidence(step),
                review_reason=step.review_reason,
                reviewed_by=step.reviewed_by,
                version=step.version,
            )
        )
    return out


async def route_view(database: Database, route_id: UUID, today: date) -> RouteOut:
    """A route with its goals, the deficits they address and its steps."""
    async with database.sessions() as session:
        route = await _route(session, route_id)
        teacher = await session.get(Teacher, route.person_id)
        goals = (
            await session.scalars(
                sa.select(RouteGoal)
                .where(RouteGoal.route_id == route_id)
                .order_by(RouteGoal.position, RouteGoal.created_at)
            )
        ).all()
        deficit_ids = {g.deficit_id for g in goals if g.deficit_id}
        deficits: dict[UUID, tuple[Deficit, Competency]] = {}
        if deficit_ids:
            rows = await session.execute(
                sa.select(Deficit, Competency)
                .join(Competency, Competency.id == Deficit.competency_id)
                .where(Deficit.id.in_(deficit_ids))
            )
            deficits = {d.id: (d, c) for d, c in rows.all()}
        steps = (
            await session.scalars(
                sa.select(RouteStep)
                .where(RouteStep.route_id == route_id)
                .order_by(RouteStep.deadline.is_(None), RouteStep.deadline, RouteStep.created_at)
            )
        ).all()
        step_views = await _step_views(session, steps, today)
    goal_views = []
    for goal in goals:
        found = deficits.get(goal.deficit_id) if goal.deficit_id else None
        goal_views.append(
            GoalOut(
                id=goal.id,
                title=goal.title,
                position=goal.position,
                deficit=DeficitBrief(
                    id=found[0].id,
                    competency_code=found[1].code,
                    competency_title=found[1].title,
                    subject=found[0].subject,
                    status=found[0].status,
                    status_title=DEFICIT_STATUS_TITLES[found[0].status],
                )
                if found
                else None,
            )
        )
    return RouteOut(
        id=route.id,
        person_id=route.person_id,
        full_name=teacher.full_name if teacher else "",
        organisation_id=teacher.organisation_id if teacher else None,
        school_year=route.school_year,
        created_by=route.created_by,
        created_at=route.created_at,
        goals=goal_views,
        steps=step_views,
        steps_total=len(step_views),
        steps_done=sum(1 for s in step_views if s.status == "done"),
    )


async def list_routes(
    *,
    database: Database,
    person_id: UUID | None = None,
    organisation_id: UUID | None = None,
    school_year: str | None = None,
    awaiting_review: bool = False,
) -> list[RouteBrief]:
    """Routes, newest school year first, with their progress; ``awaiting_review``: only
    those with a course certificate sent and not yet approved or returned."""
    done = sa.func.coalesce(sa.func.sum(sa.case((RouteStep.status == "done", 1), else_=0)), 0)
    query = (
        sa.select(Route, Teacher, sa.func.count(RouteStep.id), done)
        .outerjoin(Teacher, Teacher.person_id == Route.person_id)
        .outerjoin(RouteStep, RouteStep.route_id == Route.id)
        .group_by(Route.id, Teacher.person_id)
        .order_by(Route.school_year.desc(), Teacher.full_name, Route.id)
    )
    if person_id is not None:
        query = query.where(Route.person_id == person_id)
    if organisation_id is not None:
        query = query.where(Teacher.organisation_id == organisation_id)
    if school_year:
        query = query.where(Route.school_year == school_year)
    if awaiting_review:
        submitted = sa.select(RouteStep.route_id).where(RouteStep.status == "submitted")
        query = query.where(Route.id.in_(submitted))
    async with database.sessions() as session:
        rows = (await session.execute(query)).all()
    return [
        RouteBrief(
            id=route.id,
            person_id=route.person_id,
            full_name=teacher.full_name if teacher else "",
            organisation_id=teacher.organisation_id if teacher else None,
            school_year=route.school_year,
            steps_total=int(total or 0),
            steps_done=int(finished or 0),
        )
        for route, teacher, total, finished in rows
    ]
