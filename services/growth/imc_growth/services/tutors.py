"""Use cases on tutors and mentors: appoint (TUTOR_APPOINTED), record meetings; the hours
complete the teachers' mentoring steps."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import TUTOR_APPOINTED, SurveyRecipient, TutorAppointed
from imc_growth.api.schemas import (
    AssignedTeacher,
    AssignmentIn,
    AssignmentOut,
    MeetingIn,
    MeetingOut,
)
from imc_growth.db.models import (
    AssignmentTeacher,
    MeetingPresence,
    TutorAssignment,
    TutorMeeting,
)
from imc_growth.domain.tutors import ASSIGNMENT_KIND_TITLES, check_assignment, check_meeting
from imc_growth.services import routes
from imc_growth.services.common import squash, teacher_of
from imc_shared.db import Database
from imc_shared.errors import NotFound
from imc_shared.outbox import Outbox


async def _assignment(session: AsyncSession, assignment_id: UUID) -> TutorAssignment:
    row = await session.get(TutorAssignment, assignment_id)
    if row is None:
        raise NotFound("Назначение тьютора (наставника) не найдено", field="assignment_id")
    return row


async def _members(session: AsyncSession, assignment_id: UUID) -> list[AssignmentTeacher]:
    rows = await session.scalars(
        sa.select(AssignmentTeacher)
        .where(AssignmentTeacher.assignment_id == assignment_id)
        .order_by(AssignmentTeacher.full_name)
    )
    return list(rows.all())


async def assignment_view(session: AsyncSession, row: TutorAssignment) -> AssignmentOut:
    members = await _members(session, row.id)
    meetings = (
        await session.scalars(
            sa.select(TutorMeeting)
            .where(TutorMeeting.assignment_id == row.id)
            .order_by(TutorMeeting.held_on, TutorMeeting.recorded_at)
        )
    ).all()
    presence: dict[UUID, list[UUID]] = {}
    if meetings:
        for p in (
            await session.scalars(
                sa.select(MeetingPresence).where(
                    MeetingPresence.meeting_id.in_([m.id for m in meetings])
                )
            )
        ).all():
            presence.setdefault(p.meeting_id, []).append(p.person_id)
    hours_of = {
        m.person_id: sum(
            meeting.hours for meeting in meetings if m.person_id in presence.get(meeting.id, [])
        )
        for m in members
    }
    return AssignmentOut(
        id=row.id,
        kind=row.kind,
        kind_title=ASSIGNMENT_KIND_TITLES[row.kind],
        tutor_person_id=row.tutor_person_id,
        tutor_name=row.tutor_name,
        topic=row.topic,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        teachers=[
            AssignedTeacher(
                person_id=m.person_id, full_name=m.full_name, hours=round(hours_of[m.person_id], 2)
            )
            for m in members
        ],
        meetings=[
            MeetingOut(
                id=m.id,
                held_on=m.held_on,
                hours=m.hours,
                topic=m.topic,
                notes=m.notes,
                present=sorted(presence.get(m.id, []), key=str),
                recorded_by=m.recorded_by,
                recorded_at=m.recorded_at,
            )
            for m in meetings
        ],
        total_hours=round(sum(m.hours for m in meetings), 2),
        created_by=row.created_by,
        created_at=row.created_at,
    )


async def appoint(
    *, database: Database, outbox: Outbox, data: AssignmentIn, actor: str
) -> AssignmentOut:
    teacher_ids = list(dict.fromkeys(data.teacher_ids))
    check_assignment(
        kind=data.kind,
        tutor_person_id=data.tutor_person_id,
        teacher_ids=teacher_ids,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
    )
    async with database.transaction() as session:
        tutor = await teacher_of(session, data.tutor_person_id, "tutor_person_id")
        teachers = [await teacher_of(session, i, "teacher_ids") for i in teacher_ids]
        row = TutorAssignment(
            kind=data.kind,
            tutor_person_id=tutor.person_id,
            tutor_name=tutor.full_name,
            topic=squash(data.topic)[:1000],
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            created_by=actor,
        )
        session.add(row)
        await session.flush()
        session.add_all(
            AssignmentTeacher(assignment_id=row.id, person_id=t.person_id, full_name=t.full_name)
            for t in teachers
        )
        await session.flush()
        await outbox.put(
            session,
            TUTOR_APPOINTED,
            TutorAppointed(
                assignment_id=row.id,
                kind="tutor" if row.kind == "tutor" else "mentor",
                tutor_person_id=tutor.person_id,
                tutor_name=tutor.full_name,
                teachers=tuple(
                    SurveyRecipient(person_id=t.person_id, full_name=t.full_name) for t in teachers
                ),
                topic=row.topic,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
            ),
        )
        return await assignment_view(session, row)


async def get_assignment(database: Database, assignment_id: UUID) -> AssignmentOut:
    async with database.sessions() as session:
        return await assignment_view(session, await _assignment(session, assignment_id))


async def list_assignments(
    *, database: Database, person_id: UUID | None = None
) -> list[AssignmentOut]:
    """Every assignment, or those where ``person_id`` is the tutor or a teacher."""
    query = sa.select(TutorAssignment).order_by(
        TutorAssignment.starts_on.desc(), TutorAssignment.created_at.desc()
    )
    if person_id is not None:
        members = sa.select(AssignmentTeacher.assignment_id).where(
            AssignmentTeacher.person_id == person_id
        )
        query = query.where(
            sa.or_(TutorAssignment.tutor_person_id == person_id, TutorAssignment.id.in_(members))
        )
    async with database.sessions() as session:
        return [await assignment_view(session, r) for r in (await session.scalars(query)).all()]


async def tutor_of(database: Database, assignment_id: UUID) -> tuple[UUID, Sequence[UUID]]:
    """The tutor and the teachers of an assignment (for access checks)."""
    async with database.sessions() as session:
        row = await _assignment(session, assignment_id)
        return row.tutor_person_id, [m.person_id for m in await _members(session, row.id)]


async def record_meeting(
    *,
    database: Database,
    outbox: Outbox,
    assignment_id: UUID,
    data: MeetingIn,
    actor: str,
    today: date,
) -> AssignmentOut:
    """A meeting and who was there; mentoring steps whose hours are now met are done."""
    present = list(dict.fromkeys(data.present))
    async with database.transaction() as session:
        row = await _assignment(session, assignment_id)
        members = [m.person_id for m in await _members(session, row.id)]
        check_meeting(
            held_on=data.held_on,
            hours=data.hours,
            topic=data.topic,
            present=present,
            members=members,
            starts_on=row.starts_on,
            today=today,
        )
        meeting = TutorMeeting(
            assignment_id=row.id,
            held_on=data.held_on,
            hours=float(data.hours),
            topic=squash(data.topic)[:1000],
            notes=data.notes.strip()[:5000],
            recorded_by=actor,
        )
        session.add(meeting)
        await session.flush()
        session.add_all(MeetingPresence(meeting_id=meeting.id, person_id=p) for p in present)
        await session.flush()
        if await routes.complete_by_meetings(session, row.id, present, today=today):
            await routes.after_route_change(session, outbox)
        return await assignment_view(session, row)
