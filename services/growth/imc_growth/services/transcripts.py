"""A teacher's record of professional development, and its printed form."""

from datetime import date
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from imc_growth.api.schemas import PrintedTranscript
from imc_growth.db.models import (
    AssignmentTeacher,
    Certificate,
    Competency,
    Deficit,
    KnownEvent,
    MeetingPresence,
    RouteStep,
    Teacher,
    TutorAssignment,
    TutorMeeting,
)
from imc_growth.domain.transcript import (
    TEMPLATE,
    ClosedDeficitLine,
    CourseLine,
    EventLine,
    MentoringLine,
    Transcript,
    document_data,
    earliest,
    is_internship,
    period_text,
    source_key,
)
from imc_growth.domain.tutors import ASSIGNMENT_KIND_TITLES
from imc_growth.services.common import organisation_name
from imc_growth.services.documents_client import DocumentsClient
from imc_growth.services.readmodels import attendances_of
from imc_shared.db import Database
from imc_shared.errors import InvalidInput, NotFound


def _within(day: date | None, start: date | None, end: date) -> bool:
    return day is not None and (start is None or day >= start) and day <= end


async def build(
    *,
    database: Database,
    person_id: UUID,
    zone: ZoneInfo,
    today: date,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Transcript:
    """Events and internships attended, courses approved, mentoring hours, deficits
    closed — within the period, if one is given."""
    end = date_to or today
    if date_from is not None and date_from > end:
        raise InvalidInput("Начало периода позже его окончания", field="date_from")
    async with database.sessions() as session:
        teacher = await session.get(Teacher, person_id)
        if teacher is None:
            raise NotFound("Педагог не найден", field="person_id")
        organisation = await organisation_name(session, teacher.organisation_id)
        marks = [a for a in await attendances_of(session, person_id) if a.attended]
        event_ids = {a.event_id for a in marks}
        forms = (
            dict(
                (
                    await session.execute(
                        sa.select(KnownEvent.event_id, KnownEvent.form).where(
                            KnownEvent.event_id.in_(event_ids)
                        )
                    )
                ).all()
            )
            if event_ids
            else {}
        )
        certificates = (
            {
                c.registration_id: c.number
                for c in (
                    await session.scalars(
                        sa.select(Certificate).where(
                            Certificate.registration_id.in_([a.registration_id for a in marks])
                        )
                    )
                ).all()
            }
            if marks
            else {}
        )
        courses = (
            await session.scalars(
                sa.select(RouteStep)
                .where(
                    RouteStep.person_id == person_id,
                    RouteStep.kind == "course",
                    RouteStep.status == "done",
                )
                .order_by(RouteStep.completed_on, RouteStep.id)
            )
        ).all()
        assignments = (
            await session.scalars(
                sa.select(TutorAssignment)
                .join(AssignmentTeacher, AssignmentTeacher.assignment_id == TutorAssignment.id)
                .where(AssignmentTeacher.person_id == person_id)
                .order_by(TutorAssignment.starts_on, TutorAssignment.id)
            )
        ).all()
        meetings: dict[UUID, list[tuple[date, float]]] = {}
        if assignments:
            rows = await session.execute(
                sa.select(TutorMeeting.assignment_id, TutorMeeting.held_on, TutorMeeting.hours)
                .join(MeetingPresence, MeetingPresence.meeting_id == TutorMeeting.id)
                .where(
                    MeetingPresence.person_id == person_id,
                    TutorMeeting.assignment_id.in_([a.id for a in assignments]),
                )
            )
            for assignment_id, held_on, hours in rows.all():
                meetings.setdefault(assignment_id, []).append((held_on, hours))
        closed = (
            await session.execute(
                sa.select(Deficit, Competency)
                .join(Competency, Competency.id == Deficit.competency_id)
                .where(Deficit.person_id == person_id, Deficit.status == "closed")
                .order_by(Deficit.closed_on, Deficit.id)
            )
        ).all()

    events = [
        EventLine(
            registration_id=a.registration_id,
            event_id=a.event_id,
            kind="internship"
            if is_internship(forms.get(a.event_id, ""), a.form_title)
            else "event",
            title=a.event_title,
            form_title=a.form_title,
            date=a.starts_at.astimezone(zone).date(),
            hours=a.hours,
            certificate=certificates.get(a.registration_id, ""),
        )
        for a in marks
    ]
    events = [e for e in events if _within(e.date, date_from, end)]
    course_lines = [
        CourseLine(
            step_id=c.id,
            title=c.title,
            provider=c.provider,
            hours=c.hours,
            completed_on=c.completed_on,
        )
        for c in courses
        if _within(c.completed_on, date_from, end)
    ]
    mentoring = []
    for assignment in assignments:
        held = [(d, h) for d, h in meetings.get(assignment.id, []) if _within(d, date_from, end)]
        if held:
            mentoring.append(
                MentoringLine(
                    assignment_id=assignment.id,
                    kind=assignment.kind,
                    kind_title=ASSIGNMENT_KIND_TITLES[assignment.kind],
                    tutor_name=assignment.tutor_name,
                    topic=assignment.topic,
                    hours=round(sum(h for _, h in held), 2),
                )
            )
    deficits = [
        ClosedDeficitLine(
            deficit_id=d.id,
            competency_code=c.code,
            competency=c.title,
            subject=d.subject,
            closed_on=d.closed_on,
            evidence=d.evidence,
        )
        for d, c in closed
        if _within(d.closed_on, date_from, end)
    ]
    event_hours = sum(e.hours for e in events)
    course_hours = sum(c.hours for c in course_lines)
    mentoring_hours = round(sum(m.hours for m in mentoring), 2)
    start = date_from or earliest(
        [e.date for e in events],
        [c.completed_on for c in course_lines],
        [d for a in assignments for d, _ in meetings.get(a.id, [])],
        [d.closed_on for d in deficits],
    )
    return Transcript(
        person_id=person_id,
        full_name=teacher.full_name,
        position=teacher.position,
        organisation_id=teacher.organisation_id,
        organisation=organisation,
        date_from=start,
        date_to=end,
        period=period_text(start, end),
        events=events,
        courses=course_lines,
        mentoring=mentoring,
        closed_deficits=deficits,
        event_hours=event_hours,
        course_hours=course_hours,
        mentoring_hours=mentoring_hours,
        total_hours=round(event_hours + course_hours + mentoring_hours, 2),
    )


async def print_transcript(
    *,
    client: DocumentsClient,
    transcript: Transcript,
    issued_on: date,
    signatory_name: str,
    signatory_position: str,
) -> PrintedTranscript:
    """Render the transcript through the documents service (template
    ``teacher_transcript``); the same transcript the same day is the same document."""
    data = document_data(
        transcript,
        issued_on=issued_on,
        signatory_name=signatory_name,
        signatory_position=signatory_position,
    )
    body = {
        "template": TEMPLATE,
        "data": data,
        "source_key": source_key(transcript.person_id, data),
        "person_id": str(transcript.person_id),
        "organisation_id": str(transcript.organisation_id) if transcript.organisation_id else None,
    }
    document, created = await client.render(body)
    document_id = UUID(str(document["id"]))
    return PrintedTranscript(
        document_id=document_id,
        number=str(document.get("number", "")),
        title=str(document.get("title", "")),
        created=created,
        pdf_path=f"/documents/{document_id}/file.pdf",
        docx_path=f"/documents/{document_id}/file.docx",
    )
