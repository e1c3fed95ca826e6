"""The centre's read models: what the districts report, kept at its highest version."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the aggregator."""


class CentreSite(Base):
    """A site of some district, as last reported by that district."""

    __tablename__ = "centre_sites"

    site_id: Mapped[UUID] = mapped_column(primary_key=True)
    district: Mapped[str] = mapped_column(sa.String(64), index=True)
    organisation_id: Mapped[UUID]
    organisation_short_name: Mapped[str] = mapped_column(sa.String(200))
    organisation_full_name: Mapped[str] = mapped_column(sa.String(500))
    kind: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(32))
    topic: Mapped[str] = mapped_column(sa.String(1000))
    term_start: Mapped[date]
    term_end: Mapped[date]
    leader_name: Mapped[str] = mapped_column(sa.String(200))
    leader_position: Mapped[str] = mapped_column(sa.String(200))
    co_leader_name: Mapped[str | None] = mapped_column(sa.String(200))
    co_leader_position: Mapped[str | None] = mapped_column(sa.String(200))
    order_number: Mapped[str] = mapped_column(sa.String(64))
    order_date: Mapped[date]
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    """The district's change counter of the site (0 from publishers that predate it)."""
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    """When the reported change happened in the district (orders arrivals)."""
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    message_id: Mapped[UUID]


class DistrictActivity(Base):
    """When the centre last heard from each district."""

    __tablename__ = "district_activity"

    district: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    last_message_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    messages: Mapped[int] = mapped_column(default=0)


class CentreEvent(Base):
    """An event of some district's (or the centre's own) calendar."""

    __tablename__ = "centre_events"

    event_id: Mapped[UUID] = mapped_column(primary_key=True)
    district: Mapped[str] = mapped_column(sa.String(64), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(500))
    form: Mapped[str] = mapped_column(sa.String(64))
    form_title: Mapped[str] = mapped_column(sa.String(200))
    level: Mapped[str] = mapped_column(sa.String(32))
    organiser_kind: Mapped[str] = mapped_column(sa.String(32))
    organiser_id: Mapped[UUID | None]
    organiser_name: Mapped[str] = mapped_column(sa.String(500))
    venue: Mapped[str] = mapped_column(sa.String(500))
    online_url: Mapped[str] = mapped_column(sa.String(1000))
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    capacity: Mapped[int | None]
    hours: Mapped[int]
    audience_subjects: Mapped[list[Any]] = mapped_column(sa.JSON)
    audience_categories: Mapped[list[Any]] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(32))
    registered: Mapped[int]
    waiting: Mapped[int]
    attended: Mapped[int]
    intermunicipal: Mapped[bool]
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    message_id: Mapped[UUID]


class CentreParticipation(Base):
    """A registration for an event, reported by the district of the participant's school."""

    __tablename__ = "centre_participation"

    registration_id: Mapped[UUID] = mapped_column(primary_key=True)
    district: Mapped[str] = mapped_column(sa.String(64), index=True)
    version: Mapped[int]
    event_id: Mapped[UUID]
    organisation_id: Mapped[UUID | None]
    organisation_short_name: Mapped[str] = mapped_column(sa.String(200))
    subjects: Mapped[list[Any]] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(32))
    attended: Mapped[bool]
    hours_credited: Mapped[int]
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    message_id: Mapped[UUID]


class CentrePlan(Base):
    """A work plan of some district (or the centre's own), with its items."""

    __tablename__ = "centre_plans"

    plan_id: Mapped[UUID] = mapped_column(primary_key=True)
    district: Mapped[str] = mapped_column(sa.String(64), index=True)
    version: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(500))
    school_year: Mapped[str] = mapped_column(sa.String(16))
    subject: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(32))
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    message_id: Mapped[UUID]


class CentrePlanItem(Base):
    """One item of a plan, as of the plan's version the centre keeps."""

    __tablename__ = "centre_plan_items"

    plan_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("centre_plans.plan_id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[UUID] = mapped_column(primary_key=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(1000))
    deadline: Mapped[date | None]
    done_on: Mapped[date | None]


class LinkHeartbeat(Base):
    """The last heartbeat the centre received from each district."""

    __tablename__ = "link_heartbeats"

    district: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    sequence: Mapped[int]
    interval_seconds: Mapped[int]
    outbox_backlog: Mapped[int]
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class Rejection(Base):
    """A message the centre refused (wrong link, or an entity of another district)."""

    __tablename__ = "rejections"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    claimed_district: Mapped[str] = mapped_column(sa.String(64), index=True)
    recorded_upstream: Mapped[str | None] = mapped_column(sa.String(500))
    """The upstream the broker recorded; ``None`` when the message crossed no link."""
    routing_key: Mapped[str] = mapped_column(sa.String(200))
    message_id: Mapped[UUID] = mapped_column(unique=True)
    """A redelivered refusal is recorded (and counted) once."""
    reason: Mapped[str] = mapped_column(sa.Text)
    rejected_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class CentreDeficitSummary(Base):
    """A district's anonymous summary of its teachers' professional deficits: the
    snapshot of the highest version received (counts only, no person)."""

    __tablename__ = "centre_deficit_summaries"

    district: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    version: Mapped[int]
    as_of: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    """When the district's figures were taken."""
    teachers_with_routes: Mapped[int]
    """Teachers who have an individual educational route (ИОМ)."""
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    message_id: Mapped[UUID]


class CentreDeficitCount(Base):
    """One line of a district's summary: a competency (in a subject) with its counts."""

    __tablename__ = "centre_deficit_counts"

    district: Mapped[str] = mapped_column(
        sa.ForeignKey("centre_deficit_summaries.district", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    """The line's place in the district's summary (1-based)."""
    competency_code: Mapped[str] = mapped_column(sa.Text)
    competency_title: Mapped[str] = mapped_column(sa.Text)
    subject: Mapped[str] = mapped_column(sa.Text)
    """Empty: the deficits belong to no one subject."""
    open: Mapped[int]
    closed: Mapped[int]
    teachers: Mapped[int]
    """Distinct teachers of the district with a deficit of this competency (and subject)."""
