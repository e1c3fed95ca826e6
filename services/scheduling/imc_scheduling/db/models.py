"""Scheduling tables."""

from datetime import UTC, date, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from imc_contracts import new_message_id
from imc_shared.db import UTCDateTime


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the scheduling service."""


class Roadmap(Base):
    """The road map of a site: its events, forms, responsible people, deadlines."""

    __tablename__ = "roadmaps"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    site_id: Mapped[UUID] = mapped_column(unique=True)
    organisation_id: Mapped[UUID] = mapped_column(index=True)
    organisation_short_name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(300))
    topic: Mapped[str] = mapped_column(sa.String(1000))
    period_start: Mapped[date]
    period_end: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(32), default="open")
    opened_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)


class RoadmapItem(Base):
    """One row of a road map (001 §4.6): what, in which form, who, by when, to what end."""

    __tablename__ = "roadmap_items"
    __table_args__ = (sa.Index("ix_roadmap_items_overdue", "overdue_notified_at", "deadline"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    roadmap_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("roadmaps.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(300))
    form: Mapped[str] = mapped_column(sa.String(64))
    responsible_name: Mapped[str] = mapped_column(sa.String(300))
    responsible_person_id: Mapped[UUID | None]
    deadline: Mapped[date]
    expected_result: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    plan_item_id: Mapped[UUID | None] = mapped_column(
        sa.ForeignKey("plan_items.id", ondelete="SET NULL"), index=True
    )
    """The item of the district's IMC plan the row carries out (000 §3.6.1), if named."""
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When ROADMAP_ITEM_OVERDUE went out for the row; ``None`` until then (once per row)."""


class EventSeries(Base):
    """A recurring series planned once (RRULE); its occurrences are ordinary events."""

    __tablename__ = "event_series"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    title: Mapped[str] = mapped_column(sa.String(300))
    rrule: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class Internship(Base):
    """A multi-day internship programme of an internship site (001 §1.3)."""

    __tablename__ = "internships"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    title: Mapped[str] = mapped_column(sa.String(300))
    site_id: Mapped[UUID] = mapped_column(index=True)
    organiser_name: Mapped[str] = mapped_column(sa.String(300), default="")
    min_attendance_percent: Mapped[int] = mapped_column(default=100)
    group_fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class InternshipParticipant(Base):
    """A member of an internship's fixed group, with their final statement."""

    __tablename__ = "internship_participants"
    __table_args__ = (sa.UniqueConstraint("internship_id", "person_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    internship_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("internships.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[UUID]
    full_name: Mapped[str] = mapped_column(sa.String(300))
    organisation_id: Mapped[UUID | None]
    outcome: Mapped[str] = mapped_column(sa.String(16), default="")
    conclusion: Mapped[str] = mapped_column(sa.Text, default="")
    hours: Mapped[int] = mapped_column(default=0)
    statement_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Event(Base):
    """A methodical event: a seminar, a master class, an internship day, ..."""

    __tablename__ = "events"
    __table_args__ = (sa.Index("ix_events_period", "starts_at", "ends_at"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    form: Mapped[str] = mapped_column(sa.String(64))
    level: Mapped[str] = mapped_column(sa.String(32))
    organiser_kind: Mapped[str] = mapped_column(sa.String(32))
    organiser_id: Mapped[UUID | None] = mapped_column(index=True)
    organiser_name: Mapped[str] = mapped_column(sa.String(300), default="")
    venue: Mapped[str] = mapped_column(sa.String(500), default="")
    venue_key: Mapped[str] = mapped_column(sa.String(500), default="", index=True)
    online_url: Mapped[str] = mapped_column(sa.String(1000), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None]
    hours: Mapped[int] = mapped_column(default=0)
    audience_subjects: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    audience_categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    audience_low_results: Mapped[bool] = mapped_column(default=False)
    audience_organisation_ids: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    materials: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    results: Mapped[str] = mapped_column(sa.Text, default="")
    responsible_person_id: Mapped[UUID | None] = mapped_column(index=True)
    responsible_name: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[str] = mapped_column(sa.String(32), default="planned")
    series_id: Mapped[UUID | None] = mapped_column(
        sa.ForeignKey("event_series.id", ondelete="SET NULL"), index=True
    )
    roadmap_item_id: Mapped[UUID | None] = mapped_column(
        sa.ForeignKey("roadmap_items.id", ondelete="SET NULL"), index=True
    )
    internship_id: Mapped[UUID | None] = mapped_column(
        sa.ForeignKey("internships.id", ondelete="SET NULL"), index=True
    )
    """A day of an internship programme (001 §1.3): only its fixed group takes part."""
    seat_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    """Bumped first by every registration change: the row lock that serialises seats."""
    intermunicipal: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    """Planned at the centre (ММЦ) for every district; goes down over ``imc.centre``."""
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    """Counts the announced changes; EVENT_CHANGED carries it for versioned readers."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)


class Registration(Base):
    """A teacher's registration for an event: a seat, a place on the waiting list, or none."""

    __tablename__ = "registrations"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "person_id"),
        sa.Index(
            "ux_registrations_district_registration_id", "district_registration_id", unique=True
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    event_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[UUID] = mapped_column(index=True)
    full_name: Mapped[str] = mapped_column(sa.String(300))
    organisation_id: Mapped[UUID | None]
    registered_by: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))
    queue_number: Mapped[int]
    """The event's seat sequence when (re)registered: the waiting-list order."""
    attended: Mapped[bool] = mapped_column(default=False)
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checkin_method: Mapped[str] = mapped_column(sa.String(16), default="")
    hours_credited: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    """Counts the announced changes; PARTICIPATION_CHANGED (and, for a district's
    registration, CENTRE_REGISTRATION_DECIDED) carries it."""
    district: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    """At the centre: code of the district that registered the teacher for an
    inter-municipal event; empty for a registration made here."""
    district_registration_id: Mapped[UUID | None]
    """At the centre: the district's own id of the registration; the answer names it."""
    position: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    """The participant's position, as the district sent it."""
    organisation_short_name: Mapped[str] = mapped_column(
        sa.String(300), default="", server_default=""
    )
    """The school's short name as the district sent it (the centre's registry does not
    know the districts' schools)."""
    request_version: Mapped[int] = mapped_column(default=0, server_default="0")
    """The highest version of the district's request taken: older or repeated ones are
    no-ops."""
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    """Why the centre refused the district's request (Russian); empty unless refused."""
    announced_status: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    """The status the teacher was last told of (REGISTRATION_CHANGED); empty before the
    first. A change is announced only when ``status`` differs from it."""
    cancelled_by: Mapped[str | None] = mapped_column(sa.String(16))
    """Who cancelled it: ``self`` (the teacher), ``school`` (their school's
    representative) or ``organiser`` (the IMC's staff, or the event's own cancellation);
    ``None`` unless cancelled (or made before this was recorded)."""
    cancelled_by_name: Mapped[str | None] = mapped_column(sa.String(300))
    """The name of whoever cancelled it, when it was not the teacher (may be empty)."""


class Reminder(Base):
    """A reminder due at a moment: the durable scheduler's work list."""

    __tablename__ = "reminders"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "kind"),
        sa.Index("ix_reminders_due", "sent_at", "due_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    event_id: Mapped[UUID] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(sa.String(16), default="")


class ReminderNotice(Base):
    """A reminder sent to one participant (until a contract carries it as a message)."""

    __tablename__ = "reminder_notices"
    __table_args__ = (sa.UniqueConstraint("reminder_id", "person_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    reminder_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("reminders.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[UUID] = mapped_column(index=True)
    person_id: Mapped[UUID] = mapped_column(index=True)
    full_name: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class Plan(Base):
    """An annual work plan of the IMC or ММЦ (002 §6.1) or a subject plan."""

    __tablename__ = "plans"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    kind: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(300))
    school_year: Mapped[str] = mapped_column(sa.String(9), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    approved_by: Mapped[str] = mapped_column(sa.String(300), default="")
    approval_document: Mapped[str] = mapped_column(sa.String(300), default="")
    approved_on: Mapped[date | None]
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    """Counts the announced changes; PLAN_CHANGED carries it."""


class PlanSection(Base):
    """A section of a plan (e.g. «Организационно-методическая работа»)."""

    __tablename__ = "plan_sections"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    plan_id: Mapped[UUID] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))


class PlanItem(Base):
    """An item of a plan section: content, form, responsible, deadline, result."""

    __tablename__ = "plan_items"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    plan_id: Mapped[UUID] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("plan_sections.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(500))
    form: Mapped[str] = mapped_column(sa.String(64), default="")
    responsible_name: Mapped[str] = mapped_column(sa.String(300))
    responsible_person_id: Mapped[UUID | None]
    deadline: Mapped[date | None]
    deadline_text: Mapped[str] = mapped_column(sa.String(100), default="")
    expected_result: Mapped[str] = mapped_column(sa.Text, default="")
    done_on: Mapped[date | None]
    """When the item was fulfilled; ``None`` while it is not."""
    done_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    """What was done (a note on the fulfilment)."""


class PlanningLock(Base):
    """One row every planning change updates first: clash checks never race."""

    __tablename__ = "planning_lock"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    counter: Mapped[int] = mapped_column(default=0, server_default="0")


class Organisation(Base):
    """An educational organisation as the registry announces it (names only)."""

    __tablename__ = "organisations"

    organisation_id: Mapped[UUID] = mapped_column(primary_key=True)
    short_name: Mapped[str] = mapped_column(sa.String(300))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the registry made the change: an older announcement never overwrites a newer."""


class CentreEvent(Base):
    """An inter-municipal event of the centre (ММЦ), the highest version received."""

    __tablename__ = "centre_events"
    __table_args__ = (sa.Index("ix_centre_events_starts_at", "starts_at"),)

    event_id: Mapped[UUID] = mapped_column(primary_key=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    form: Mapped[str] = mapped_column(sa.String(64))
    form_title: Mapped[str] = mapped_column(sa.String(200))
    level: Mapped[str] = mapped_column(sa.String(32))
    organiser_kind: Mapped[str] = mapped_column(sa.String(32))
    organiser_name: Mapped[str] = mapped_column(sa.String(300))
    venue: Mapped[str] = mapped_column(sa.String(500))
    online_url: Mapped[str] = mapped_column(sa.String(1000))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None]
    hours: Mapped[int]
    audience_subjects: Mapped[list[str]] = mapped_column(sa.JSON)
    audience_categories: Mapped[list[str]] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(32))
    registered: Mapped[int]
    waiting: Mapped[int]
    attended: Mapped[int]
    centre: Mapped[str] = mapped_column(sa.String(64))
    """Code of the centre the event came from (the envelope's instance)."""
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


ACTIVE_CENTRE_REGISTRATION = sa.text("status NOT IN ('cancelled', 'refused')")
"""A district's registration that still counts: one per person and centre event."""


class CentreRegistration(Base):
    """A district's teacher registered for an inter-municipal event of the centre.

    ``status`` is ``requested`` until the centre answers, then the centre's answer
    (``confirmed``, ``waiting``, ``cancelled``, ``refused``); a withdrawal here makes it
    ``cancelled`` for good.
    """

    __tablename__ = "centre_registrations"
    __table_args__ = (
        sa.Index(
            "ux_centre_registrations_active",
            "event_id",
            "person_id",
            unique=True,
            sqlite_where=ACTIVE_CENTRE_REGISTRATION,
            postgresql_where=ACTIVE_CENTRE_REGISTRATION,
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    event_id: Mapped[UUID] = mapped_column(index=True)
    """The centre's event (``centre_events.event_id``)."""
    person_id: Mapped[UUID]
    full_name: Mapped[str] = mapped_column(sa.String(300))
    position: Mapped[str] = mapped_column(sa.String(300), default="")
    organisation_id: Mapped[UUID | None]
    organisation_short_name: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[str] = mapped_column(sa.String(16))
    version: Mapped[int]
    """Version of the request as sent (1, then 2 on withdrawal)."""
    decision_version: Mapped[int] = mapped_column(default=0)
    """Version of the centre's answer taken: a lower or equal one changes nothing."""
    queue_number: Mapped[int | None]
    """Place on the centre's waiting list, as last answered."""
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    """Why the centre refused, in Russian."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)


class CentrePlan(Base):
    """A plan of the centre (ММЦ) with its items, the highest version received."""

    __tablename__ = "centre_plans"

    plan_id: Mapped[UUID] = mapped_column(primary_key=True)
    version: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(300))
    school_year: Mapped[str] = mapped_column(sa.String(9), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(16))
    items: Mapped[list[dict[str, str | None]]] = mapped_column(sa.JSON)
    """Items in plan order: ``item_id``, ``title``, ``deadline``, ``done_on`` (ISO dates)."""
    centre: Mapped[str] = mapped_column(sa.String(64))
    """Code of the centre the plan came from (the envelope's instance)."""
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
