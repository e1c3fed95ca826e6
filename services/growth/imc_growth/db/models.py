"""Growth tables: read models of the registry and scheduling, the competency catalogue,
surveys, deficits, individual routes, tutors and the summary counter."""

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from imc_contracts import new_message_id
from imc_shared.db import UTCDateTime


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the growth service."""


# --- read models ---------------------------------------------------------------------


class Organisation(Base):
    """An educational organisation as the registry announced it."""

    __tablename__ = "organisations"

    organisation_id: Mapped[UUID] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(500), default="")
    short_name: Mapped[str] = mapped_column(sa.String(200), default="")
    archived: Mapped[bool] = mapped_column(default=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Teacher(Base):
    """A person of the registry (only the fields it shares)."""

    __tablename__ = "teachers"

    person_id: Mapped[UUID] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(300))
    position: Mapped[str] = mapped_column(sa.String(300), default="")
    staff_group: Mapped[str] = mapped_column(sa.String(32))
    organisation_id: Mapped[UUID | None] = mapped_column(index=True)
    qualification_category: Mapped[str] = mapped_column(sa.String(32))
    subjects: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    archived: Mapped[bool] = mapped_column(default=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KnownEvent(Base):
    """An event of the district's calendar or of the centre's (inter-municipal)."""

    __tablename__ = "events"

    event_id: Mapped[UUID] = mapped_column(primary_key=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    form: Mapped[str] = mapped_column(sa.String(64))
    form_title: Mapped[str] = mapped_column(sa.String(200))
    level: Mapped[str] = mapped_column(sa.String(32))
    organiser_name: Mapped[str] = mapped_column(sa.String(300), default="")
    venue: Mapped[str] = mapped_column(sa.String(300), default="")
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    hours: Mapped[int] = mapped_column(default=0)
    audience_subjects: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    audience_categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    status: Mapped[str] = mapped_column(sa.String(16))
    intermunicipal: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(sa.String(16), default="district")
    """``district`` (this IMC's calendar) or ``centre`` (the ММЦ's, over the link)."""
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class KnownSite(Base):
    """A site of the district as the registry announced it (highest version wins)."""

    __tablename__ = "sites"

    site_id: Mapped[UUID] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    organisation_id: Mapped[UUID]
    organisation_short_name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(16))
    topic: Mapped[str] = mapped_column(sa.Text)
    term_start: Mapped[date]
    term_end: Mapped[date]
    leader_name: Mapped[str] = mapped_column(sa.String(300), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attendance(Base):
    """A participant's attendance mark from scheduling (newest version wins)."""

    __tablename__ = "attendances"

    registration_id: Mapped[UUID] = mapped_column(primary_key=True)
    version: Mapped[int]
    event_id: Mapped[UUID] = mapped_column(index=True)
    event_title: Mapped[str] = mapped_column(sa.String(300))
    form_title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    hours: Mapped[int] = mapped_column(default=0)
    person_id: Mapped[UUID] = mapped_column(index=True)
    full_name: Mapped[str] = mapped_column(sa.String(300))
    organisation_id: Mapped[UUID | None]
    attended: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class Certificate(Base):
    """A certificate of participation the documents service issued for a registration."""

    __tablename__ = "certificates"

    registration_id: Mapped[UUID] = mapped_column(primary_key=True)
    document_id: Mapped[UUID]
    number: Mapped[str] = mapped_column(sa.String(100))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


# --- the competency catalogue ---------------------------------------------------------


class Competency(Base):
    """A competency of the district's catalogue (a deficit is a gap in one)."""

    __tablename__ = "competencies"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    keywords: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    __mapper_args__ = {"version_id_col": version}


# --- needs monitoring -----------------------------------------------------------------


class Survey(Base):
    """A survey of teachers' professional and information needs (003 §4.1)."""

    __tablename__ = "surveys"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    school_year: Mapped[str] = mapped_column(sa.String(9), index=True)
    closes_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    target_organisation_ids: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    target_subjects: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    target_staff_groups: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    target_categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    repeat_of: Mapped[UUID | None] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="SET NULL"), index=True
    )
    created_by: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": version}


class SurveyQuestion(Base):
    """One question of a survey."""

    __tablename__ = "survey_questions"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    survey_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.Text)
    required: Mapped[bool] = mapped_column(default=True)
    options: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    """Choices: ``[{"key": "a", "text": "…", "competency": "<code>" | null}]``."""
    competency: Mapped[str | None] = mapped_column(sa.String(64))
    """For a scale question: the competency a low answer (1–2) points to."""
    copied_from: Mapped[UUID | None]
    """The question of last year's survey this one repeats (for the comparison)."""


class SurveyRecipient(Base):
    """A teacher of the survey's target group when it was opened."""

    __tablename__ = "survey_recipients"

    survey_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[UUID] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(300))


class SurveyResponse(Base):
    """One teacher's answers to a survey (editable until the survey closes)."""

    __tablename__ = "survey_responses"
    __table_args__ = (sa.UniqueConstraint("survey_id", "person_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    survey_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[UUID] = mapped_column(index=True)
    full_name: Mapped[str] = mapped_column(sa.String(300))
    organisation_id: Mapped[UUID | None]
    """The respondent's school when they answered (for the per-school summary)."""
    subjects: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    """``{question id: option key | [option keys] | 1..5 | text}``."""
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    version: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": version}


# --- deficits, routes, tutors ---------------------------------------------------------


class Deficit(Base):
    """A professional deficit of a teacher in one competency (003 §2)."""

    __tablename__ = "deficits"
    __table_args__ = (
        sa.UniqueConstraint(
            "person_id", "competency_id", "subject", "source", "source_ref", "source_date"
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    person_id: Mapped[UUID] = mapped_column(index=True)
    competency_id: Mapped[UUID] = mapped_column(sa.ForeignKey("competencies.id"), index=True)
    subject: Mapped[str] = mapped_column(sa.String(100), default="")
    source: Mapped[str] = mapped_column(sa.String(32))
    source_date: Mapped[date]
    source_ref: Mapped[str] = mapped_column(sa.String(300), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    survey_id: Mapped[UUID | None] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="SET NULL"), index=True
    )
    """The survey whose answers pointed to the deficit (source ``survey``)."""
    recorded_by: Mapped[str] = mapped_column(sa.String(300))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    closed_on: Mapped[date | None]
    closed_by: Mapped[str] = mapped_column(sa.String(300), default="")
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    closing_step_id: Mapped[UUID | None]
    version: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": version}


class Route(Base):
    """A teacher's individual educational route (ИОМ) for one school year."""

    __tablename__ = "routes"
    __table_args__ = (sa.UniqueConstraint("person_id", "school_year"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    person_id: Mapped[UUID] = mapped_column(index=True)
    school_year: Mapped[str] = mapped_column(sa.String(9))
    created_by: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class RouteGoal(Base):
    """A goal of a route, tied to a deficit it is to close."""

    __tablename__ = "route_goals"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    route_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("routes.id", ondelete="CASCADE"), index=True
    )
    deficit_id: Mapped[UUID | None] = mapped_column(
        sa.ForeignKey("deficits.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(500))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class RouteStep(Base):
    """A step of a route: an event, an internship, a course elsewhere, mentoring."""

    __tablename__ = "route_steps"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    route_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("routes.id", ondelete="CASCADE"), index=True
    )
    goal_id: Mapped[UUID | None] = mapped_column(
        sa.ForeignKey("route_goals.id", ondelete="SET NULL"), index=True
    )
    person_id: Mapped[UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(500))
    event_id: Mapped[UUID | None] = mapped_column(index=True)
    provider: Mapped[str] = mapped_column(sa.String(300), default="")
    hours: Mapped[int] = mapped_column(default=0)
    """Hours of a course (or of the event, copied when the step completes)."""
    planned_hours: Mapped[float] = mapped_column(sa.Float, default=0.0)
    """Mentoring: hours of meetings planned."""
    assignment_id: Mapped[UUID | None] = mapped_column(
        sa.ForeignKey("tutor_assignments.id", ondelete="SET NULL"), index=True
    )
    deadline: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(16), default="planned")
    completed_on: Mapped[date | None]
    completed_by: Mapped[str] = mapped_column(sa.String(300), default="")
    registration_id: Mapped[UUID | None]
    """The attendance that completed an event or internship step."""
    evidence_filename: Mapped[str] = mapped_column(sa.String(300), default="")
    evidence_content_type: Mapped[str] = mapped_column(sa.String(100), default="")
    evidence_size: Mapped[int] = mapped_column(default=0)
    evidence_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    evidence_key: Mapped[str] = mapped_column(sa.String(100), default="")
    evidence_comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_reason: Mapped[str] = mapped_column(sa.Text, default="")
    reviewed_by: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    version: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": version}


class TutorAssignment(Base):
    """A tutor (педагог-тьютор) or mentor (наставник) appointed to teachers."""

    __tablename__ = "tutor_assignments"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    kind: Mapped[str] = mapped_column(sa.String(16))
    tutor_person_id: Mapped[UUID] = mapped_column(index=True)
    tutor_name: Mapped[str] = mapped_column(sa.String(300))
    topic: Mapped[str] = mapped_column(sa.String(1000), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class AssignmentTeacher(Base):
    """A teacher an assignment supports."""

    __tablename__ = "assignment_teachers"

    assignment_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("tutor_assignments.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[UUID] = mapped_column(primary_key=True, index=True)
    full_name: Mapped[str] = mapped_column(sa.String(300))


class TutorMeeting(Base):
    """A meeting of a tutor or mentor with (some of) their teachers."""

    __tablename__ = "tutor_meetings"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    assignment_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("tutor_assignments.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date]
    hours: Mapped[float] = mapped_column(sa.Float)
    topic: Mapped[str] = mapped_column(sa.String(1000))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by: Mapped[str] = mapped_column(sa.String(300), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class MeetingPresence(Base):
    """A teacher present at a tutor's meeting."""

    __tablename__ = "meeting_presence"

    meeting_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("tutor_meetings.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[UUID] = mapped_column(primary_key=True, index=True)


class SummaryCounter(Base):
    """The version of DEFICITS_SUMMARISED (one row; grows by one per change)."""

    __tablename__ = "summary_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
