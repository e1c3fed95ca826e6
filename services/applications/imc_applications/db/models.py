"""Applications tables: applications, council meetings, orders, sites, reports, audit."""

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from imc_contracts import new_message_id


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the applications service."""

    type_annotation_map = {dict[str, Any]: sa.JSON, list[Any]: sa.JSON}


class Application(Base):
    """An application of an organisation for a site status (000 §3.2)."""

    __tablename__ = "applications"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    district: Mapped[str] = mapped_column(sa.String(64), index=True)
    organisation_id: Mapped[UUID] = mapped_column(index=True)
    organisation_full_name: Mapped[str] = mapped_column(sa.String(500))
    organisation_short_name: Mapped[str] = mapped_column(sa.String(200))
    applicant_email: Mapped[str] = mapped_column(sa.String(254), server_default="")
    site_kind: Mapped[str] = mapped_column(sa.String(32))
    topic: Mapped[str] = mapped_column(sa.String(1000))
    status: Mapped[str] = mapped_column(sa.String(32), default="submitted")
    checklist: Mapped[list[Any]] = mapped_column(server_default="[]")
    reviewer_id: Mapped[UUID | None]
    reviewer_name: Mapped[str | None] = mapped_column(sa.String(200))
    review_conclusion: Mapped[str | None] = mapped_column(sa.Text)
    review_recommendation: Mapped[str | None] = mapped_column(sa.String(16))
    site_id: Mapped[UUID | None]
    version: Mapped[int] = mapped_column(server_default="1")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    documents: Mapped[list["ApplicationDocument"]] = relationship(
        back_populates="application", lazy="selectin", order_by="ApplicationDocument.kind"
    )
    decision: Mapped["Decision | None"] = relationship(
        back_populates="application", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class ApplicationDocument(Base):
    """One stored document of an application package."""

    __tablename__ = "application_documents"
    __table_args__ = (sa.UniqueConstraint("application_id", "kind"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    application_id: Mapped[UUID] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(255))

    application: Mapped[Application] = relationship(back_populates="documents")


class Comment(Base):
    """A comment on an application, visible to the applicant, the staff or the council."""

    __tablename__ = "application_comments"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    application_id: Mapped[UUID] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    visibility: Mapped[str] = mapped_column(sa.String(16))
    author: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)


class Decision(Base):
    """The methodical council's decision on an application."""

    __tablename__ = "decisions"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    application_id: Mapped[UUID] = mapped_column(sa.ForeignKey("applications.id"), unique=True)
    meeting_id: Mapped[UUID | None]
    outcome: Mapped[str] = mapped_column(sa.String(16))
    decided_on: Mapped[date]
    council_protocol: Mapped[str] = mapped_column(sa.String(200))
    reason: Mapped[str | None] = mapped_column(sa.String(2000))
    term_years: Mapped[int | None]
    term_months: Mapped[int | None]
    term_start: Mapped[date | None]
    term_end: Mapped[date | None]
    leader_id: Mapped[UUID | None]
    leader_name: Mapped[str | None] = mapped_column(sa.String(200))
    leader_position: Mapped[str | None] = mapped_column(sa.String(200))
    co_leader_id: Mapped[UUID | None]
    co_leader_name: Mapped[str | None] = mapped_column(sa.String(200))
    co_leader_position: Mapped[str | None] = mapped_column(sa.String(200))
    order_number: Mapped[str | None] = mapped_column(sa.String(64))
    order_date: Mapped[date | None]
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)

    application: Mapped[Application] = relationship(back_populates="decision")


class Meeting(Base):
    """A meeting of the methodical council: attendance, agenda, votes."""

    __tablename__ = "council_meetings"
    __table_args__ = (sa.UniqueConstraint("district", "protocol_number", "year"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    district: Mapped[str] = mapped_column(sa.String(64), index=True)
    protocol_number: Mapped[str] = mapped_column(sa.String(32))
    year: Mapped[int]
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(16), default="planned")
    members: Mapped[list[Any]] = mapped_column(default=list)
    """The council's members when attendance was taken: ``[{id, full_name, position}]``."""
    present: Mapped[list[Any]] = mapped_column(default=list)
    """Ids (as strings) of the members present."""
    chair_name: Mapped[str] = mapped_column(sa.String(200), default="")
    secretary_name: Mapped[str] = mapped_column(sa.String(200), default="")
    version: Mapped[int] = mapped_column(server_default="1")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)

    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", lazy="selectin", order_by="AgendaItem.number"
    )

    __mapper_args__ = {"version_id_col": version}


class AgendaItem(Base):
    """One question of a meeting: what is proposed, how the council voted, what it decided."""

    __tablename__ = "agenda_items"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "number"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    meeting_id: Mapped[UUID] = mapped_column(sa.ForeignKey("council_meetings.id"), index=True)
    number: Mapped[int]
    type: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(1000))
    speaker: Mapped[str] = mapped_column(sa.String(300))
    application_id: Mapped[UUID | None] = mapped_column(index=True)
    site_id: Mapped[UUID | None] = mapped_column(index=True)
    organisation_id: Mapped[UUID | None]
    organisation_short_name: Mapped[str | None] = mapped_column(sa.String(200))
    proposal: Mapped[dict[str, Any]] = mapped_column(default=dict)
    votes_for: Mapped[int | None]
    votes_against: Mapped[int | None]
    abstained: Mapped[int | None]
    adopted: Mapped[bool | None]
    decision_text: Mapped[str] = mapped_column(sa.Text, default="")
    order_id: Mapped[UUID | None]

    meeting: Mapped[Meeting] = relationship(back_populates="items")


class OrderJournal(Base):
    """The orders journal of one issuer for one year: the last number given."""

    __tablename__ = "order_journals"

    issuer: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class Order(Base):
    """An order (приказ) confirming a council decision on a site."""

    __tablename__ = "orders"
    __table_args__ = (sa.UniqueConstraint("issuer", "year", "sequence"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    district: Mapped[str] = mapped_column(sa.String(64), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(32))
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(sa.String(64))
    order_date: Mapped[date]
    kind: Mapped[str] = mapped_column(sa.String(16))
    item_id: Mapped[UUID] = mapped_column(sa.ForeignKey("agenda_items.id"), unique=True)
    site_id: Mapped[UUID] = mapped_column(index=True)
    application_id: Mapped[UUID | None]
    signatory_name: Mapped[str] = mapped_column(sa.String(200))
    signatory_position: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)


class Site(Base):
    """The life of a status: from the order that assigns it to its end."""

    __tablename__ = "sites"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    district: Mapped[str] = mapped_column(sa.String(64), index=True)
    organisation_id: Mapped[UUID] = mapped_column(index=True)
    organisation_full_name: Mapped[str] = mapped_column(sa.String(500))
    organisation_short_name: Mapped[str] = mapped_column(sa.String(200))
    applicant_email: Mapped[str] = mapped_column(sa.String(254), default="")
    kind: Mapped[str] = mapped_column(sa.String(32))
    topic: Mapped[str] = mapped_column(sa.String(1000))
    status: Mapped[str] = mapped_column(sa.String(16))
    term_start: Mapped[date]
    term_end: Mapped[date]
    extensions_used: Mapped[int] = mapped_column(default=0)
    leader_id: Mapped[UUID | None]
    leader_name: Mapped[str] = mapped_column(sa.String(200))
    leader_position: Mapped[str] = mapped_column(sa.String(200))
    co_leader_id: Mapped[UUID | None]
    co_leader_name: Mapped[str | None] = mapped_column(sa.String(200))
    co_leader_position: Mapped[str | None] = mapped_column(sa.String(200))
    application_id: Mapped[UUID | None]
    last_order_number: Mapped[str] = mapped_column(sa.String(64))
    last_order_date: Mapped[date]
    ended_on: Mapped[date | None]
    end_grounds: Mapped[list[Any]] = mapped_column(default=list)
    end_grounds_text: Mapped[str] = mapped_column(sa.Text, default="")
    warned_days: Mapped[list[Any]] = mapped_column(default=list)
    """Expiry warnings already sent (30, 7)."""
    version: Mapped[int] = mapped_column(server_default="1")

    reports: Mapped[list["Report"]] = relationship(
        back_populates="site", lazy="selectin", order_by="Report.due_on"
    )

    __mapper_args__ = {"version_id_col": version}


class Report(Base):
    """A report a site owes on a date (000 §3.5, 001 §4.7)."""

    __tablename__ = "site_reports"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    site_id: Mapped[UUID] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    due_on: Mapped[date] = mapped_column(index=True)
    final: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    """pending, submitted or cancelled (the site ended before it was due)."""
    reminders_sent: Mapped[list[Any]] = mapped_column(default=list)
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    filename: Mapped[str | None] = mapped_column(sa.String(255))
    storage_key: Mapped[str | None] = mapped_column(sa.String(255))
    sha256: Mapped[str | None] = mapped_column(sa.String(64))

    site: Mapped[Site] = relationship(back_populates="reports")


class AuditRecord(Base):
    """One state change: who, when, what, before, after, why. Never updated or deleted."""

    __tablename__ = "audit_records"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now, index=True)
    actor_id: Mapped[UUID | None] = mapped_column(index=True)
    actor_name: Mapped[str] = mapped_column(sa.String(200))
    entity: Mapped[str] = mapped_column(sa.String(16))
    entity_id: Mapped[UUID] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(sa.String(32))
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    application_id: Mapped[UUID | None] = mapped_column(index=True)
    site_id: Mapped[UUID | None] = mapped_column(index=True)
